package org.initbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.initbench.experiment.Checkpoint;
import org.initbench.experiment.RunDirectory;
import org.initbench.experiment.SweepDirectory;
import org.initbench.testkit.FakeData;
import org.initbench.testkit.RunFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sweeps in real child JVMs: a run killed with SIGKILL in its second epoch resumes to exactly the
 * uninterrupted result, as does one sent SIGUSR1 mid-epoch (it checkpoints after its step and exits
 * 75); SIGTERM stops an in-process sweep the same way; and two sweep processes on one directory run
 * every cell exactly once. Each
 * child runs with one intra-op thread, so every run is bitwise reproducible on CPU.
 */
class SweepProcessTest {
    @TempDir static Path data;
    @TempDir Path tmp;

    @BeforeAll
    static void fakeData() {
        FakeData.writeIdxDataset(data.resolve("fashion-mnist"), 192, 32, true, 9);
    }

    static List<String> sweep(Path out, String inits, String seeds, int epochs, String... more) {
        List<String> cmd = new ArrayList<>(SweepWorkers.javaCommand());
        cmd.addAll(List.of("sweep", "--arch", "resnet20", "--dataset", "fashion-mnist", "--init", inits, "--seeds", seeds,
                "--epochs", Integer.toString(epochs), "--batch-size", "16", "--width", "0.25", "--threads", "1",
                "--workers", "1", "--data-dir", data.toString(), "--out", out.toString()));
        cmd.addAll(List.of(more));
        return cmd;
    }

    static Process start(List<String> cmd, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DJL_OFFLINE", "true");
        return log == null ? pb.start() : pb.redirectOutput(log.toFile()).start();
    }

    static void finish(Process p, Path log) throws Exception {
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log == null ? "" : Files.readString(log)).isZero();
    }

    @Test
    void aKilledRunResumesToTheUninterruptedResult() throws Exception {
        Path straight = tmp.resolve("straight");
        Path killed = tmp.resolve("killed");
        finish(start(sweep(straight, "kaiming-normal", "3", 3), tmp.resolve("a.log")), tmp.resolve("a.log"));

        Process p = start(sweep(killed, "kaiming-normal", "3", 3), null);
        List<String> seen = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                seen.add(line);
                if (line.startsWith("epoch 2/3  batch ")) {
                    p.destroyForcibly(); // SIGKILL
                    break;
                }
            }
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join("\n", seen)).isEqualTo(137);
        Path cell = killed.resolve("resnet20-w0.25-fashion-mnist-kaiming-normal-s3");
        assertThat(cell.resolve(RunDirectory.RESULT)).doesNotExist();
        assertThat(cell.resolve(Checkpoint.FILE)).exists();

        Path log = tmp.resolve("b.log");
        finish(start(sweep(killed, "kaiming-normal", "3", 3), log), log);
        assertThat(Files.readString(log)).contains("resuming " + cell + " after epoch 1 of 3");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(cell.resolve(RunDirectory.MANIFEST).toFile())
                .get("intra_op_threads").asInt()).as("--threads 1 reaches the engine").isEqualTo(1);

        Path plain = straight.resolve(cell.getFileName());
        assertThat(RunFiles.metricsWithoutTimings(cell)).hasSize(3).isEqualTo(RunFiles.metricsWithoutTimings(plain));
        assertThat(RunFiles.parameters(cell)).isEqualTo(RunFiles.parameters(plain));
        assertThat(RunDirectory.readResult(cell).bestTestAcc()).isEqualTo(RunDirectory.readResult(plain).bestTestAcc());
    }

    @Test
    void twoSweepProcessesRunEveryCellExactlyOnce() throws Exception {
        Path out = tmp.resolve("shared");
        Path la = tmp.resolve("a.log");
        Path lb = tmp.resolve("b.log");
        Process a = start(sweep(out, "kaiming-normal,orthogonal", "0..2", 1), la);
        Process b = start(sweep(out, "kaiming-normal,orthogonal", "0..2", 1), lb);
        finish(a, la);
        finish(b, lb);
        List<Path> cells;
        try (Stream<Path> s = Files.list(out)) {
            cells = s.filter(Files::isDirectory).toList();
        }
        assertThat(cells).hasSize(6);
        for (Path c : cells) {
            assertThat(RunDirectory.readResult(c).status()).isEqualTo("done");
            assertThat(Files.readAllLines(c.resolve(SweepDirectory.ATTEMPTS))).as(c.toString()).hasSize(1);
        }
        String logs = Files.readString(la) + Files.readString(lb);
        assertThat(logs.split(": done\n", -1)).as(logs).hasSize(7);
    }

    static void signal(Process p, String name) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).start().waitFor()).isZero();
    }

    /** Reads the process's output until a line starts with {@code prefix}, then sends it {@code signal}. */
    static List<String> signalAt(Process p, String prefix, String signal) throws Exception {
        List<String> seen = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        boolean sent = false;
        while ((line = r.readLine()) != null) {
            seen.add(line);
            if (!sent && line.startsWith(prefix)) {
                signal(p, signal);
                sent = true;
            }
        }
        assertThat(sent).as(String.join("\n", seen)).isTrue();
        return seen;
    }

    @Test
    void aCellSentUsr1CheckpointsAfterItsStepExits75AndResumesToTheSameResult() throws Exception {
        Path straight = tmp.resolve("straight");
        Path stopped = tmp.resolve("stopped");
        finish(start(sweep(straight, "orthogonal", "4", 2), tmp.resolve("a.log")), tmp.resolve("a.log"));

        Process p = start(sweep(stopped, "orthogonal", "4", 2, "--index", "0"), null);
        List<String> seen = signalAt(p, "epoch 2/2  batch 3/", "USR1");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = String.join("\n", seen);
        assertThat(p.exitValue()).as(out).isEqualTo(75);
        Path cell = stopped.resolve("resnet20-w0.25-fashion-mnist-orthogonal-s4");
        assertThat(out).containsPattern("stopped \\(SIGUSR1\\) after epoch 1 and step [3-6]/12 of the next")
                .contains("cell 0 (" + cell.getFileName() + "): stopped at a checkpoint");
        assertThat(cell.resolve(RunDirectory.RESULT)).doesNotExist();

        List<String> resume = new ArrayList<>(SweepWorkers.javaCommand());
        resume.addAll(List.of("sweep", "run", stopped.toString(), "--index", "0", "--threads", "1", "--data-dir", data.toString()));
        Path log = tmp.resolve("b.log");
        finish(start(resume, log), log);
        assertThat(Files.readString(log)).containsPattern("resuming " + java.util.regex.Pattern.quote(cell.toString())
                + " after epoch 1 of 2 and step [3-6] of the next");
        Path plain = straight.resolve(cell.getFileName());
        assertThat(RunFiles.metricsWithoutTimings(cell)).hasSize(2).isEqualTo(RunFiles.metricsWithoutTimings(plain));
        assertThat(RunFiles.parameters(cell)).isEqualTo(RunFiles.parameters(plain));
    }

    @Test
    void aSweepSentSigtermStopsAfterTheRunningCellsStepAndLeavesTheRest() throws Exception {
        Path out = tmp.resolve("s");
        Process p = start(sweep(out, "zeros,orthogonal", "0", 1), null);
        List<String> seen = signalAt(p, "epoch 1/1  batch 3/", "TERM");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join("\n", seen)).isEqualTo(75);
        assertThat(seen).anyMatch(l -> l.startsWith("stopped (SIGTERM) after epoch 0 and step "));
        assertThat(Checkpoint.readState(out.resolve("resnet20-w0.25-fashion-mnist-zeros-s0").resolve(Checkpoint.FILE))
                .partial().batches()).isBetween(3, 8);
        assertThat(out.resolve("resnet20-w0.25-fashion-mnist-orthogonal-s0")).doesNotExist();
    }

    @Test
    void trainSentUsr1StopsAtACheckpointAndTheSameCommandResumes() throws Exception {
        List<String> cmd = new ArrayList<>(SweepWorkers.javaCommand());
        cmd.addAll(List.of("train", "--arch", "resnet20", "--dataset", "fashion-mnist", "--init", "orthogonal", "--seed", "2",
                "--epochs", "2", "--batch-size", "16", "--width", "0.25", "--threads", "1", "--data-dir", data.toString(),
                "--out", tmp.resolve("run").toString()));
        Process p = start(cmd, null);
        List<String> seen = signalAt(p, "epoch 1/2  batch 3/", "USR1");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join("\n", seen)).isEqualTo(75);
        assertThat(seen).anyMatch(l -> l.endsWith("(stopped at a checkpoint; rerun the same command to resume)"));
        Path log = tmp.resolve("again.log");
        finish(start(cmd, log), log);
        assertThat(Files.readString(log)).contains("after epoch 0 of 2 and step ", "done: best test accuracy");
    }
}
