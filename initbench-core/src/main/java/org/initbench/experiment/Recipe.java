package org.initbench.experiment;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.initbench.BadInputException;
import org.initbench.model.Norm;
import org.initbench.train.CosineSchedule;
import org.initbench.train.Precision;
import org.initbench.train.SgdConfig;

/**
 * Every training knob of a run, declared once: what a run does besides its arch, dataset, init and
 * seed. {@link #SEED} is the seed's recipe and holds every default; a run changes it with the
 * withers ({@code Recipe.SEED.withEpochs(3)}), the CLI by flag name ({@link #with(Map)}). Runs
 * with equal recipes are comparable; the report averages runs only within one recipe.
 *
 * <p>Width, norm and the branch scalar are here, not with the arch: they are what a sweep's models
 * override beside subsets and epochs, what the report tells columns apart by, and where {@code
 * spec.json} has always stored them; the arch id alone names the model family.
 *
 * <p>Adding a knob: a component here (with its {@link #SEED} value, wither and range check) and its
 * flag in the CLI's {@code RecipeOptions}. Its name is its JSON field in {@code spec.json} and {@code
 * sweep.json}, and, in kebab case ({@code batchSize} → {@code batch-size}), its flag and sweep-file key
 * ({@link #keys}); give a knob added later {@code @JsonInclude(NON_DEFAULT)} and {@code
 * @JsonSetter(nulls = AS_EMPTY)} so that files written before it stay readable and unchanged.
 *
 * @param epochs number of epochs (cosine period)
 * @param batchSize training batch size
 * @param lr initial learning rate
 * @param momentum SGD momentum
 * @param weightDecay SGD weight decay, on every parameter
 * @param nesterov Nesterov momentum
 * @param trainSubset class-balanced training subset size; 0 = the whole split
 * @param testSubset class-balanced test subset size; 0 = the whole split
 * @param width channel width multiplier (1 = the benchmark's models)
 * @param norm norm variant id ({@code bn}, {@code none}, {@code weightnorm}); null = the arch's own
 *     ({@code Models.defaultNorm}: bn, none for plaincnn), resolved by {@code TrainingRun.validate}
 * @param validation evaluate on {@code testSubset} images held out of the training split (class
 *     balanced, never trained on) instead of the test split: for choices tuned on accuracy, so the
 *     test split stays untouched; false (the default) is absent from the JSON, and JSON without it
 *     (written before the field existed) reads as false
 * @param fixupScalarLr Fixup's own recipe: every one-element parameter (Fixup's scalar biases and
 *     multipliers, which only {@code --norm none} ResNets have, and the α of {@code branchScalar}, the
 *     same kind of branch multiplier) trains at lr/10, as in Fixup's
 *     official code ({@link SgdConfig#FIXUP_SCALAR_LR}); false (the seed's recipe: one learning rate
 *     for every parameter) is absent from the JSON, as for {@code validation}
 * @param warmupEpochs a linear learning-rate warm-up per step over this many epochs, multiplied into
 *     the cosine ({@link CosineSchedule}); 0 (the seed's recipe: no warm-up) is absent from the JSON
 * @param precision {@link Precision} id: {@code fp32} (the seed's recipe, absent from the JSON; JSON
 *     without it reads as fp32) or {@code bf16} (autocast-style mixed precision)
 * @param branchScalar the model axis beside {@code norm}: one learned scalar α at the end of every
 *     residual branch, {@code x + α·F(x)} ({@code Models.build}; SkipInit, ReZero); only for nets with
 *     residual branches (checked by {@code TrainingRun.validate}); false (the published nets) is absent
 *     from the JSON, as for {@code validation}
 */
public record Recipe(
        int epochs,
        int batchSize,
        double lr,
        double momentum,
        double weightDecay,
        boolean nesterov,
        int trainSubset,
        int testSubset,
        double width,
        String norm,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) @JsonSetter(nulls = Nulls.AS_EMPTY) boolean validation,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) @JsonSetter(nulls = Nulls.AS_EMPTY) boolean fixupScalarLr,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) @JsonSetter(nulls = Nulls.AS_EMPTY) int warmupEpochs,
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = Fp32.class) String precision,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) @JsonSetter(nulls = Nulls.AS_EMPTY) boolean branchScalar) {

    /**
     * The seed's recipe: SGD lr 0.1, momentum 0.9, weight decay 5e-4, batch 128, cosine over 200
     * epochs, whole splits, full width, each arch's own norm, evaluated on the test split.
     */
    public static final Recipe SEED =
            new Recipe(200, 128, 0.1, 0.9, 5e-4, false, 0, 0, 1.0, null, false, false, 0, "fp32", false);

    private static final RecordComponent[] COMPONENTS = Recipe.class.getRecordComponents();

    /** Checks ranges; each bad value is one {@link BadInputException} line naming its flag. */
    public Recipe {
        positive("epochs", epochs);
        positive("batch-size", batchSize);
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new BadInputException("--lr must be a positive number, got " + lr);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new BadInputException("--momentum must be in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new BadInputException("--weight-decay must be >= 0, got " + weightDecay);
        }
        if (nesterov && momentum == 0) {
            throw new BadInputException("--nesterov needs a momentum > 0");
        }
        if (trainSubset < 0 || testSubset < 0) {
            throw new BadInputException("--train-subset/--test-subset must be >= 0 (0 = all)");
        }
        if (validation && testSubset == 0) {
            throw new BadInputException(
                    "--validation needs --test-subset N: the number of training images to hold out");
        }
        if (!(width > 0) || width > 16) {
            throw new BadInputException("--width must be in (0, 16], got " + width);
        }
        if (norm != null) {
            norm = Norm.parse(norm).id();
        }
        new CosineSchedule(lr, epochs, warmupEpochs); // checks warmupEpochs
        // absent from JSON written before the knob: fp32
        precision = precision == null || precision.isEmpty() ? Precision.FP32.id() : Precision.parse(precision).id();
    }

    public Recipe withEpochs(int v) {
        return with("epochs", v);
    }

    public Recipe withBatchSize(int v) {
        return with("batch-size", v);
    }

    public Recipe withLr(double v) {
        return with("lr", v);
    }

    public Recipe withMomentum(double v) {
        return with("momentum", v);
    }

    public Recipe withWeightDecay(double v) {
        return with("weight-decay", v);
    }

    public Recipe withNesterov(boolean v) {
        return with("nesterov", v);
    }

    public Recipe withTrainSubset(int v) {
        return with("train-subset", v);
    }

    public Recipe withTestSubset(int v) {
        return with("test-subset", v);
    }

    public Recipe withWidth(double v) {
        return with("width", v);
    }

    /** With this norm; null = the arch's own. */
    public Recipe withNorm(String v) {
        return with("norm", v);
    }

    public Recipe withValidation(boolean v) {
        return with("validation", v);
    }

    public Recipe withFixupScalarLr(boolean v) {
        return with("fixup-scalar-lr", v);
    }

    public Recipe withWarmupEpochs(int v) {
        return with("warmup-epochs", v);
    }

    /** With this precision id ({@code fp32}, {@code bf16}). */
    public Recipe withPrecision(String v) {
        return with("precision", v);
    }

    /** With (or without) a learned α at the end of every residual branch. */
    public Recipe withBranchScalar(boolean v) {
        return with("branch-scalar", v);
    }

    /** The recipe's {@link Precision}. */
    public Precision precisionMode() {
        return Precision.parse(precision);
    }

    /** The learning rate schedule: cosine over {@code epochs} with {@code warmupEpochs} of warm-up. */
    public CosineSchedule schedule() {
        return new CosineSchedule(lr, epochs, warmupEpochs);
    }

    /** The optimizer's settings. */
    public SgdConfig sgd() {
        return new SgdConfig(momentum, weightDecay, nesterov, fixupScalarLr ? SgdConfig.FIXUP_SCALAR_LR : 1);
    }

    /** The knobs' keys, in declaration order: each component's name in kebab case ({@code batch-size}). */
    public static List<String> keys() {
        return Arrays.stream(COMPONENTS).map(c -> kebab(c.getName())).toList();
    }

    /** The type of the knob {@code key} ({@code int.class}, {@code double.class}, …); null for no such knob. */
    public static Class<?> type(String key) {
        int i = keys().indexOf(key);
        return i < 0 ? null : COMPONENTS[i].getType();
    }

    /** The values by key ({@link #keys}), in declaration order. */
    public Map<String, Object> values() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (RecordComponent c : COMPONENTS) {
            try {
                out.put(kebab(c.getName()), c.getAccessor().invoke(this));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /**
     * This recipe with the knobs in {@code changes} (by {@link #keys key}, values of the knob's type,
     * boxed) replaced and checked.
     *
     * @throws IllegalArgumentException for a key that is no knob
     */
    public Recipe with(Map<String, ?> changes) {
        Map<String, Object> v = values();
        for (Map.Entry<String, ?> e : changes.entrySet()) {
            if (!v.containsKey(e.getKey())) {
                throw new IllegalArgumentException("no recipe knob " + e.getKey() + " (knobs: " + keys() + ")");
            }
            v.put(e.getKey(), e.getValue());
        }
        try {
            Constructor<Recipe> canonical = Recipe.class.getDeclaredConstructor(
                    Arrays.stream(COMPONENTS).map(RecordComponent::getType).toArray(Class<?>[]::new));
            return canonical.newInstance(new ArrayList<>(v.values()).toArray());
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private Recipe with(String key, Object value) {
        return with(Collections.singletonMap(key, value));
    }

    /** {@code batchSize} → {@code batch-size}. */
    static String kebab(String camel) {
        return camel.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
    }

    /** Leaves {@code precision} out of the JSON at its seed value, so files written before the knob stay the same. */
    static final class Fp32 {
        @Override
        public boolean equals(Object o) {
            return o == null || Precision.FP32.id().equals(o);
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }

    private static void positive(String name, int v) {
        if (v <= 0) {
            throw new BadInputException("--" + name + " must be positive, got " + v);
        }
    }
}
