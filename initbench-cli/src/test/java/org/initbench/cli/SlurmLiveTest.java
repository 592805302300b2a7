package org.initbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.initbench.experiment.RunDirectory;
import org.initbench.experiment.SweepDirectory;
import org.initbench.experiment.SweepSpec;
import org.initbench.testkit.FakeData;
import org.initbench.testkit.RunFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sweep slurm --submit} against a live single-node Slurm ({@link LocalSlurm}): a 4-cell job
 * array runs to 4 results and a report; then a task sent USR1 mid-epoch checkpoints, exits 75,
 * requeues itself, and the requeued task resumes to exactly the metrics and parameters of the
 * unpreempted cell of the first sweep (one thread per task, so runs are bitwise reproducible).
 * Skipped (not failed) where Slurm can be neither found nor installed (not root).
 */
@Tag("slurm")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SlurmLiveTest {
    @TempDir static Path tmp;
    static LocalSlurm slurm;
    static Path data;

    @BeforeAll
    static void startSlurm() throws Exception {
        data = tmp.resolve("data");
        FakeData.writeIdxDataset(data.resolve("fashion-mnist"), 1024, 64, true, 21);
        slurm = LocalSlurm.start();
    }

    @AfterAll
    static void stopSlurm() throws Exception {
        if (slurm != null) {
            slurm.close();
        }
    }

    static String[] submit(Path out, String inits, String seeds) {
        return new String[] {"sweep", "slurm", "--arch", "resnet20", "--dataset", "fashion-mnist", "--init", inits,
            "--seeds", seeds, "--epochs", "2", "--batch-size", "16", "--width", "0.25", "--out", out.toString(),
            "--cpus", "1", "--time", "00:10:00", "--data-dir", data.toString(), "--submit",
            "--sbatch", slurm.command("sbatch").toString()};
    }

    static String jobOf(CliTestSupport r) {
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        String line = r.out().lines().filter(l -> l.startsWith("submitted job array ")).findFirst().orElseThrow();
        return line.split(" ")[3];
    }

    static void await(String what, int seconds, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime() < deadline).as(() -> "waited " + seconds + " s for " + what + "\n" + slurm.logs()
                    + "\n" + listing()).isTrue();
            Thread.sleep(200);
        }
    }

    static boolean allDone(Path out) {
        SweepDirectory sweep = SweepDirectory.load(out);
        return sweep.cells().stream().allMatch(c -> sweep.status(c).state().finished()
                || sweep.status(c).state() == SweepDirectory.State.FAILED);
    }

    @Test
    @Order(1)
    void aFourCellJobArrayWithAFileInitRunsToFourResultsAndAReport() throws Exception {
        Path out = tmp.resolve("grid");
        // an init written in one file travels to the tasks by its absolute path (a shared file system)
        Path myInit = Files.copy(Path.of("..", "examples", "MyInit.java"), tmp.resolve("MyInit.java"));
        String inits = "kaiming-normal,java:" + myInit;
        String job = jobOf(CliTestSupport.exec(submit(out, inits, "0..1")));
        await("4 cells", 240, () -> allDone(out));
        SweepDirectory sweep = SweepDirectory.load(out);
        for (SweepSpec.Cell c : sweep.cells()) {
            Path d = sweep.cellDir(c);
            assertThat(RunDirectory.readResult(d).status()).as(c.name() + "\n" + log(out, job, c.index())).isEqualTo("done");
            assertThat(sweep.lastAttempt(c).slurmJob()).isEqualTo(job + "_" + c.index());
        }
        CliTestSupport status = CliTestSupport.exec("sweep", "status", out.toString(), "--squeue", slurm.command("squeue").toString());
        assertThat(status.out()).contains("4 cells in " + out + ": 4 done", "    0  done          2/2  " + job + "_0 ");

        CliTestSupport report = CliTestSupport.exec("report", out.toString());
        assertThat(report.exitCode()).as(report.err()).isZero();
        assertThat(Files.readString(out.resolve("report").resolve("results.csv")).lines()).hasSize(5);

        CliTestSupport again = CliTestSupport.exec(submit(out, inits, "0..1"));
        assertThat(again.out()).contains("no cell of " + out + " is left to submit");
    }

    @Test
    @Order(2)
    void aTaskSentUsr1MidEpochRequeuesItselfAndResumesToTheUnpreemptedResult() throws Exception {
        Path out = tmp.resolve("preempted");
        String job = jobOf(CliTestSupport.exec(submit(out, "kaiming-normal", "0")));
        String task = job + "_0";
        Path log = out.resolve("slurm-" + job + "_0.out");
        await("the first steps of epoch 1 in " + log, 120, () -> read(log).contains("epoch 1/2  batch 16/64"));
        slurm.slurm("scancel", "--signal=USR1", "--batch", task);
        await("the requeue", 120, () -> read(log).contains("requeueing job"));
        // A requeued job waits ~2 min (BeginTime) unless told otherwise; told within the second of its
        // requeue, slurmd refuses the launch ("Job credential revoked"), so wait 3 s before telling it.
        List<String> updates = new ArrayList<>();
        long[] pendingSince = {0};
        await("the requeued task to run to the end", 240, () -> {
            if (squeue(task).equals("PENDING|BeginTime")) {
                if (pendingSince[0] == 0) {
                    pendingSince[0] = System.nanoTime();
                } else if (System.nanoTime() - pendingSince[0] > TimeUnit.SECONDS.toNanos(3)) {
                    updates.add(slurmQuietly("scontrol", "update", "JobId=" + task, "StartTime=now"));
                    pendingSince[0] = System.nanoTime();
                }
            }
            return allDone(out);
        });
        assertThat(updates).as("scontrol update replies").isNotEmpty();
        // The cell's result is written before the task prints its closing line, and slurmstepd flushes
        // the .out file on its own schedule: wait for that line rather than read the log at once.
        String done = "cell 0 (resnet20-w0.25-fashion-mnist-kaiming-normal-s0): done";
        await("the task's closing line in " + log, 60, () -> read(log).contains(done));

        String text = read(log);
        assertThat(text).containsPattern("stopped \\(SIGUSR1\\) after epoch 0 and step \\d+/64 of the next")
                .contains("cell 0 (resnet20-w0.25-fashion-mnist-kaiming-normal-s0): stopped at a checkpoint")
                .containsPattern("resuming .* after epoch 0 of 2 and step \\d+ of the next")
                .contains(done);
        Path cell = out.resolve("resnet20-w0.25-fashion-mnist-kaiming-normal-s0");
        Path plain = tmp.resolve("grid").resolve(cell.getFileName());
        assertThat(RunFiles.metricsWithoutTimings(cell)).hasSize(2).isEqualTo(RunFiles.metricsWithoutTimings(plain));
        assertThat(RunFiles.parameters(cell)).isEqualTo(RunFiles.parameters(plain));
        List<JsonNode> attempts = new ArrayList<>();
        for (String l : Files.readAllLines(cell.resolve(SweepDirectory.ATTEMPTS))) {
            attempts.add(new ObjectMapper().readTree(l));
        }
        assertThat(attempts).extracting(a -> a.get("slurm_restart").asInt()).containsExactly(0, 1);
        assertThat(attempts).extracting(a -> a.get("slurm_job").asText()).containsOnly(task);
    }

    /** The .out files of every sweep of this test, for failure messages. */
    static String listing() {
        StringBuilder b = new StringBuilder();
        try (java.util.stream.Stream<Path> s = Files.walk(tmp, 2)) {
            s.filter(p -> p.toString().endsWith(".out")).forEach(p -> b.append("--- ").append(p).append('\n').append(read(p)));
        } catch (java.io.IOException e) {
            b.append(e);
        }
        return b.toString();
    }

    /** {@code STATE|REASON} of a task, or empty when squeue does not know it. */
    static String squeue(String task) {
        return slurmQuietly("squeue", "-h", "-j", task, "-o", "%T|%r");
    }

    /** A Slurm command's output, stripped; a failure to run it becomes its message. */
    static String slurmQuietly(String name, String... args) {
        try {
            return slurm.slurm(name, args).strip();
        } catch (Exception e) {
            return e.toString();
        }
    }

    static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }

    static String log(Path out, String job, int index) {
        return read(out.resolve("slurm-" + job + "_" + index + ".out"));
    }
}
