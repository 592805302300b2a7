package org.initbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.initbench.cli.CliTestSupport.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.initbench.init.TorchPython;
import org.initbench.testkit.FakeData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guide's promise (docs/own-init.md) on the files it shows, {@code examples/}: a sweep of a file init
 * beside a built-in, three seeds, then the report; and a resumed sweep refuses a file that changed since.
 */
class OwnInitAcceptanceTest {
    static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();

    @TempDir static Path data;

    @BeforeAll
    static void fakeData() {
        FakeData.writeIdxDataset(data.resolve("fashion-mnist"), 48, 24, true, 3);
    }

    private static CliTestSupport sweep(Path out, String inits) {
        return exec("sweep", "--arch", "resnet20", "--width", "0.25", "--dataset", "fashion-mnist", "--data-dir",
                data.toString(), "--init", inits, "--seeds", "0..2", "--epochs", "1", "--batch-size", "16",
                "--threads", "2", "--workers", "1", "--out", out.toString());
    }

    private static void sweepAndReport(Path tmp, Path file, String spec, String label) throws IOException {
        Path copy = Files.copy(file, tmp.resolve(file.getFileName()));
        Path out = tmp.resolve("runs");
        CliTestSupport r = sweep(out, spec.replace("FILE", copy.toString()) + ",kaiming-normal");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("6 done");
        CliTestSupport rep = exec("report", out.toString(), "--baseline", "kaiming-normal");
        assertThat(rep.exitCode()).as(rep.err()).isZero();
        assertThat(out.resolve("report/report.html")).exists();
        assertThat(Files.readString(out.resolve("report/results.csv"))).contains(label);
        assertThat(Files.readString(out.resolve("report/report.md"))).contains("| " + label + " |");
        assertThat(out.resolve("init-files").resolve(file.getFileName())).hasSameTextualContentAs(file);

        String comment = label.startsWith("torch") ? "# changed" : "// changed";
        Files.writeString(copy, Files.readString(copy) + comment + "\n");
        CliTestSupport again = sweep(out, spec.replace("FILE", copy.toString()) + ",kaiming-normal");
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("init file " + copy + " changed since sweep").hasLineCount(1);
    }

    @Test
    void aTorchFileSweepsBesideABuiltInAndReports(@TempDir Path tmp) throws IOException {
        String problem = TorchPython.problem(TorchPython.interpreter());
        Assumptions.assumeTrue(problem == null, () -> "skipped, no PyTorch for torch: inits: " + problem);
        sweepAndReport(tmp, EXAMPLES.resolve("my_init.py"), "torch:FILE", "torch:my_init.py");
    }

    @Test
    void aJavaFileSweepsBesideABuiltInAndReports(@TempDir Path tmp) throws IOException {
        sweepAndReport(tmp, EXAMPLES.resolve("MyInit.java"), "java:FILE", "java:MyInit.java");
    }

    @Test
    void theJavaExampleWithAnOptionTrainsAndItsOptionsAreChecked(@TempDir Path tmp) {
        String[] train = {"train", "--arch", "resnet20", "--width", "0.25", "--dataset", "fashion-mnist",
            "--data-dir", data.toString(), "--epochs", "1", "--batch-size", "16", "--threads", "2", "--out",
            tmp.resolve("run").toString(), "--init", "java:" + EXAMPLES.resolve("ScaledHeInit.java") + ":scale=0.5"};
        CliTestSupport r = exec(train);
        assertThat(r.exitCode()).as(r.err()).isZero();
        train[train.length - 1] = "java:" + EXAMPLES.resolve("ScaledHeInit.java") + ":gain=2";
        train[train.length - 3] = tmp.resolve("run2").toString();
        CliTestSupport bad = exec(train);
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("unknown option 'gain'; valid: scale").hasLineCount(1);
        assertThat(tmp.resolve("run2")).doesNotExist();
    }

    @Test
    void aJavaInitThatLeavesAParameterUnsetIsBadInput(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("Lazy.java"), String.join("\n",
                "import org.initbench.init.InitContext;",
                "import org.initbench.init.InitStrategy;",
                "public class Lazy implements InitStrategy {",
                "    public void initialize(InitContext ctx) {}",
                "}"));
        CliTestSupport r = exec("export", "--arch", "resnet20", "--width", "0.25", "--dataset", "cifar10", "--init",
                "java:" + file, "--seed", "0", "--out", tmp.resolve("w.npz").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("init left conv1.weight unset").hasLineCount(1);
        assertThat(tmp.resolve("w.npz")).doesNotExist();
    }
}
