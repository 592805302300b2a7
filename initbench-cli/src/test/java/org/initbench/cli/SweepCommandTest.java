package org.initbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.initbench.experiment.RunDirectory;
import org.initbench.testkit.FakeData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code initbench sweep}, {@code sweep run}, {@code plan}, {@code status} and {@code slurm} in-process on
 * fake FashionMNIST; sbatch and squeue are stand-in scripts here ({@code SlurmLiveTest} uses real ones).
 */
class SweepCommandTest {
    @TempDir static Path data;
    @TempDir Path tmp;

    @BeforeAll
    static void fakeData() {
        FakeData.writeIdxDataset(data.resolve("fashion-mnist"), 48, 16, true, 5);
    }

    String[] grid(Path out, String... more) {
        String[] base = {"--arch", "resnet20", "--dataset", "fashion-mnist", "--init", "kaiming-normal:mode=fan_in,orthogonal",
            "--seeds", "0..1", "--epochs", "1", "--batch-size", "16", "--width", "0.25", "--out", out.toString()};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    String[] cmd(String first, String[] rest, String... more) {
        String[] all = new String[1 + rest.length + more.length];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        System.arraycopy(more, 0, all, 1 + rest.length, more.length);
        return all;
    }

    @Test
    void runsEveryCellThenSkipsThemOnRerun() throws IOException {
        Path out = tmp.resolve("s");
        CliTestSupport plan = CliTestSupport.exec(cmd("sweep", cmd("plan", grid(out))));
        assertThat(plan.exitCode()).as(plan.err()).isZero();
        assertThat(plan.out()).contains("    0  pending      0/1", "resnet20-w0.25-fashion-mnist-kaiming-normal_mode=fan_in-s0",
                "    3  pending      0/1           resnet20-w0.25-fashion-mnist-orthogonal-s1");
        assertThat(out).doesNotExist();

        CliTestSupport r = CliTestSupport.exec(cmd("sweep", grid(out), "--data-dir", data.toString(), "--threads", "1"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("sweep sweep: 4 cells", "[4/4] resnet20-w0.25-fashion-mnist-orthogonal-s1: done",
                "4 done; report: initbench report " + out);
        for (String cell : new String[] {"kaiming-normal_mode=fan_in-s0", "kaiming-normal_mode=fan_in-s1", "orthogonal-s0", "orthogonal-s1"}) {
            Path d = out.resolve("resnet20-w0.25-fashion-mnist-" + cell);
            assertThat(RunDirectory.readResult(d).status()).isEqualTo("done");
            assertThat(Files.readString(d.resolve(RunDirectory.SPEC))).contains(cell.startsWith("kaiming")
                    ? "kaiming-normal:mode=fan_in,nonlinearity=relu,a=0" : "\"init\" : \"orthogonal");
        }

        CliTestSupport again = CliTestSupport.exec("sweep", "--out", out.toString(), "--data-dir", data.toString());
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).doesNotContain("[1/4]").contains("4 done");

        CliTestSupport stored = CliTestSupport.exec("sweep", "plan", "--out", out.toString());
        assertThat(stored.out()).contains("    1  done         1/1", "4 cells in " + out);
    }

    @Test
    void oneCellByIndex() {
        Path out = tmp.resolve("s");
        CliTestSupport r = CliTestSupport.exec(cmd("sweep", grid(out), "--index", "2", "--data-dir", data.toString()));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("cell 2 (resnet20-w0.25-fashion-mnist-orthogonal-s0): done");
        assertThat(out.resolve("resnet20-w0.25-fashion-mnist-orthogonal-s0").resolve(RunDirectory.RESULT)).exists();
        assertThat(out.resolve("resnet20-w0.25-fashion-mnist-orthogonal-s1")).doesNotExist();
    }

    @Test
    void slurmScriptListsOnlyUnfinishedCells() throws Exception {
        Path out = tmp.resolve("s");
        assertThat(CliTestSupport.exec(cmd("sweep", grid(out), "--index", "0", "--data-dir", data.toString())).exitCode()).isZero();
        CliTestSupport r = CliTestSupport.exec(cmd("sweep", cmd("slurm", grid(out), "--partition", "gpu", "--time", "02:00:00",
                "--cpus", "4", "--gres", "gpu:1", "--mem", "16G", "--max-parallel", "2")));
        assertThat(r.exitCode()).as(r.err()).isZero();
        Path script = out.resolve("sweep.sbatch");
        assertThat(r.out()).contains("wrote " + script + " (3 array tasks)");
        String text = Files.readString(script);
        assertThat(text).startsWith("#!/bin/bash\n").contains("#SBATCH --array=1,2,3%2\n", "#SBATCH --cpus-per-task=4\n",
                "#SBATCH --time=02:00:00\n", "#SBATCH --partition=gpu\n", "#SBATCH --gres=gpu:1\n", "#SBATCH --mem=16G\n",
                "#SBATCH --signal=B:USR1@300\n", "#SBATCH --requeue\n", "#SBATCH --open-mode=append\n",
                " sweep run '" + out.toAbsolutePath() + "' --index \"$SLURM_ARRAY_TASK_ID\" --threads \"${SLURM_CPUS_PER_TASK:-4}\""
                        + " --device 'cpu' &\n",
                "if [ $rc -eq 75 ]; then\n", "scontrol requeue \"$SLURM_JOB_ID\"");
        assertThat(script.toFile().canExecute()).isTrue();
        Process syntax = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
        assertThat(syntax.waitFor()).as(new String(syntax.getInputStream().readAllBytes())).isZero();
    }

    /** A stand-in for a Slurm command: a shell script that logs its arguments and prints {@code reply}. */
    Path fakeCommand(String name, String reply) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, "#!/bin/sh\necho \"$@\" >> " + tmp.resolve(name + ".args") + "\nprintf '" + reply + "'\n");
        f.toFile().setExecutable(true);
        return f;
    }

    @Test
    void submitRecordsTheJobAndStatusShowsItsTasks() throws IOException {
        Path out = tmp.resolve("s");
        assertThat(CliTestSupport.exec(cmd("sweep", grid(out), "--index", "0", "--data-dir", data.toString())).exitCode()).isZero();
        CliTestSupport r = CliTestSupport.exec(cmd("sweep", cmd("slurm", grid(out), "--submit", "--sbatch",
                fakeCommand("sbatch", "4242\\n").toString(), "--cpus", "1")));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("submitted job array 4242 (3 tasks); watch it with: initbench sweep status " + out);
        assertThat(Files.readString(tmp.resolve("sbatch.args"))).isEqualTo("--parsable " + out.resolve("sweep.sbatch").toAbsolutePath() + "\n");
        assertThat(Files.readString(out.resolve(SlurmJobs.FILE))).contains("\"job\":\"4242\",\"cells\":[1,2,3]");

        // a corrupt checkpoint left by a preempted task: status says so, the next attempt restarts the cell
        Path cell1 = out.resolve("resnet20-w0.25-fashion-mnist-kaiming-normal_mode=fan_in-s1");
        org.initbench.experiment.SweepDirectory sweep = org.initbench.experiment.SweepDirectory.load(out);
        RunDirectory.create(cell1, false).writeJson(RunDirectory.SPEC, org.initbench.experiment.TrainingRun.validate(
                sweep.cell(1).spec(), org.initbench.init.InitRegistry.load()));
        Files.writeString(cell1.resolve(org.initbench.experiment.Checkpoint.FILE), "not a checkpoint, cut short");
        CliTestSupport st = CliTestSupport.exec("sweep", "status", out.toString(), "--squeue",
                fakeCommand("squeue", "4242_2|PENDING|BeginTime\\n4242_3|RUNNING|None\\n").toString());
        assertThat(st.exitCode()).as(st.err()).isZero();
        assertThat(st.out()).contains(
                "    0  done          1/1                         resnet20-w0.25-fashion-mnist-kaiming-normal_mode=fan_in-s0: best ",
                "    1  partial       0/1  4242_1                 resnet20-w0.25-fashion-mnist-kaiming-normal_mode=fan_in-s1: "
                        + "checkpoint unreadable (",
                "the next attempt restarts the cell from scratch",
                "    2  pending       0/1  4242_2 PENDING (BeginTime) resnet20-w0.25-fashion-mnist-orthogonal-s0\n",
                "    3  pending       0/1  4242_3 RUNNING         resnet20-w0.25-fashion-mnist-orthogonal-s1\n",
                "4 cells in " + out + ": 2 pending, 1 partial, 1 done");
        assertThat(Files.readString(tmp.resolve("squeue.args"))).isEqualTo("-h -r -o %i|%T|%r -j 4242\n");

        CliTestSupport resumed = CliTestSupport.exec("sweep", "run", out.toString(), "--index", "1", "--data-dir", data.toString());
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("cannot resume " + cell1, "starting over", "cell 1 (" + cell1.getFileName() + "): done");

        // resubmitting submits only what is left
        CliTestSupport again = CliTestSupport.exec("sweep", "slurm", "--out", out.toString(), "--submit", "--sbatch",
                fakeCommand("sbatch", "4243;cluster\\n").toString());
        assertThat(again.out()).contains("wrote " + out.resolve("sweep.sbatch") + " (2 array tasks)", "submitted job array 4243");
        assertThat(Files.readString(out.resolve("sweep.sbatch"))).contains("#SBATCH --array=2,3\n");
        CliTestSupport noSqueue = CliTestSupport.exec("sweep", "status", out.toString(), "--squeue", tmp.resolve("none").toString());
        assertThat(noSqueue.out()).contains("    2  pending       0/1  4243_2                 resnet20");
    }

    @Test
    void aMissingSbatchIsExitTwoWithTheScriptWritten() {
        Path out = tmp.resolve("s");
        CliTestSupport r = CliTestSupport.exec(cmd("sweep", cmd("slurm", grid(out), "--submit", "--sbatch",
                tmp.resolve("no-sbatch").toString())));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("initbench: cannot run " + tmp.resolve("no-sbatch"))
                .endsWith("the script is written: submit " + out.resolve("sweep.sbatch") + " on a machine with Slurm")
                .doesNotContain("\n");
        assertThat(out.resolve("sweep.sbatch")).exists();
        assertThat(out.resolve(SlurmJobs.FILE)).doesNotExist();
    }

    @Test
    void aSecondTaskOnTheSameCellFindsItLocked() throws IOException {
        Path out = tmp.resolve("s");
        assertThat(CliTestSupport.exec(cmd("sweep", cmd("plan", grid(out)))).exitCode()).isZero();
        CliTestSupport.exec(cmd("sweep", cmd("slurm", grid(out))));
        Path cell = out.resolve("resnet20-w0.25-fashion-mnist-orthogonal-s0");
        try (var lock = org.initbench.experiment.SweepDirectory.CellLock.tryAcquire(cell)) {
            assertThat(lock).isNotNull();
            CliTestSupport second = CliTestSupport.exec("sweep", "run", out.toString(), "--index", "2", "--data-dir", data.toString());
            assertThat(second.exitCode()).isZero();
            assertThat(second.out()).contains("cell 2 (resnet20-w0.25-fashion-mnist-orthogonal-s0): running in another process");
            assertThat(CliTestSupport.exec("sweep", "status", out.toString()).out()).contains("    2  running       0/1");
        }
        assertThat(cell.resolve(RunDirectory.RESULT)).doesNotExist();
    }

    @Test
    void aSpecFileWithFlagsOnTop() throws IOException {
        Path spec = Files.writeString(tmp.resolve("mini.yaml"), "models:\n  - {arch: resnet20, dataset: fashion-mnist, width: 0.25}\n"
                + "inits: [zeros]\nseeds: 0..2\nepochs: 3\nbatch-size: 16\n");
        CliTestSupport r = CliTestSupport.exec("sweep", "plan", spec.toString(), "--seeds", "4", "--epochs", "1");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("    0  pending      0/1           resnet20-w0.25-fashion-mnist-zeros-s4", "1 cells in runs/mini");
    }

    /** A ladder: two models × two rungs × one init × two seeds; the plan prices each rung in images seen. */
    @Test
    void thePlanOfALadderShowsEachRungsImagesSeen() throws IOException {
        Path spec = Files.writeString(tmp.resolve("ladder.yaml"), "models:\n"
                + "  - {arch: resnet20, dataset: fashion-mnist, width: 0.25}\n  - {arch: resnet20, dataset: cifar10}\n"
                + "inits: [zeros]\nseeds: 0..1\nbatch-size: 16\n"
                + "rungs:\n  - {epochs: 3, train-subset: 3000}\n  - {epochs: 2}\n");
        CliTestSupport r = CliTestSupport.exec("sweep", "plan", spec.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("    0  pending      0/3           resnet20-w0.25-fashion-mnist-e3-tr3000-zeros-s0",
                "    2  pending      0/2           resnet20-w0.25-fashion-mnist-e2-zeros-s0",
                "    7  pending      0/2           resnet20-cifar10-e2-zeros-s1", "8 cells in runs/ladder",
                "rungs, by images seen (epochs x training images per epoch):",
                // 3 × 3,000 per run, 4 runs
                "  rung 1 {epochs=3, train-subset=3000}: 4 cells, 9,000 images per run, 36,000 in all",
                // 2 × 60,000 (fashion-mnist) and 2 × 50,000 (cifar10), two runs each
                "  rung 2 {epochs=2}: 4 cells, 100,000 to 120,000 images per run, 440,000 in all");
        CliTestSupport flat = CliTestSupport.exec("sweep", "plan", "--arch", "resnet20", "--dataset", "mnist", "--init",
                "zeros", "--seeds", "0", "--epochs", "1");
        assertThat(flat.out()).doesNotContain("rungs");
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws IOException {
        Path out = tmp.resolve("s");
        CliTestSupport unknown = CliTestSupport.exec("sweep", "plan", "--arch", "resnet21", "--dataset", "mnist", "--init", "zeros", "--seeds", "0");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err().strip()).startsWith("initbench: cell 0 (resnet21-mnist-zeros-s0): ").doesNotContain("\n");

        CliTestSupport empty = CliTestSupport.exec("sweep", "--arch", "resnet20", "--dataset", "mnist", "--seeds", "0", "--out", out.toString());
        assertThat(empty.exitCode()).isEqualTo(2);
        assertThat(empty.err()).contains("the sweep is empty");
        assertThat(out).doesNotExist();

        assertThat(CliTestSupport.exec(cmd("sweep", grid(out), "--index", "9")).err()).contains("--index 9 is out of range: the sweep has cells 0..3");
        CliTestSupport other = CliTestSupport.exec(cmd("sweep", grid(out, "--epochs", "2")));
        assertThat(other.exitCode()).isEqualTo(2);
        assertThat(other.err()).contains("holds another sweep: 4 cells both; epochs 1 stored, 2 given; choose another --out");
        CliTestSupport resubmit = CliTestSupport.exec(cmd("sweep", cmd("slurm", grid(out, "--seeds", "0..2"))));
        assertThat(resubmit.exitCode()).isEqualTo(2);
        assertThat(resubmit.err()).contains("4 cells stored, 6 given", "seeds [0,1] stored, [0,1,2] given");

        Path bad = Files.writeString(tmp.resolve("bad.yaml"), "arch: resnet20\ndataset: mnist\ninits: zeros\nseed: 0\n");
        CliTestSupport field = CliTestSupport.exec("sweep", bad.toString());
        assertThat(field.exitCode()).isEqualTo(2);
        assertThat(field.err()).contains("line 4: unknown field 'seed'");

        assertThat(CliTestSupport.exec("sweep", "--out", tmp.resolve("none").toString()).err()).contains("holds no sweep");
        assertThat(CliTestSupport.exec(cmd("sweep", grid(tmp.resolve("w")), "--workers", "0")).exitCode()).isEqualTo(2);
    }
}
