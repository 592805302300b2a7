package org.initbench.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.initbench.BadInputException;
import org.initbench.init.InitRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Specs record the canonical arch id; those an earlier version wrote with an alias (vgg16bn) still match. */
class ArchAliasTest {
    @TempDir Path tmp;

    private SweepSpec yaml(String arch) throws IOException {
        Path f = Files.writeString(tmp.resolve("s.yaml"), """
                arch: %s
                dataset: fashion-mnist
                inits: zeros
                seeds: 0
                norm: none
                """.formatted(arch));
        return SweepForm.read(f).toSpec();
    }

    @Test
    void newSweepsRecordTheCanonicalId() throws IOException {
        SweepSpec s = yaml("vgg16bn");
        assertThat(s).isEqualTo(yaml("vgg16"));
        assertThat(s.cells().get(0).name()).isEqualTo("vgg16-none-fashion-mnist-zeros-s0");
        assertThat(s.cells().get(0).spec().arch()).isEqualTo("vgg16");
    }

    @Test
    void aSweepStoredWithAnAliasOpensAndKeepsItsCellNames() throws IOException {
        SweepSpec given = yaml("vgg16bn");
        Path dir = Files.createDirectories(tmp.resolve("sweep"));
        String earlier = new ObjectMapper().writeValueAsString(given).replace("\"vgg16\"", "\"vgg16bn\"");
        assertThat(earlier).contains("\"arch\":\"vgg16bn\"");
        Files.writeString(dir.resolve(SweepDirectory.SPEC), earlier);
        for (SweepDirectory d : new SweepDirectory[] {SweepDirectory.open(dir, given), SweepDirectory.view(dir, given),
            SweepDirectory.load(dir)}) {
            assertThat(d.cells()).extracting(SweepSpec.Cell::name).containsExactly("vgg16bn-none-fashion-mnist-zeros-s0");
        }
        assertThat(Files.readString(dir.resolve(SweepDirectory.SPEC))).isEqualTo(earlier);
        assertThatThrownBy(() -> SweepDirectory.open(dir, yaml("vgg11"))).isInstanceOf(BadInputException.class)
                .hasMessageContaining("holds another sweep");
    }

    @Test
    void aRunSpecWithAnAliasIsHeldByItsCanonicalSpec() throws IOException {
        RunDirectory rd = RunDirectory.create(tmp.resolve("run"), false);
        rd.writeJson(RunDirectory.SPEC, TrainSpec.of("vgg16bn", "cifar100", "zeros", 0));
        assertThat(rd.holdsSpec(TrainSpec.of("vgg16", "cifar100", "zeros", 0))).isTrue();
        assertThat(rd.holdsSpec(TrainSpec.of("vgg13", "cifar100", "zeros", 0))).isFalse();
    }

    @Test
    void validationResolvesAnAliasToTheCanonicalIdAndItsNorm() {
        TrainSpec given = TrainSpec.of("vgg11bn", "fashion-mnist", "zeros", 0);
        TrainSpec resolved = TrainingRun.validate(given, InitRegistry.load());
        assertThat(resolved.arch()).isEqualTo("vgg11");
        assertThat(resolved.recipe().norm()).isEqualTo("bn");
        assertThat(TrainingRun.validate(resolved, InitRegistry.load())).isEqualTo(resolved);
    }
}
