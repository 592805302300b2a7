package org.initbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.initbench.cli.CliTestSupport.exec;
import static org.initbench.cli.ExportCommandTest.assertOneLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.initbench.testkit.FakeData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code --branch-scalar} through train, models, export and inspect, and skipinit's and rezero's refusals. */
class BranchScalarCliTest {
    @TempDir static Path data;

    @BeforeAll
    static void fakeData() {
        FakeData.writeIdxDataset(data.resolve("fashion-mnist"), 48, 24, true, 3);
    }

    static String[] train(Path out, String... extra) {
        return CliTestSupport.quickTrain(data, out, extra);
    }

    @Test
    void trainsSkipInitOnTheNormFreeNetAndRecordsTheAxis(@TempDir Path tmp) throws IOException {
        CliTestSupport r = exec(train(tmp.resolve("run"), "--norm", "none", "--branch-scalar", "--init", "skipinit"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("(norm none, branch scalar)", "skipinit:alpha=0");
        assertThat(Files.readString(tmp.resolve("run/spec.json"))).containsPattern("\"branchScalar\"\\s*:\\s*true");
        CliTestSupport plain = exec(train(tmp.resolve("plain"), "--norm", "none", "--init", "kaiming-normal"));
        assertThat(plain.exitCode()).as(plain.err()).isZero();
        assertThat(Files.readString(tmp.resolve("plain/spec.json"))).doesNotContain("branchScalar");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--arch=vgg11 --branch-scalar|--branch-scalar needs a residual net (resnet20, resnet32, resnet44, resnet56,"
            + " resnet110, mobilenetv2); vgg11 has no residual branches",
        "--arch=plaincnn --branch-scalar|plaincnn has no residual branches",
        "--init=skipinit --branch-scalar|skipinit needs a residual net with --branch-scalar and --norm none"
            + " (got resnet20 with --norm bn and --branch-scalar)",
        "--init=skipinit --norm=none|skipinit needs a residual net with --branch-scalar and --norm none"
            + " (got resnet20 with --norm none, without --branch-scalar)",
        "--init=rezero|rezero needs a residual net with --branch-scalar (got resnet20 with --norm bn,"
            + " without --branch-scalar)",
        "--init=skipinit:alpha=-0.5 --norm=none --branch-scalar|alpha must be >= 0",
    })
    void refusalsAreOneLineAndExitTwo(String flags, String message, @TempDir Path tmp) {
        assertOneLine(exec(train(tmp.resolve("run"), flags.split(" "))), message);
        assertThat(tmp.resolve("run")).doesNotExist();
    }

    @Test
    void modelsShowsTheAxisAndItsCounts() {
        CliTestSupport all = exec("models", "--dataset", "cifar100");
        assertThat(all.out()).contains(ModelsCommand.BRANCH_SCALAR_NOTE);
        CliTestSupport r = exec("models", "--dataset", "cifar100", "--branch-scalar");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("with --branch-scalar: one α per residual block")
                .containsPattern("resnet56\\s+bn\\s+861,647\\s+58\\s+27")
                .containsPattern("resnet110\\s+bn\\s+1,736,618\\s+112\\s+54")
                .doesNotContainPattern("(?m)^vgg16").doesNotContainPattern("(?m)^plaincnn");
        assertThat(exec("models", "--dataset", "cifar100", "--norm", "none", "--branch-scalar").out())
                .containsPattern("resnet56\\s+none\\s+857,528\\s+58\\s+27");
    }

    @Test
    void exportWritesAlphaUnderTheTwinsNameAndRunsKeepTheirOwnSpec(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("w.npz");
        CliTestSupport r = exec("export", "--arch", "resnet20", "--dataset", "fashion-mnist", "--width", "0.25",
                "--norm", "none", "--branch-scalar", "--init", "skipinit", "--threads", "2", "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("(norm none, branch scalar, width 0.25)");
        assertThat(ExportCommandTest.names(out)).contains("layer1.0.bias2b.bias", "layer1.0.alpha.weight",
                "layer3.2.alpha.weight");
        assertOneLine(exec("export", "--from-run", tmp.toString(), "--branch-scalar", "--out",
                tmp.resolve("x.npz").toString()), "drop --branch-scalar");
    }

    @Test
    void inspectBuildsTheGatedNetAndRefusesItWithoutBranches(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("insp");
        CliTestSupport r = exec("inspect", "--arch", "resnet20", "--dataset", "fashion-mnist", "--data-dir",
                data.toString(), "--width", "0.25", "--batch", "8", "--threads", "2", "--input", "gaussian",
                "--branch-scalar", "--init", "rezero", "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("(norm bn, branch scalar, width 0.2500)");
        assertThat(Files.readString(out.resolve("inspect.json"))).containsPattern("\"branch_scalar\"\\s*:\\s*true");
        assertOneLine(exec("inspect", "--arch", "vgg11", "--dataset", "fashion-mnist", "--width", "0.25",
                "--branch-scalar", "--init", "rezero", "--out", tmp.resolve("v").toString()),
                "vgg11 has no residual branches");
    }
}
