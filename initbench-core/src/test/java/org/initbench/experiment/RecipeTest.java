package org.initbench.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.initbench.BadInputException;
import org.initbench.train.SgdConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recipe's defaults, checks and withers, and the flat JSON of specs written before it existed. */
class RecipeTest {
    /** How run directories read spec.json, and how the report's scanner reads it. */
    static final List<ObjectMapper> READERS = List.of(RunDirectory.JSON, JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).build());

    /** spec.json as the version before the recipe (d7d15f2) wrote it for a plain run. */
    static final String PLAIN_SPEC = """
            {
              "arch" : "resnet20",
              "dataset" : "fashion-mnist",
              "init" : "pytorch-default",
              "seed" : 0,
              "epochs" : 1,
              "batchSize" : 128,
              "lr" : 0.1,
              "momentum" : 0.9,
              "weightDecay" : 5.0E-4,
              "nesterov" : false,
              "trainSubset" : 1000,
              "testSubset" : 500,
              "width" : 1.0,
              "norm" : "bn"
            }""";

    /** The same version's spec.json for Fixup's recipe with a warm-up, evaluated on held-out images. */
    static final String FIXUP_SPEC = """
            {
              "arch" : "resnet20",
              "dataset" : "fashion-mnist",
              "init" : "fixup-original",
              "seed" : 0,
              "epochs" : 1,
              "batchSize" : 128,
              "lr" : 0.1,
              "momentum" : 0.9,
              "weightDecay" : 5.0E-4,
              "nesterov" : false,
              "trainSubset" : 1000,
              "testSubset" : 500,
              "width" : 1.0,
              "norm" : "none",
              "validation" : true,
              "fixupScalarLr" : true,
              "warmupEpochs" : 1
            }""";

    /** sweep.json as that version wrote it, with per-layer statistics and the later knobs. */
    static final String SWEEP = """
            {
              "name" : "legacy",
              "models" : [ {
                "arch" : "resnet20",
                "dataset" : "fashion-mnist",
                "width" : null,
                "norm" : null,
                "trainSubset" : null,
                "testSubset" : 200,
                "epochs" : null
              } ],
              "inits" : [ "kaiming-normal", "fixup" ],
              "seeds" : [ 0, 1 ],
              "epochs" : 2,
              "batchSize" : 128,
              "lr" : 0.1,
              "momentum" : 0.9,
              "weightDecay" : 5.0E-4,
              "nesterov" : false,
              "trainSubset" : 600,
              "testSubset" : 100,
              "width" : 0.25,
              "norm" : null,
              "logLayerStats" : 5,
              "validation" : true,
              "warmupEpochs" : 1
            }""";

    @Test
    void theDefaultsAreTheSeedsRecipe() {
        Recipe r = Recipe.SEED;
        assertThat(List.of(r.epochs(), r.batchSize(), r.trainSubset(), r.testSubset(), r.warmupEpochs()))
                .containsExactly(200, 128, 0, 0, 0);
        assertThat(List.of(r.lr(), r.momentum(), r.weightDecay(), r.width())).containsExactly(0.1, 0.9, 5e-4, 1.0);
        assertThat(List.of(r.nesterov(), r.validation(), r.fixupScalarLr())).containsOnly(false);
        assertThat(r.norm()).isNull();
        assertThat(r.sgd()).isEqualTo(new SgdConfig(0.9, 5e-4, false));
        assertThat(r.schedule().lr(0)).isEqualTo(0.1);
        assertThat(TrainSpec.of("resnet20", "cifar10", "zeros", 1).recipe()).isSameAs(Recipe.SEED);
    }

    @Test
    void precisionIsInTheJsonOnlyWhenNotFp32() throws Exception {
        Recipe small = Recipe.SEED.withEpochs(1).withTrainSubset(1000).withTestSubset(500).withNorm("bn");
        TrainSpec fp32 = new TrainSpec("resnet20", "fashion-mnist", "pytorch-default", 0, small);
        TrainSpec bf16 = new TrainSpec("resnet20", "fashion-mnist", "pytorch-default", 0, small.withPrecision("BF16"));
        assertThat(Recipe.SEED.precision()).isEqualTo("fp32");
        assertThat(RunDirectory.JSON.writeValueAsString(fp32)).doesNotContain("precision");
        String json = RunDirectory.JSON.writeValueAsString(bf16);
        assertThat(json).contains("\"precision\" : \"bf16\"");
        assertThat(RunDirectory.JSON.readValue(json, TrainSpec.class)).isEqualTo(bf16);
        assertThat(bf16.recipe().precisionMode()).isEqualTo(org.initbench.train.Precision.BF16);
        assertThat(bf16).isNotEqualTo(fp32);
    }

    /** Off (the published nets) it is absent, so spec.json of earlier runs is byte for byte the same (above). */
    @Test
    void branchScalarIsInTheJsonOnlyWhenOnAndNamesTheRun() throws Exception {
        Recipe small = Recipe.SEED.withEpochs(1).withTrainSubset(1000).withTestSubset(500).withNorm("none");
        TrainSpec off = new TrainSpec("resnet20", "fashion-mnist", "skipinit:alpha=0", 0, small);
        TrainSpec on = off.withRecipe(small.withBranchScalar(true));
        assertThat(Recipe.SEED.branchScalar()).isFalse();
        assertThat(RunDirectory.JSON.writeValueAsString(off)).doesNotContain("branchScalar");
        String json = RunDirectory.JSON.writeValueAsString(on);
        assertThat(json).endsWith("\"norm\" : \"none\",\n  \"branchScalar\" : true\n}");
        assertThat(RunDirectory.JSON.readValue(json, TrainSpec.class)).isEqualTo(on).isNotEqualTo(off);
        assertThat(on.variantSuffix()).isEqualTo("-none-alpha");
        assertThat(off.variantSuffix()).isEqualTo("-none");
        assertThat(off.withRecipe(small.withNorm("bn").withBranchScalar(true)).variantSuffix()).isEqualTo("-alpha");
        assertThat(SweepSpec.cellName(on)).isEqualTo("resnet20-none-alpha-fashion-mnist-skipinit_alpha=0-s0");
        assertThat(SweepSpec.cellName(off)).isEqualTo("resnet20-none-fashion-mnist-skipinit_alpha=0-s0");
    }

    /** A sweep file turns it on per model ({@code branch-scalar} in a models entry) or for every model. */
    @Test
    void sweepModelsTurnTheBranchScalarOnAndStoreItOnlyThere(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("gate.yaml");
        Files.writeString(f, """
                models:
                  - {arch: resnet20, dataset: fashion-mnist, norm: none}
                  - {arch: resnet20, dataset: fashion-mnist, norm: none, branch-scalar: true}
                inits: [kaiming-normal]
                seeds: 0
                """);
        SweepSpec s = SweepForm.read(f).toSpec();
        assertThat(s.cells()).extracting(SweepSpec.Cell::name).containsExactly(
                "resnet20-none-fashion-mnist-kaiming-normal-s0", "resnet20-none-alpha-fashion-mnist-kaiming-normal-s0");
        assertThat(s.cells()).extracting(c -> c.spec().recipe().branchScalar()).containsExactly(false, true);
        ObjectMapper json = new ObjectMapper().enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
        String text = json.writeValueAsString(s);
        assertThat(text).containsOnlyOnce("branchScalar").contains("\"branchScalar\" : true");
        assertThat(json.readValue(text, SweepSpec.class)).isEqualTo(s);
        Files.writeString(f, "arch: resnet20\ndataset: fashion-mnist\ninits: zeros\nseeds: 0\nbranch-scalar: true\n");
        SweepSpec all = SweepForm.read(f).toSpec();
        assertThat(all.recipe().branchScalar()).isTrue();
        assertThat(all.cells().get(0).name()).isEqualTo("resnet20-alpha-fashion-mnist-zeros-s0");
    }

    @Test
    void knobsAreNamedAsTheirFlags() {
        assertThat(Recipe.keys()).containsExactly("epochs", "batch-size", "lr", "momentum", "weight-decay", "nesterov",
                "train-subset", "test-subset", "width", "norm", "validation", "fixup-scalar-lr", "warmup-epochs",
                "precision", "branch-scalar");
        assertThat(Recipe.type("batch-size")).isEqualTo(int.class);
        assertThat(Recipe.type("batchSize")).isNull();
        assertThat(Recipe.SEED.withBatchSize(16).values()).containsEntry("batch-size", 16);
        assertThat(Recipe.SEED.with(Map.of("lr", 0.05, "norm", "BN"))).isEqualTo(Recipe.SEED.withLr(0.05).withNorm("bn"));
        assertThatThrownBy(() -> Recipe.SEED.with(Map.of("lr-max", 1.0))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyBadValueIsOneLineNamingItsFlag() {
        assertThatThrownBy(() -> Recipe.SEED.withEpochs(0)).isInstanceOf(BadInputException.class)
                .hasMessage("--epochs must be positive, got 0");
        assertThatThrownBy(() -> Recipe.SEED.withBatchSize(-1)).hasMessage("--batch-size must be positive, got -1");
        assertThatThrownBy(() -> Recipe.SEED.withLr(Double.NaN)).hasMessage("--lr must be a positive number, got NaN");
        assertThatThrownBy(() -> Recipe.SEED.withMomentum(1)).hasMessage("--momentum must be in [0, 1), got 1.0");
        assertThatThrownBy(() -> Recipe.SEED.withWeightDecay(-1)).hasMessage("--weight-decay must be >= 0, got -1.0");
        assertThatThrownBy(() -> Recipe.SEED.withMomentum(0).withNesterov(true))
                .hasMessage("--nesterov needs a momentum > 0");
        assertThatThrownBy(() -> Recipe.SEED.withTrainSubset(-1))
                .hasMessage("--train-subset/--test-subset must be >= 0 (0 = all)");
        assertThatThrownBy(() -> Recipe.SEED.withWidth(17)).hasMessage("--width must be in (0, 16], got 17.0");
        assertThatThrownBy(() -> Recipe.SEED.withEpochs(3).withWarmupEpochs(4))
                .hasMessage("--warmup-epochs must be in [0, epochs = 3], got 4");
        assertThatThrownBy(() -> Recipe.SEED.withNorm("layer")).isInstanceOf(BadInputException.class);
    }

    @Test
    void specsWrittenBeforeTheRecipeReadUnchangedAndWriteBackTheSameBytes() throws Exception {
        Recipe small = Recipe.SEED.withEpochs(1).withTrainSubset(1000).withTestSubset(500);
        TrainSpec plain = new TrainSpec("resnet20", "fashion-mnist", "pytorch-default", 0, small.withNorm("bn"));
        TrainSpec fixup = new TrainSpec("resnet20", "fashion-mnist", "fixup-original", 0, small.withNorm("none")
                .withValidation(true).withFixupScalarLr(true).withWarmupEpochs(1));
        for (ObjectMapper reader : READERS) {
            assertThat(reader.readValue(PLAIN_SPEC, TrainSpec.class)).isEqualTo(plain);
            assertThat(reader.readValue(FIXUP_SPEC, TrainSpec.class)).isEqualTo(fixup);
        }
        assertThat(RunDirectory.JSON.writeValueAsString(plain)).isEqualTo(PLAIN_SPEC);
        assertThat(RunDirectory.JSON.writeValueAsString(fixup)).isEqualTo(FIXUP_SPEC);
        String nulls = PLAIN_SPEC.replace("\"norm\" : \"bn\"", "\"norm\" : \"bn\", \"validation\" : null");
        assertThat(RunDirectory.JSON.readValue(nulls, TrainSpec.class)).isEqualTo(plain);
    }

    @Test
    void sweepsWrittenBeforeTheRecipeReadUnchangedAndWriteBackTheSameBytes() throws Exception {
        ObjectMapper json = new ObjectMapper().enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
        SweepSpec s = json.readValue(SWEEP, SweepSpec.class);
        assertThat(s.recipe()).isEqualTo(Recipe.SEED.withEpochs(2).withTrainSubset(600).withTestSubset(100)
                .withWidth(0.25).withValidation(true).withWarmupEpochs(1));
        assertThat(s.logLayerStats()).isEqualTo(5);
        assertThat(s.cells().get(0).spec().recipe().testSubset()).isEqualTo(200);
        assertThat(json.writeValueAsString(s)).isEqualTo(SWEEP);
        String plain = SWEEP.replace(",\n  \"logLayerStats\" : 5,\n  \"validation\" : true,\n  \"warmupEpochs\" : 1", "");
        assertThat(json.writeValueAsString(json.readValue(plain, SweepSpec.class))).isEqualTo(plain);
    }
}
