package org.initbench.experiment;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.Objects;
import org.initbench.model.Models;

/**
 * One training run, fully resolved: what {@code initbench train} fills in from its flags and what
 * the run directory's {@code spec.json} stores as the run's provenance. Its JSON is flat: arch,
 * dataset, init and seed, then the recipe's fields in the recipe's order, as {@code spec.json} has
 * always been written.
 *
 * @param arch architecture id
 * @param dataset dataset id
 * @param init canonical init spec, e.g. {@code kaiming-normal:mode=fan_out,nonlinearity=relu,a=0}
 * @param seed run seed, the root of the seed tree
 * @param initSha256 for an init written in a file ({@code java:PATH.java}, {@code torch:PATH.py}, whose path
 *     the init spec holds), the SHA-256 of the file the run used; null for registered inits (and absent from
 *     {@code spec.json})
 * @param recipe every training knob ({@link Recipe#SEED} by default)
 */
public record TrainSpec(String arch, String dataset, String init, long seed,
        @JsonInclude(JsonInclude.Include.NON_NULL) String initSha256, @JsonUnwrapped Recipe recipe) {

    public TrainSpec {
        Objects.requireNonNull(recipe, "recipe");
    }

    /** A run of a registered init, or of a file init whose hash is not known yet. */
    public TrainSpec(String arch, String dataset, String init, long seed, Recipe recipe) {
        this(arch, dataset, init, seed, null, recipe);
    }

    /** The seed's recipe for an arch/dataset/init/seed. */
    public static TrainSpec of(String arch, String dataset, String init, long seed) {
        return new TrainSpec(arch, dataset, init, seed, Recipe.SEED);
    }

    /**
     * The model's part of run and cell names after the arch id: {@code -<norm>} where the norm is given and
     * is not the arch's own ({@link Models#defaultNorm}), then {@code -alpha} with the branch scalar; empty
     * for the published net (so {@code resnet56-none-alpha}, {@code mobilenetv2-alpha}).
     */
    public String variantSuffix() {
        StringBuilder b = new StringBuilder();
        if (recipe.norm() != null && !recipe.norm().equals(Models.defaultNorm(arch).id())) {
            b.append('-').append(recipe.norm());
        }
        if (recipe.branchScalar()) {
            b.append("-alpha");
        }
        return b.toString();
    }

    /** This run with another recipe. */
    public TrainSpec withRecipe(Recipe r) {
        return new TrainSpec(arch, dataset, init, seed, initSha256, r);
    }
}
