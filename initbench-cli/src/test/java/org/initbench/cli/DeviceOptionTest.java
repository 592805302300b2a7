package org.initbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.initbench.cli.CliTestSupport.exec;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.initbench.testkit.FakeData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --device} on train and bench, on the CPU engine CI runs. */
class DeviceOptionTest {
    @TempDir static Path data;

    @BeforeAll
    static void fakeData() {
        FakeData.writeIdxDataset(data.resolve("fashion-mnist"), 32, 16, true, 4);
    }

    private static String[] train(Path out, String device) {
        return new String[] {"train", "--arch", "resnet20", "--dataset", "fashion-mnist", "--data-dir",
            data.toString(), "--epochs", "1", "--batch-size", "16", "--width", "0.25", "--threads", "2", "--out",
            out.toString(), "--device", device};
    }

    @Test
    void gpuWithoutAGpuIsOneLineExitTwoAndWritesNothing(@TempDir Path tmp) {
        assumeTrue(Engine.getInstance().getGpuCount() == 0, "a GPU is visible");
        Path out = tmp.resolve("run");
        CliTestSupport r = exec(train(out, "gpu"));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("initbench: ").contains("--device gpu").contains("no GPU");
        assertThat(r.err().lines().count()).isEqualTo(1);
        assertThat(out).doesNotExist();

        CliTestSupport b = exec("bench", "--arch", "resnet20", "--device", "gpu");
        assertThat(b.exitCode()).isEqualTo(2);
        assertThat(b.err().lines().count()).isEqualTo(1);
    }

    @Test
    void unknownDeviceIsBadInput(@TempDir Path tmp) {
        CliTestSupport r = exec(train(tmp.resolve("run"), "tpu"));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("cpu, gpu or auto").contains("tpu");
        assertThat(exec("bench", "--device", "cuda").exitCode()).isEqualTo(2);
    }

    @Test
    void autoFallsBackToTheCpuAndTheManifestSaysSo(@TempDir Path tmp) throws IOException {
        assumeTrue(Engine.getInstance().getGpuCount() == 0, "a GPU is visible");
        Path out = tmp.resolve("run");
        CliTestSupport r = exec(train(out, "auto"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("on cpu");
        var manifest = new ObjectMapper().readTree(Files.readString(out.resolve("manifest.json")));
        assertThat(manifest.get("device").asText()).isEqualTo("cpu");
        assertThat(manifest.get("batches_prepared_on").asText()).isEqualTo("host");
    }
}
