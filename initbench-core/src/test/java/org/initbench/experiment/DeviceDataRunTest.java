package org.initbench.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.initbench.data.DatasetLocator;
import org.initbench.init.InitRegistry;
import org.initbench.testkit.FakeData;
import org.initbench.train.TrainListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU data path (splits resident on the device, augmented and batched there) run on the CPU
 * device: the run equals the host pipeline's run number for number.
 */
class DeviceDataRunTest {
    @TempDir static Path root;

    private static final TrainListener SILENT = line -> {};

    @BeforeAll
    static void fakeData() {
        FakeData.writeIdxDataset(root.resolve("fashion-mnist"), 50, 30, true, 9);
    }

    private static TrainingRun prepare() {
        // 50 images in batches of 16: a partial last batch of 2; eval batches of 256 hold the whole split
        TrainSpec spec = new TrainSpec("resnet20", "fashion-mnist", "kaiming-normal", 4,
                Recipe.SEED.withEpochs(2).withBatchSize(16).withWidth(0.25));
        return TrainingRun.prepare(spec, new DatasetLocator(List.of(root), List.of(), null), InitRegistry.load(),
                SILENT);
    }

    @Test
    void deviceResidentBatchesGiveTheHostPipelinesRun(@TempDir Path host, @TempDir Path device) throws IOException {
        RunResult a = prepare().on(Device.cpu()).run(RunDirectory.create(host, false));
        RunResult b = prepare().on(Device.cpu(), true).run(RunDirectory.create(device, false));
        assertThat(b.status()).isEqualTo(RunResult.DONE);
        assertThat(b.bestTestAcc()).isEqualTo(a.bestTestAcc());
        assertThat(b.finalTestAcc()).isEqualTo(a.finalTestAcc());
        ObjectMapper json = new ObjectMapper();
        List<String> ma = Files.readAllLines(host.resolve(RunDirectory.METRICS));
        List<String> mb = Files.readAllLines(device.resolve(RunDirectory.METRICS));
        assertThat(mb).hasSize(2);
        for (int e = 0; e < 2; e++) {
            JsonNode x = json.readTree(ma.get(e));
            JsonNode y = json.readTree(mb.get(e));
            for (String k : List.of("trainLoss", "trainAcc", "testLoss", "testAcc")) {
                assertThat(y.get(k).asDouble()).as("%s of epoch %d", k, e + 1).isEqualTo(x.get(k).asDouble());
            }
        }
        JsonNode manifest = json.readTree(device.resolve(RunDirectory.MANIFEST).toFile());
        assertThat(manifest.get("device").asText()).isEqualTo("cpu");
        assertThat(manifest.get("batches_prepared_on").asText()).isEqualTo("device");
        assertThat(json.readTree(host.resolve(RunDirectory.MANIFEST).toFile()).get("batches_prepared_on").asText())
                .isEqualTo("host");
    }
}
