package org.initbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.initbench.testkit.FakeData;
import org.initbench.train.RunDirectory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code initbench sweep}, {@code sweep plan} and {@code sweep slurm} in-process on fake FashionMNIST. */
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
    void slurmScriptListsOnlyUnfinishedCells() throws IOException {
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
                " sweep --out '" + out.toAbsolutePath() + "' --index \"$SLURM_ARRAY_TASK_ID\" --threads \"${SLURM_CPUS_PER_TASK:-4}\"");
        assertThat(script.toFile().canExecute()).isTrue();
    }

    @Test
    void aSpecFileWithFlagsOnTop() throws IOException {
        Path spec = Files.writeString(tmp.resolve("mini.yaml"), "models:\n  - {arch: resnet20, dataset: fashion-mnist, width: 0.25}\n"
                + "inits: [zeros]\nseeds: 0..2\nepochs: 3\nbatch-size: 16\n");
        CliTestSupport r = CliTestSupport.exec("sweep", "plan", spec.toString(), "--seeds", "4", "--epochs", "1");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("    0  pending      0/1           resnet20-w0.25-fashion-mnist-zeros-s4", "1 cells in runs/mini");
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
        assertThat(other.err()).contains("holds another sweep");

        Path bad = Files.writeString(tmp.resolve("bad.yaml"), "arch: resnet20\ndataset: mnist\ninits: zeros\nseed: 0\n");
        CliTestSupport field = CliTestSupport.exec("sweep", bad.toString());
        assertThat(field.exitCode()).isEqualTo(2);
        assertThat(field.err()).contains("line 4: unknown field 'seed'");

        assertThat(CliTestSupport.exec("sweep", "--out", tmp.resolve("none").toString()).err()).contains("holds no sweep");
        assertThat(CliTestSupport.exec(cmd("sweep", grid(tmp.resolve("w")), "--workers", "0")).exitCode()).isEqualTo(2);
    }
}
