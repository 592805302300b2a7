package org.initbench.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.initbench.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code log-layer-stats} in sweep spec files, flags and {@code sweep.json}. */
class SweepLayerStatsTest {
    @TempDir Path dir;

    static final String GRID = "arch: resnet20\ndataset: mnist\ninits: zeros\nseeds: 0\n";

    SweepForm form(String text) throws IOException {
        return SweepForm.read(Files.writeString(dir.resolve("s.yaml"), text));
    }

    @Test
    void theFieldIsReadAndFlagsOverrideIt() throws IOException {
        assertThat(form(GRID).toSpec().logLayerStats()).as("default off").isZero();
        SweepForm file = form(GRID + "log-layer-stats: 25\n");
        assertThat(file.toSpec().logLayerStats()).isEqualTo(25);
        SweepForm flags = new SweepForm();
        flags.logLayerStats = 7;
        assertThat(file.overriddenBy(flags).toSpec().logLayerStats()).isEqualTo(7);
        assertThat(file.overriddenBy(new SweepForm()).toSpec().logLayerStats()).isEqualTo(25);
    }

    @Test
    void zeroOrNegativeIsBadInput() throws IOException {
        for (String n : new String[] {"0", "-3"}) {
            SweepForm f = form(GRID + "log-layer-stats: " + n + "\n");
            assertThatThrownBy(f::toSpec).isInstanceOf(BadInputException.class)
                    .hasMessageContaining("log-layer-stats must be positive").hasMessageContaining(n);
        }
        assertThatThrownBy(() -> form(GRID + "log-layer-stats: often\n")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("log-layer-stats");
    }

    @Test
    void offLeavesSweepJsonAsBeforeAndOnIsADifferentSweep() throws IOException {
        SweepSpec off = form(GRID).toSpec();
        Path a = dir.resolve("a");
        SweepDirectory.open(a, off);
        String stored = Files.readString(a.resolve(SweepDirectory.SPEC));
        assertThat(stored).doesNotContain("logLayerStats");
        // a sweep.json written before the field existed (the same text) is the same sweep
        assertThat(SweepDirectory.load(a).spec()).isEqualTo(off);
        SweepDirectory.open(a, off);

        SweepSpec on = form(GRID + "log-layer-stats: 10\n").toSpec();
        Path b = dir.resolve("b");
        SweepDirectory.open(b, on);
        assertThat(Files.readString(b.resolve(SweepDirectory.SPEC))).contains("\"logLayerStats\" : 10");
        assertThat(SweepDirectory.load(b).spec()).isEqualTo(on);
        assertThatThrownBy(() -> SweepDirectory.open(a, on)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("holds another sweep");
    }
}
