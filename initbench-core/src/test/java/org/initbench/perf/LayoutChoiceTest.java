package org.initbench.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.initbench.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayoutChoiceTest {
    private static final String CPU = "AMD EPYC";

    private static LayoutChoice.Entry entry(String cpu, int cores, int workers) {
        return new LayoutChoice.Entry(cpu, cores, workers, cores / workers,
                List.of(new LayoutBench.Measurement(1, cores, 100, List.of(100.0)),
                        new LayoutBench.Measurement(cores, 1, 130, List.of(65.0, 65.0))),
                "resnet20", "2026-11-23T22:00:00Z");
    }

    @Test
    void defaultWithoutAStoreOrForAnotherMachine(@TempDir Path tmp) {
        Path store = tmp.resolve("layout.json");
        assertThat(LayoutChoice.workersFor(2, store, CPU)).isEqualTo(LayoutChoice.DEFAULT_WORKERS).isEqualTo(1);
        LayoutChoice.save(store, entry(CPU, 2, 2));
        assertThat(LayoutChoice.workersFor(2, store, CPU)).isEqualTo(2);
        assertThat(LayoutChoice.workersFor(4, store, CPU)).as("other core count").isEqualTo(1);
        assertThat(LayoutChoice.workersFor(2, store, "Intel Xeon")).as("other CPU").isEqualTo(1);
    }

    @Test
    void storeRoundTripsAndReplacesOnlyTheSameMachine(@TempDir Path tmp) {
        Path store = tmp.resolve("sub/layout.json");
        LayoutChoice.save(store, entry(CPU, 2, 2));
        LayoutChoice.save(store, entry("Intel Xeon", 16, 8));
        LayoutChoice.save(store, entry(CPU, 2, 1));
        List<LayoutChoice.Entry> all = LayoutChoice.load(store);
        assertThat(all).hasSize(2).contains(entry("Intel Xeon", 16, 8), entry(CPU, 2, 1));
        assertThat(LayoutChoice.workersFor(2, store, CPU)).isEqualTo(1);
        assertThat(LayoutChoice.workersFor(16, store, "Intel Xeon")).isEqualTo(8);
    }

    @Test
    void anUnreadableStoreIsNeitherUsedNorOverwritten(@TempDir Path tmp) throws Exception {
        Path store = tmp.resolve("layout.json");
        Files.writeString(store, "{ not json");
        assertThat(LayoutChoice.workersFor(2, store, CPU)).isEqualTo(1);
        assertThatThrownBy(() -> LayoutChoice.save(store, entry(CPU, 2, 2)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("cannot read layout store");
        assertThat(Files.readString(store)).isEqualTo("{ not json");
    }

    @Test
    void candidatesCoverOneWideAndAllNarrowWorkers() {
        assertThat(LayoutBench.candidates(1)).containsExactly(new int[] {1, 1});
        assertThat(LayoutBench.candidates(2)).containsExactly(new int[] {1, 2}, new int[] {2, 1});
        assertThat(LayoutBench.candidates(8)).containsExactly(new int[] {1, 8}, new int[] {2, 4}, new int[] {8, 1});
    }

    @Test
    void storePathIsOverridable() {
        String old = System.getProperty("initbench.layoutFile");
        try {
            System.setProperty("initbench.layoutFile", "/tmp/x/layout.json");
            assertThat(LayoutChoice.store()).isEqualTo(Path.of("/tmp/x/layout.json"));
            System.clearProperty("initbench.layoutFile");
            assertThat(LayoutChoice.store().toString()).endsWith("/.initbench/layout.json");
        } finally {
            if (old != null) {
                System.setProperty("initbench.layoutFile", old);
            }
        }
    }
}
