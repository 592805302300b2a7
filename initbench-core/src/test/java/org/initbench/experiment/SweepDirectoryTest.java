package org.initbench.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.initbench.BadInputException;
import org.initbench.data.DatasetLocator;
import org.initbench.init.InitRegistry;
import org.initbench.testkit.FakeData;
import org.initbench.train.TrainListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepDirectoryTest {
    @TempDir Path tmp;

    static SweepSpec grid(List<String> inits, int epochs) {
        return new SweepSpec("t", List.of(SweepSpec.Model.of("resnet20", "fashion-mnist")), inits, List.of(1L),
                Recipe.SEED.withEpochs(epochs).withBatchSize(16).withWidth(0.25));
    }

    static final TrainListener QUIET = line -> {};

    @Test
    void anotherSweepInTheSameDirectoryIsRefused() {
        SweepDirectory.open(tmp, grid(List.of("zeros"), 1));
        assertThat(SweepDirectory.load(tmp).spec()).isEqualTo(grid(List.of("zeros"), 1));
        assertThat(SweepDirectory.open(tmp, grid(List.of("zeros"), 1)).cells()).hasSize(1);
        assertThatThrownBy(() -> SweepDirectory.open(tmp, grid(List.of("zeros"), 2)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("holds another sweep: 1 cells both; epochs 1 stored, 2 given;");
        assertThatThrownBy(() -> SweepDirectory.view(tmp, grid(List.of("zeros", "orthogonal"), 1)))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("1 cells stored, 2 given; inits [\"zeros\"] stored, [\"zeros\",\"orthogonal\"] given");
        assertThatThrownBy(() -> SweepDirectory.load(tmp).cell(1)).hasMessageContaining("cells 0..0");
    }

    @Test
    void aSweepKeepsItsInitFilesAndRefusesToResumeWhenOneChanged() throws IOException {
        Path file = Files.writeString(tmp.resolve("my_init.py"), "def initialize_weights(model, config):\n    pass\n");
        Path dir = tmp.resolve("s");
        SweepSpec spec = grid(List.of("torch:" + file, "zeros"), 1);
        SweepDirectory sweep = SweepDirectory.open(dir, spec);
        assertThat(sweep.spec().inits()).containsExactly("torch:" + file, "zeros");
        assertThat(sweep.cells()).extracting(SweepSpec.Cell::name).containsExactly(
                "resnet20-w0.25-fashion-mnist-torch_my_init-s1", "resnet20-w0.25-fashion-mnist-zeros-s1");
        assertThat(dir.resolve("init-files/my_init.py")).hasSameTextualContentAs(file);
        assertThat(SweepDirectory.load(dir).spec()).isEqualTo(spec);

        Files.writeString(file, "def initialize_weights(model, config):\n    raise ValueError()\n");
        for (var open : List.<Runnable>of(() -> SweepDirectory.load(dir), () -> SweepDirectory.open(dir, spec),
                () -> SweepDirectory.view(dir, spec))) {
            assertThatThrownBy(open::run).isInstanceOf(BadInputException.class)
                    .hasMessage("init file " + file + " changed since sweep " + dir + " was created; restore it from "
                            + dir.resolve("init-files/my_init.py") + " to resume, or start a new sweep (another --out)");
        }
        Files.delete(file);
        assertThatThrownBy(() -> SweepDirectory.load(dir)).hasMessageContaining("init file " + file + " of sweep "
                + dir + " no longer exists; restore it from");
        Files.copy(dir.resolve("init-files/my_init.py"), file);
        assertThat(SweepDirectory.load(dir).cells()).hasSize(2);

        Path other = Files.createDirectories(tmp.resolve("other")).resolve("my_init.py");
        Files.writeString(other, "# another file of the same name\n");
        assertThatThrownBy(() -> SweepDirectory.open(tmp.resolve("s2"), grid(List.of("torch:" + file, "torch:" + other), 1)))
                .hasMessage("two init files of the sweep are named my_init.py (" + file + ", " + other
                        + "), and cells are named by the file; rename one");
        assertThat(tmp.resolve("s2")).doesNotExist();
    }

    @Test
    void aSweepWithAMissingInitFileWritesNothing() {
        Path dir = tmp.resolve("s");
        assertThatThrownBy(() -> SweepDirectory.open(dir, grid(List.of("java:" + tmp.resolve("Gone.java")), 1)))
                .isInstanceOf(BadInputException.class).hasMessage("init file " + tmp.resolve("Gone.java") + " does not exist");
        assertThat(dir).doesNotExist();
    }

    @Test
    void relativeInitFilesAreStoredWithTheirAbsolutePath() {
        SweepSpec spec = grid(List.of("java:inits/MyInit.java:scale=2,gain=1"), 1);
        assertThat(spec.inits()).containsExactly("java:" + Path.of("inits/MyInit.java").toAbsolutePath() + ":scale=2,gain=1");
        assertThat(spec.cells().get(0).name()).isEqualTo("resnet20-w0.25-fashion-mnist-java_MyInit_scale=2_gain=1-s1");
    }

    @Test
    void attemptsNameTheSlurmJob() {
        assertThat(SweepDirectory.slurmJob(Map.of("SLURM_JOB_ID", "17", "SLURM_ARRAY_JOB_ID", "12", "SLURM_ARRAY_TASK_ID", "3")))
                .isEqualTo("12_3");
        assertThat(SweepDirectory.slurmJob(Map.of("SLURM_JOB_ID", "17"))).isEqualTo("17");
        assertThat(SweepDirectory.slurmJob(Map.of())).isNull();
    }

    @Test
    void runsSkipsAndRetries() throws IOException {
        Path data = tmp.resolve("data");
        FakeData.writeIdxDataset(data.resolve("fashion-mnist"), 48, 16, true, 3);
        SweepDirectory sweep = SweepDirectory.open(tmp.resolve("s"), grid(List.of("kaiming-normal", "zeros:value=1e30"), 1));
        SweepRunner runner = new SweepRunner(sweep, new DatasetLocator(List.of(data), List.of(), null), InitRegistry.load());
        SweepSpec.Cell ok = sweep.cell(0);
        assertThat(sweep.status(ok).state()).isEqualTo(SweepDirectory.State.PENDING);
        assertThat(runner.run(ok, QUIET)).isEqualTo(SweepRunner.Outcome.DONE);
        assertThat(sweep.status(ok).state()).isEqualTo(SweepDirectory.State.DONE);
        assertThat(runner.run(ok, QUIET)).isEqualTo(SweepRunner.Outcome.SKIPPED_FINISHED);
        assertThat(Files.readAllLines(sweep.cellDir(ok).resolve(SweepDirectory.ATTEMPTS))).hasSize(1);
        SweepDirectory.Attempt attempt = sweep.lastAttempt(ok);
        assertThat(attempt.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(attempt.host()).isNotBlank();
        assertThat(java.time.Instant.parse(attempt.started())).isBeforeOrEqualTo(java.time.Instant.now());

        // a failed cell is retried on the next pass
        Path result = sweep.cellDir(ok).resolve(RunDirectory.RESULT);
        Files.writeString(result, "{\"status\":\"failed\",\"reason\":\"OutOfMemoryError\"}");
        assertThat(sweep.status(ok).state()).isEqualTo(SweepDirectory.State.FAILED);
        assertThat(runner.run(ok, QUIET)).isEqualTo(SweepRunner.Outcome.DONE);
        assertThat(Files.readAllLines(sweep.cellDir(ok).resolve(SweepDirectory.ATTEMPTS))).hasSize(2);

        // so is a cell whose result.json is corrupt
        Files.writeString(result, "{\"status\":");
        assertThat(sweep.status(ok).state()).isEqualTo(SweepDirectory.State.FAILED);
        assertThat(runner.run(ok, QUIET)).isEqualTo(SweepRunner.Outcome.DONE);
        assertThat(RunDirectory.readResult(sweep.cellDir(ok)).status()).isEqualTo(RunResult.DONE);

        // a held lock means another process runs the cell
        try (SweepDirectory.CellLock held = SweepDirectory.CellLock.tryAcquire(sweep.cellDir(sweep.cell(1)))) {
            assertThat(held).isNotNull();
            assertThat(runner.run(sweep.cell(1), QUIET)).isEqualTo(SweepRunner.Outcome.SKIPPED_BUSY);
        }
    }

    @Test
    void anErrorInsideACellIsRecordedAsFailed() throws IOException {
        Path data = tmp.resolve("data");
        FakeData.writeIdxDataset(data.resolve("fashion-mnist"), 48, 16, true, 3);
        SweepDirectory sweep = SweepDirectory.open(tmp.resolve("s"), grid(List.of("kaiming-normal"), 2));
        SweepRunner runner = new SweepRunner(sweep, new DatasetLocator(List.of(data), List.of(), null), InitRegistry.load());
        List<String> notices = new ArrayList<>();
        TrainListener failing = new TrainListener() {
            @Override
            public void notice(String line) {
                notices.add(line);
            }

            @Override
            public void batch(int e, int es, int b, int bs, double l, double a, double ips, double eta) {
                if (e == 2) {
                    throw new IllegalStateException("disk gone");
                }
            }
        };
        assertThat(runner.run(sweep.cell(0), failing)).isEqualTo(SweepRunner.Outcome.FAILED);
        RunResult r = RunDirectory.readResult(sweep.cellDir(sweep.cell(0)));
        assertThat(r.status()).isEqualTo(RunResult.FAILED);
        assertThat(r.reason()).isEqualTo("IllegalStateException: disk gone");
        assertThat(r.epochsCompleted()).isEqualTo(1);
        assertThat(notices).anyMatch(n -> n.contains("failed: IllegalStateException"));
        // the retry resumes from the epoch-1 checkpoint
        notices.clear();
        TrainListener collecting = notices::add;
        assertThat(runner.run(sweep.cell(0), collecting)).isEqualTo(SweepRunner.Outcome.DONE);
        assertThat(notices).anyMatch(n -> n.contains("after epoch 1 of 2"));
    }

    @Test
    void validationNamesTheCell() {
        SweepDirectory sweep = SweepDirectory.open(tmp, new SweepSpec("t", List.of(SweepSpec.Model.of("resnet20", "mnist")),
                List.of("zeros", "no-such-init"), List.of(0L), Recipe.SEED.withEpochs(1).withBatchSize(16)));
        assertThatThrownBy(() -> SweepRunner.validate(sweep, InitRegistry.load()))
                .isInstanceOf(BadInputException.class).hasMessageStartingWith("cell 1 (resnet20-mnist-no-such-init-s0): ");
    }
}
