package org.initbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.initbench.cli.CliTestSupport.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.initbench.testkit.FakeData;
import org.initbench.testkit.RunFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TrainCommandTest {
    @TempDir static Path data;

    @BeforeAll
    static void fakeData() {
        FakeData.writeIdxDataset(data.resolve("fashion-mnist"), 48, 24, true, 3);
    }

    static String[] train(Path out, String... extra) {
        return CliTestSupport.quickTrain(data, out, extra);
    }

    @Test
    void trainsRefusesToOverwriteAndForces(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("run");
        CliTestSupport r = exec(train(out, "--init", "kaiming-normal:mode=fan_in"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("best test accuracy").contains("epoch 1/1");
        for (String f : List.of("spec.json", "manifest.json", "metrics.jsonl", "result.json")) {
            assertThat(out.resolve(f)).exists();
        }
        byte[] before = Files.readAllBytes(out.resolve("result.json"));

        CliTestSupport again = exec(train(out));
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).startsWith("initbench: ").contains("finished run").contains("--force");
        assertThat(again.err().lines().count()).isEqualTo(1);
        assertThat(Files.readAllBytes(out.resolve("result.json"))).isEqualTo(before);

        assertThat(exec(train(out, "--force")).exitCode()).isZero();
    }

    @Test
    void dataDependentInitGetsATrainingBatch(@TempDir Path tmp) throws IOException {
        CliTestSupport r = exec(train(tmp.resolve("run"), "--init", "lsuv"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Files.readString(tmp.resolve("run/spec.json"))).contains("lsuv:");
    }

    @Test
    void bf16RunRecordsItsPrecision(@TempDir Path tmp) throws IOException {
        CliTestSupport r = exec(train(tmp.resolve("run"), "--precision", "bf16"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Files.readString(tmp.resolve("run/spec.json"))).contains("\"precision\" : \"bf16\"");
        assertThat(Files.readString(tmp.resolve("run/manifest.json"))).contains("\"precision\" : \"bf16\"");
        assertThat(Files.readString(tmp.resolve("run/metrics.jsonl"))).doesNotContain("NaN");
    }

    @Test
    void divergenceExitsWithOne(@TempDir Path tmp) {
        CliTestSupport r = exec(train(tmp.resolve("run"), "--lr", "1e30"));
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("diverged");
    }

    static Stream<Arguments> badInputs() {
        return Stream.of(
                Arguments.of(List.of("--arch", "resnet21"), "unknown arch 'resnet21'"),
                Arguments.of(List.of("--dataset", "imagenet"), "unknown dataset 'imagenet'"),
                Arguments.of(List.of("--init", "he"), "unknown init 'he'"),
                Arguments.of(List.of("--init", "kaiming-normal:mode=both"), "valid: fan_in, fan_out, fan_avg, fan_geo_avg"),
                Arguments.of(List.of("--epochs", "0"), "--epochs must be positive"),
                Arguments.of(List.of("--batch-size", "-4"), "--batch-size must be positive"),
                Arguments.of(List.of("--lr", "0"), "--lr must be a positive number"),
                Arguments.of(List.of("--lr", "-0.1"), "--lr must be a positive number"),
                Arguments.of(List.of("--threads", "0"), "--threads must be positive"),
                Arguments.of(List.of("--epochs", "many"), "Invalid value for option '--epochs'"),
                Arguments.of(List.of("--norm", "layernorm"), "unknown norm 'layernorm'; valid: bn, none, weightnorm"),
                Arguments.of(List.of("--init", "fixup-original"), "fixup-original needs a norm-free ResNet: --norm none"),
                Arguments.of(List.of("--arch", "plaincnn", "--norm", "bn"), "plaincnn has no batch norm"),
                Arguments.of(List.of("--warmup-epochs", "2"), "--warmup-epochs must be in [0, epochs = 1], got 2"),
                Arguments.of(List.of("--warmup-epochs", "-1"), "--warmup-epochs must be in [0, epochs = 1], got -1"),
                Arguments.of(List.of("--precision", "fp16"), "--precision must be fp32, bf16, got 'fp16'"));
    }

    @ParameterizedTest
    @MethodSource("badInputs")
    void badInputIsOneLineAndExitTwo(List<String> override, String message, @TempDir Path tmp) {
        CliTestSupport r = exec(train(tmp.resolve("run"), override.toArray(String[]::new)));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("initbench: ").contains(message);
        assertThat(r.err().lines().count()).isEqualTo(1);
        assertThat(tmp.resolve("run")).doesNotExist();
    }

    @Test
    void trainsTheNormVariants(@TempDir Path tmp) throws IOException {
        for (String[] normInit : new String[][] {{"none", "fixup-original"}, {"weightnorm", "arpit"}}) {
            Path out = tmp.resolve(normInit[0]);
            CliTestSupport r = exec(train(out, "--norm", normInit[0], "--init", normInit[1]));
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).contains("(norm " + normInit[0] + ")");
            assertThat(Files.readString(out.resolve("spec.json"))).containsPattern("\"norm\"\\s*:\\s*\"" + normInit[0] + "\"");
        }
    }

    @Test
    void fixupsScalarLrIsRecordedInTheRunSpecAndChangesTheRun(@TempDir Path tmp) throws IOException {
        CliTestSupport plain = exec(train(tmp.resolve("plain"), "--norm", "none", "--init", "fixup-original"));
        CliTestSupport fixup = exec(train(tmp.resolve("fixup"), "--norm", "none", "--init", "fixup-original",
                "--fixup-scalar-lr"));
        assertThat(plain.exitCode()).as(plain.err()).isZero();
        assertThat(fixup.exitCode()).as(fixup.err()).isZero();
        assertThat(Files.readString(tmp.resolve("plain/spec.json"))).doesNotContain("fixupScalarLr");
        assertThat(Files.readString(tmp.resolve("fixup/spec.json"))).containsPattern("\"fixupScalarLr\"\\s*:\\s*true");
        assertThat(RunFiles.metricsWithoutTimings(tmp.resolve("fixup")))
                .isNotEqualTo(RunFiles.metricsWithoutTimings(tmp.resolve("plain")));
    }

    @Test
    void warmupIsRecordedInTheRunSpecAndChangesTheRun(@TempDir Path tmp) throws IOException {
        CliTestSupport plain = exec(train(tmp.resolve("plain"), "--init", "kaiming-normal"));
        CliTestSupport warm = exec(train(tmp.resolve("warm"), "--init", "kaiming-normal", "--warmup-epochs", "1"));
        assertThat(plain.exitCode()).as(plain.err()).isZero();
        assertThat(warm.exitCode()).as(warm.err()).isZero();
        assertThat(Files.readString(tmp.resolve("plain/spec.json"))).doesNotContain("warmup");
        assertThat(Files.readString(tmp.resolve("warm/spec.json"))).containsPattern("\"warmupEpochs\"\\s*:\\s*1");
        assertThat(RunFiles.metricsWithoutTimings(tmp.resolve("warm")))
                .isNotEqualTo(RunFiles.metricsWithoutTimings(tmp.resolve("plain")));
    }

    @Test
    void missingDatasetSaysHowToGetIt(@TempDir Path empty) {
        CliTestSupport r = exec("train", "--arch", "resnet20", "--dataset", "cifar100", "--data-dir", empty.toString(),
                "--out", empty.resolve("run").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("initbench data download cifar100");
    }

    @Test
    void truncatedIdxFileIsBadInput(@TempDir Path root) throws IOException {
        Path ds = root.resolve("fashion-mnist");
        FakeData.writeIdxDataset(ds, 20, 10, false, 1);
        Path images = ds.resolve("train-images-idx3-ubyte");
        byte[] all = Files.readAllBytes(images);
        Files.write(images, Arrays.copyOf(all, all.length - 100));
        CliTestSupport r = exec("train", "--dataset", "fashion-mnist", "--data-dir", root.toString(),
                "--out", root.resolve("run").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("train-images-idx3-ubyte");
        assertThat(r.err().lines().count()).isEqualTo(1);
    }

    @Test
    void unwritableOutputIsBadInput(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "keep me");
        CliTestSupport r = exec(train(file.resolve("run")));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("cannot write to output directory");
        assertThat(Files.readString(file)).isEqualTo("keep me");
    }
}
