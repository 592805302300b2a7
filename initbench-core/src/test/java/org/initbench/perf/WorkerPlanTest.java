package org.initbench.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.initbench.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerPlanTest {
    private static final String CPU = "AMD EPYC";

    private static WorkerPlan.Entry entry(String cpu, int cores, int workers) {
        return new WorkerPlan.Entry(cpu, cores, workers, cores / workers,
                List.of(new WorkerPlanBench.Measurement(1, cores, 100, List.of(100.0)),
                        new WorkerPlanBench.Measurement(cores, 1, 130, List.of(65.0, 65.0))),
                "resnet20", "2026-11-23T22:00:00Z");
    }

    @Test
    void defaultWithoutAStoreOrForAnotherMachine(@TempDir Path tmp) {
        Path store = tmp.resolve("worker-plan.json");
        assertThat(WorkerPlan.workersFor(2, store, CPU)).isEqualTo(WorkerPlan.DEFAULT_WORKERS).isEqualTo(1);
        WorkerPlan.save(store, entry(CPU, 2, 2));
        assertThat(WorkerPlan.workersFor(2, store, CPU)).isEqualTo(2);
        assertThat(WorkerPlan.workersFor(4, store, CPU)).as("other core count").isEqualTo(1);
        assertThat(WorkerPlan.workersFor(2, store, "Intel Xeon")).as("other CPU").isEqualTo(1);
    }

    @Test
    void storeRoundTripsAndReplacesOnlyTheSameMachine(@TempDir Path tmp) {
        Path store = tmp.resolve("sub/worker-plan.json");
        WorkerPlan.save(store, entry(CPU, 2, 2));
        WorkerPlan.save(store, entry("Intel Xeon", 16, 8));
        WorkerPlan.save(store, entry(CPU, 2, 1));
        List<WorkerPlan.Entry> all = WorkerPlan.load(store);
        assertThat(all).hasSize(2).contains(entry("Intel Xeon", 16, 8), entry(CPU, 2, 1));
        assertThat(WorkerPlan.workersFor(2, store, CPU)).isEqualTo(1);
        assertThat(WorkerPlan.workersFor(16, store, "Intel Xeon")).isEqualTo(8);
    }

    @Test
    void anUnreadableStoreIsNeitherUsedNorOverwritten(@TempDir Path tmp) throws Exception {
        Path store = tmp.resolve("worker-plan.json");
        Files.writeString(store, "{ not json");
        assertThat(WorkerPlan.workersFor(2, store, CPU)).isEqualTo(1);
        assertThatThrownBy(() -> WorkerPlan.save(store, entry(CPU, 2, 2)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("cannot read worker-plan store");
        assertThat(Files.readString(store)).isEqualTo("{ not json");
    }

    @Test
    void candidatesCoverOneWideAndAllNarrowWorkers() {
        assertThat(WorkerPlanBench.candidates(1)).containsExactly(new int[] {1, 1});
        assertThat(WorkerPlanBench.candidates(2)).containsExactly(new int[] {1, 2}, new int[] {2, 1});
        assertThat(WorkerPlanBench.candidates(8)).containsExactly(new int[] {1, 8}, new int[] {2, 4}, new int[] {8, 1});
    }

    @Test
    void storePathIsOverridableAndReadsTheEarlierLayoutFile(@TempDir Path home) throws Exception {
        String[] keys = {WorkerPlan.FILE_PROPERTY, WorkerPlan.LEGACY_FILE_PROPERTY, "user.home"};
        String[] old = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            old[i] = System.getProperty(keys[i]);
        }
        try {
            System.setProperty(WorkerPlan.LEGACY_FILE_PROPERTY, "/tmp/x/layout.json");
            assertThat(WorkerPlan.store()).as("the older property").isEqualTo(Path.of("/tmp/x/layout.json"));
            System.setProperty(WorkerPlan.FILE_PROPERTY, "/tmp/x/plan.json");
            assertThat(WorkerPlan.store()).isEqualTo(Path.of("/tmp/x/plan.json"));
            System.clearProperty(WorkerPlan.FILE_PROPERTY);
            System.clearProperty(WorkerPlan.LEGACY_FILE_PROPERTY);
            System.setProperty("user.home", home.toString());
            assertThat(WorkerPlan.store()).isEqualTo(home.resolve(".initbench/worker-plan.json"));
            Path earlier = home.resolve(".initbench/layout.json");
            WorkerPlan.save(earlier, entry(CPU, 2, 2));
            assertThat(WorkerPlan.store()).as("an earlier version's store").isEqualTo(earlier);
            assertThat(WorkerPlan.workersFor(2, WorkerPlan.store(), CPU)).isEqualTo(2);
        } finally {
            for (int i = 0; i < keys.length; i++) {
                if (old[i] != null) {
                    System.setProperty(keys[i], old[i]);
                } else {
                    System.clearProperty(keys[i]);
                }
            }
        }
    }
}
