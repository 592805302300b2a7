package org.initbench.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.initbench.BadInputException;
import org.initbench.train.SgdConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepSpecTest {
    @TempDir Path dir;

    Path file(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void aYamlSpecExpandsModelMajorThenInitThenSeed() throws IOException {
        SweepSpec s = SweepForm.read(file("proxy.yaml", """
                models:
                  - {arch: resnet20, dataset: fashion-mnist}
                  - {arch: vgg16bn, dataset: fashion-mnist, width: 0.25, epochs: 4}
                inits: [kaiming-normal, "orthogonal:gain=1"]
                seeds: 0..2
                epochs: 8
                train-subset: 6000
                test-subset: 2000
                """)).toSpec();
        assertThat(s.name()).isEqualTo("proxy");
        List<SweepSpec.Cell> cells = s.cells();
        assertThat(cells).hasSize(12);
        assertThat(cells.get(0).name()).isEqualTo("resnet20-fashion-mnist-kaiming-normal-s0");
        assertThat(cells.get(3).name()).isEqualTo("resnet20-fashion-mnist-orthogonal_gain=1-s0");
        SweepSpec.Cell vgg = cells.get(6);
        assertThat(vgg.index()).isEqualTo(6);
        assertThat(vgg.name()).isEqualTo("vgg16-w0.25-fashion-mnist-kaiming-normal-s0"); // the alias's canonical id
        assertThat(vgg.spec()).isEqualTo(new TrainSpec("vgg16", "fashion-mnist", "kaiming-normal", 0,
                Recipe.SEED.withEpochs(4).withTrainSubset(6000).withTestSubset(2000).withWidth(0.25)));
        assertThat(cells.get(0).spec().recipe().epochs()).isEqualTo(8);
    }

    @Test
    void jsonWithAProductOfArchsAndDatasets() throws IOException {
        SweepSpec s = SweepForm.read(file("g.json", """
                {"arch": "resnet20,resnet32", "dataset": ["fashion-mnist", "cifar10"], "inits": "zeros", "seeds": 7}
                """)).toSpec();
        assertThat(s.cells()).extracting(SweepSpec.Cell::name).containsExactly(
                "resnet20-fashion-mnist-zeros-s7", "resnet20-cifar10-zeros-s7",
                "resnet32-fashion-mnist-zeros-s7", "resnet32-cifar10-zeros-s7");
        assertThat(s.recipe().epochs()).isEqualTo(200);
    }

    @Test
    void flagsOverrideTheFile() throws IOException {
        SweepForm base = SweepForm.read(file("a.yaml", "arch: resnet20\ndataset: mnist\ninits: zeros\nseeds: 0..4\nepochs: 9\n"));
        SweepForm flags = new SweepForm();
        flags.recipe.put("epochs", 2);
        flags.seeds = new com.fasterxml.jackson.databind.node.TextNode("3");
        SweepSpec s = base.overriddenBy(flags).toSpec();
        assertThat(s.recipe().epochs()).isEqualTo(2);
        assertThat(s.seeds()).containsExactly(3L);
        assertThat(s.inits()).containsExactly("zeros");
    }

    @Test
    void aValidationSweepEvaluatesEveryCellOnHeldOutImagesAndOthersStoreNoSuchField() throws IOException {
        SweepSpec v = SweepForm.read(file("v.yaml", "arch: resnet20\ndataset: fashion-mnist\ninits: zeros\nseeds: 0..1\n"
                + "test-subset: 500\nvalidation: true\n")).toSpec();
        assertThat(v.cells()).allSatisfy(c -> assertThat(c.spec().recipe().validation()).isTrue());
        SweepSpec t = SweepForm.read(file("t.yaml", "arch: resnet20\ndataset: fashion-mnist\ninits: zeros\nseeds: 0..1\n"
                + "test-subset: 500\n")).toSpec();
        assertThat(t.cells()).noneSatisfy(c -> assertThat(c.spec().recipe().validation()).isTrue());
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        assertThat(json.writeValueAsString(t)).doesNotContain("validation");
        assertThat(json.readValue(json.writeValueAsString(v), SweepSpec.class)).isEqualTo(v);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SweepForm.read(file("w.yaml",
                "arch: resnet20\ndataset: fashion-mnist\ninits: zeros\nseeds: 0\nvalidation: true\n")).toSpec().cells())
                .hasMessageContaining("--validation needs --test-subset N");
    }

    @Test
    void warmupReachesEveryCellAndIsAbsentFromStoredSpecsWhenOff() throws IOException {
        SweepSpec on = SweepForm.read(file("w.yaml", "arch: resnet20\ndataset: fashion-mnist\ninits: zeros\n"
                + "seeds: 0..1\nepochs: 4\nwarmup-epochs: 2\n")).toSpec();
        assertThat(on.cells()).hasSize(2).allSatisfy(c -> assertThat(c.spec().recipe().schedule().warmupEpochs()).isEqualTo(2));
        SweepSpec off = SweepForm.read(file("o.yaml", "arch: resnet20\ndataset: fashion-mnist\ninits: zeros\nseeds: 0\n"))
                .toSpec();
        assertThat(off.cells().get(0).spec().recipe().warmupEpochs()).isZero();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        assertThat(json.writeValueAsString(off)).doesNotContain("warmup");
        assertThat(json.writeValueAsString(off.cells().get(0).spec())).doesNotContain("warmup");
        assertThat(json.readValue(json.writeValueAsString(on), SweepSpec.class)).isEqualTo(on);
        assertThat(json.readValue(json.writeValueAsString(on.cells().get(0).spec()), TrainSpec.class))
                .isEqualTo(on.cells().get(0).spec());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SweepForm.read(file("x.yaml",
                "arch: resnet20\ndataset: fashion-mnist\ninits: zeros\nseeds: 0\nepochs: 3\nwarmup-epochs: 4\n"))
                .toSpec().cells()).hasMessageContaining("--warmup-epochs must be in [0, epochs = 3], got 4");
    }

    @Test
    void fixupsScalarLrReachesEveryCellAndIsAbsentFromStoredSpecsWhenOff() throws IOException {
        SweepSpec on = SweepForm.read(file("f.yaml", "arch: resnet20\ndataset: fashion-mnist\ninits: fixup-original\n"
                + "seeds: 0..1\nnorm: none\nfixup-scalar-lr: true\n")).toSpec();
        assertThat(on.cells()).hasSize(2).allSatisfy(c -> {
            assertThat(c.spec().recipe().fixupScalarLr()).isTrue();
            assertThat(c.spec().recipe().sgd().scalarLrFactor()).isEqualTo(SgdConfig.FIXUP_SCALAR_LR);
        });
        SweepSpec off = SweepForm.read(file("g.yaml", "arch: resnet20\ndataset: fashion-mnist\ninits: zeros\nseeds: 0\n"))
                .toSpec();
        assertThat(off.cells().get(0).spec().recipe().sgd().scalarLrFactor()).isEqualTo(1.0);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        assertThat(json.writeValueAsString(off)).doesNotContain("fixupScalarLr");
        assertThat(json.writeValueAsString(off.cells().get(0).spec())).doesNotContain("fixupScalarLr");
        assertThat(json.readValue(json.writeValueAsString(on), SweepSpec.class)).isEqualTo(on);
        assertThat(json.readValue(json.writeValueAsString(on.cells().get(0).spec()), TrainSpec.class))
                .isEqualTo(on.cells().get(0).spec());
    }

    /** Rungs multiply the grid (models × rungs × inits × seeds); each rung's budget knobs name its cells. */
    @Test
    void rungsMultiplyTheGridAndNameTheirCells() throws IOException {
        SweepSpec s = SweepForm.read(file("ladder.yaml", """
                models:
                  - {arch: resnet20, dataset: fashion-mnist}
                  - {arch: vgg16bn, dataset: fashion-mnist, width: 0.25}
                inits: [kaiming-normal, orthogonal]
                seeds: 0..1
                epochs: 8
                test-subset: 2000
                rungs:
                  - {epochs: 3, train-subset: 3000}
                  - {train-subset: 12000, epochs: 16}
                  - {epochs: 1, train-subset: 0, test-subset: 500}
                """)).toSpec();
        List<SweepSpec.Cell> cells = s.cells();
        assertThat(cells).hasSize(2 * 3 * 2 * 2);
        assertThat(cells.subList(0, 5)).extracting(SweepSpec.Cell::name).containsExactly(
                "resnet20-fashion-mnist-e3-tr3000-kaiming-normal-s0", "resnet20-fashion-mnist-e3-tr3000-kaiming-normal-s1",
                "resnet20-fashion-mnist-e3-tr3000-orthogonal-s0", "resnet20-fashion-mnist-e3-tr3000-orthogonal-s1",
                "resnet20-fashion-mnist-e16-tr12000-kaiming-normal-s0");
        assertThat(cells.get(8).name()).isEqualTo("resnet20-fashion-mnist-e1-trall-te500-kaiming-normal-s0");
        assertThat(cells.get(12).name()).isEqualTo("vgg16-w0.25-fashion-mnist-e3-tr3000-kaiming-normal-s0");
        assertThat(cells.get(17).spec().recipe()).isEqualTo(Recipe.SEED.withEpochs(16).withTrainSubset(12000)
                .withTestSubset(2000).withWidth(0.25));
        assertThat(s.rungOfCells().get(17)).isEqualTo(s.rungs().get(1));
        assertThat(s.rungs().get(1).overrides()).containsExactly(
                java.util.Map.entry("epochs", 16), java.util.Map.entry("train-subset", 12000));
        assertThat(Budget.imagesSeen(cells.get(0).spec())).isEqualTo(3L * 3000);
        assertThat(Budget.imagesSeen(cells.get(8).spec())).isEqualTo(60_000L);

        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        String stored = json.writeValueAsString(s);
        assertThat(stored).contains("\"seeds\":[0,1],\"rungs\":[{\"epochs\":3,\"train-subset\":3000},"
                + "{\"epochs\":16,\"train-subset\":12000},{\"epochs\":1,\"train-subset\":0,\"test-subset\":500}],");
        SweepSpec back = json.readValue(stored, SweepSpec.class);
        assertThat(back).isEqualTo(s);
        assertThat(back.cells()).isEqualTo(cells);
        SweepSpec flat = SweepForm.read(file("flat.yaml", "arch: resnet20\ndataset: mnist\ninits: zeros\nseeds: 0\n"))
                .toSpec();
        assertThat(flat.rungs()).isEmpty();
        assertThat(json.writeValueAsString(flat)).doesNotContain("rungs");
        assertThat(flat.cells().get(0).name()).isEqualTo("resnet20-mnist-zeros-s0");
    }

    /** sweep.json written before rungs existed reads without rungs and writes back byte for byte; one with rungs too. */
    @Test
    void storedSweepsWithoutRungsKeepTheirBytesAndRungsRoundTrip() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper()
                .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
        SweepSpec old = json.readValue(RecipeTest.SWEEP, SweepSpec.class);
        assertThat(old.rungs()).isEmpty();
        assertThat(json.writeValueAsString(old)).isEqualTo(RecipeTest.SWEEP);
        String laddered = RecipeTest.SWEEP.replace("\"seeds\" : [ 0, 1 ],\n", "\"seeds\" : [ 0, 1 ],\n"
                + "  \"rungs\" : [ {\n    \"epochs\" : 1\n  }, {\n    \"epochs\" : 2,\n    \"width\" : 0.5\n  } ],\n");
        SweepSpec ladder = json.readValue(laddered, SweepSpec.class);
        assertThat(ladder.rungs()).extracting(SweepSpec.Rung::describe).containsExactly("epochs=1", "epochs=2, width=0.5");
        assertThat(json.writeValueAsString(ladder)).isEqualTo(laddered);
        assertThat(ladder.cells()).hasSize(2 * old.cells().size());
        assertThat(ladder.cells().get(4).spec().recipe().width()).isEqualTo(0.5);
    }

    @Test
    void rungsSetOnlyBudgetKnobsOnceAndNeverTwice() throws IOException {
        String grid = "arch: resnet20\ndataset: mnist\ninits: zeros\nseeds: 0\n";
        assertThatThrownBy(() -> SweepForm.read(file("a.yaml", grid + "rungs:\n  - {lr: 0.05}\n")).toSpec())
                .isInstanceOf(BadInputException.class).hasMessageStartingWith("rungs[0]: a rung sets 'lr'");
        assertThatThrownBy(() -> SweepForm.read(file("b.yaml", grid + "rungs:\n  - {epochs: 2.5}\n")).toSpec())
                .hasMessage("rungs[0]: rung field 'epochs' must be a whole number, got 2.5");
        assertThatThrownBy(() -> SweepForm.read(file("c.yaml", grid + "rungs:\n  - {epochs: 2}\n  - {epochs: 2}\n"))
                .toSpec()).hasMessageContaining("rungs repeat");
        assertThatThrownBy(() -> SweepForm.read(file("d.yaml", grid + "rungs:\n  - {}\n")).toSpec())
                .hasMessageContaining("a rung must set at least one of");
        assertThatThrownBy(() -> SweepForm.read(file("e.yaml", "models:\n  - {arch: resnet20, dataset: mnist, epochs: 4}\n"
                + "inits: zeros\nseeds: 0\nrungs:\n  - {epochs: 2}\n")).toSpec())
                .hasMessageContaining("model resnet20/mnist and the rung {epochs=2} both set 'epochs'");
        assertThatThrownBy(() -> SweepForm.read(file("f.yaml", grid + "rungs:\n  - {epochs: 0}\n")).toSpec().cells())
                .hasMessageContaining("--epochs must be positive");
    }

    @Test
    void initListsKeepTheirOwnOptions() {
        assertThat(SweepSpec.splitInits("kaiming-normal:mode=fan_in,a=0, orthogonal,fixup:depth=3"))
                .containsExactly("kaiming-normal:mode=fan_in,a=0", "orthogonal", "fixup:depth=3");
    }

    @Test
    void seeds() {
        assertThat(SweepSpec.parseSeeds("0..3")).containsExactly(0L, 1L, 2L, 3L);
        assertThat(SweepSpec.parseSeeds("5, 9")).containsExactly(5L, 9L);
        assertThatThrownBy(() -> SweepSpec.parseSeeds("4..1")).isInstanceOf(BadInputException.class);
        assertThatThrownBy(() -> SweepSpec.parseSeeds("a..b")).hasMessageContaining("bad seeds 'a..b'");
    }

    @Test
    void anUnknownFieldIsNamedWithItsLine() throws IOException {
        Path f = file("bad.yaml", "arch: resnet20\ndataset: mnist\nepoch: 3\n");
        assertThatThrownBy(() -> SweepForm.read(f)).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("sweep spec " + f + " line 3: unknown field 'epoch'")
                .hasMessageContaining("epochs");
    }

    @Test
    void aWrongTypeIsNamedWithItsFieldAndLine() throws IOException {
        Path f = file("bad.yaml", "arch: resnet20\ndataset: mnist\ninits: zeros\nseeds: 1\nepochs: many\n");
        assertThatThrownBy(() -> SweepForm.read(f)).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("sweep spec " + f + " line 5: bad value for field 'epochs'");
        Path g = file("m.yaml", "models:\n  - {arch: resnet20, dataset: mnist, widht: 2}\n");
        assertThatThrownBy(() -> SweepForm.read(g)).hasMessageContaining("line 2: unknown field 'widht'");
    }

    @Test
    void brokenSyntaxAndMissingFiles() throws IOException {
        Path f = file("bad.yaml", "arch: [resnet20\n");
        assertThatThrownBy(() -> SweepForm.read(f)).isInstanceOf(BadInputException.class).hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> SweepForm.read(dir.resolve("none.yaml"))).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> SweepForm.read(file("empty.yaml", ""))).hasMessageContaining("is empty");
    }

    @Test
    void anEmptyOrRepeatingGridIsRefused() throws IOException {
        assertThatThrownBy(() -> SweepForm.read(file("e.yaml", "arch: resnet20\ndataset: mnist\nseeds: 0..1\n")).toSpec())
                .isInstanceOf(BadInputException.class).hasMessageContaining("the sweep is empty").hasMessageContaining("0 inits");
        assertThatThrownBy(() -> SweepForm.read(file("r.yaml", "arch: resnet20\ndataset: mnist\ninits: zeros\nseeds: 1,1\n")).toSpec())
                .hasMessageContaining("seeds repeat");
        assertThatThrownBy(() -> SweepForm.read(file("b.yaml", "arch: resnet20\nmodels: []\ninits: zeros\nseeds: 1\n")).toSpec())
                .hasMessageContaining("either 'models' or 'arch'");
    }
}
