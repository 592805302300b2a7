package org.initbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.initbench.testkit.FakeData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --log-layer-stats N} on {@code train} and {@code sweep}, through {@code execute()}. */
class LayerStatsOptionTest {
    @TempDir static Path data;

    @BeforeAll
    static void fakeData() {
        FakeData.writeIdxDataset(data.resolve("fashion-mnist"), 48, 24, true, 3);
    }

    static String[] train(Path out, String... extra) {
        return CliTestSupport.quickTrain(data, out, extra);
    }

    @Test
    void trainWritesLayerStatsAndRefusesABadInterval(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("run");
        CliTestSupport r = CliTestSupport.exec(train(out, "--log-layer-stats", "1"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> lines = Files.readAllLines(out.resolve("layer-stats.jsonl"));
        assertThat(lines).hasSize(3); // 48 images, batch 16: 3 steps
        assertThat(lines.get(0)).startsWith("{\"epoch\":1,\"step\":1,\"globalStep\":1,").contains("\"gradNorm\":{\"conv1\":");

        for (String n : new String[] {"0", "-2"}) {
            Path bad = tmp.resolve("bad" + n);
            CliTestSupport b = CliTestSupport.exec(train(bad, "--log-layer-stats", n));
            assertThat(b.exitCode()).isEqualTo(2);
            assertThat(b.err()).startsWith("initbench: ").contains("--log-layer-stats must be positive");
            assertThat(b.err().lines().count()).isEqualTo(1);
            assertThat(bad).doesNotExist();
        }
    }

    @Test
    void sweepPassesTheIntervalToEveryCellAndRefusesABadOne(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("sw");
        String[] grid = {"sweep", "--arch", "resnet20", "--dataset", "fashion-mnist", "--init", "kaiming-normal",
            "--seeds", "0..1", "--epochs", "1", "--batch-size", "16", "--width", "0.25", "--out", out.toString(),
            "--data-dir", data.toString(), "--threads", "1", "--log-layer-stats", "2"};
        CliTestSupport r = CliTestSupport.exec(grid);
        assertThat(r.exitCode()).as(r.err()).isZero();
        for (String cell : List.of("resnet20-w0.25-fashion-mnist-kaiming-normal-s0",
                "resnet20-w0.25-fashion-mnist-kaiming-normal-s1")) {
            assertThat(Files.readAllLines(out.resolve(cell).resolve("layer-stats.jsonl"))).hasSize(1); // step 2 of 3
        }
        CliTestSupport report = CliTestSupport.exec("report", out.toString());
        assertThat(report.exitCode()).as(report.err()).isZero();
        assertThat(out.resolve("report/plots")).isDirectoryContaining(p -> p.getFileName().toString()
                .endsWith("-layer-grad-kaiming-normal.png"));

        CliTestSupport bad = CliTestSupport.exec("sweep", "--arch", "resnet20", "--dataset", "fashion-mnist",
                "--init", "zeros", "--seeds", "0", "--out", tmp.resolve("bad").toString(), "--log-layer-stats", "0");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).startsWith("initbench: ").contains("log-layer-stats must be positive");
        assertThat(tmp.resolve("bad")).doesNotExist();
    }
}
