package org.initbench.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.initbench.data.DatasetLocator;
import org.initbench.init.InitRegistry;
import org.initbench.testkit.FakeData;
import org.initbench.testkit.RunFiles;
import org.initbench.train.EpochMetrics;
import org.initbench.train.TrainListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end runs of the training loop on fake FashionMNIST files with a quarter-width ResNet-20. */
class TrainingRunTest {
    @TempDir static Path root;

    @BeforeAll
    static void fakeData() {
        FakeData.writeIdxDataset(root.resolve("fashion-mnist"), 80, 40, true, 7);
    }

    static TrainSpec spec(String init, long seed, int epochs, double lr) {
        return new TrainSpec("resnet20", "fashion-mnist", init, seed,
                Recipe.SEED.withEpochs(epochs).withBatchSize(16).withLr(lr).withWidth(0.25));
    }

    static RunResult run(TrainSpec spec, Path out, List<String> notices) throws IOException {
        TrainListener listener = notices::add;
        TrainingRun r = TrainingRun.prepare(spec, new DatasetLocator(List.of(root), List.of(), null),
                InitRegistry.load(), listener);
        return r.run(RunDirectory.create(out, false));
    }

    @Test
    void writesEveryFileOfTheRun(@TempDir Path out) throws IOException {
        RunResult r = run(spec("kaiming-normal", 3, 2, 0.1), out, new ArrayList<>());
        assertThat(r.status()).isEqualTo(RunResult.DONE);
        assertThat(r.epochsCompleted()).isEqualTo(2);
        assertThat(r.bestTestAcc()).isBetween(0.0, 1.0).isGreaterThanOrEqualTo(r.finalTestAcc());
        List<String> lines = Files.readAllLines(out.resolve(RunDirectory.METRICS));
        assertThat(lines).hasSize(2);
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(lines.get(0));
        assertThat(first.get("epoch").asInt()).isEqualTo(1);
        assertThat(first.get("lr").asDouble()).isEqualTo(0.1);
        assertThat(json.readTree(lines.get(1)).get("lr").asDouble()).isEqualTo(0.05, org.assertj.core.api.Assertions.within(1e-12));
        JsonNode spec = json.readTree(out.resolve(RunDirectory.SPEC).toFile());
        assertThat(spec.get("init").asText()).isEqualTo("kaiming-normal:mode=fan_out,nonlinearity=relu,a=0");
        assertThat(spec.get("norm").asText()).as("null resolves to the arch's own").isEqualTo("bn");
        JsonNode manifest = json.readTree(out.resolve(RunDirectory.MANIFEST).toFile());
        assertThat(manifest.get("dataset").get("sha256").size()).isEqualTo(4);
        assertThat(manifest.get("seeds").get("init").asLong()).isNotZero();
        assertThat(RunDirectory.readResult(out)).isEqualTo(r);
    }

    @Test
    void sameSeedSameRun(@TempDir Path a, @TempDir Path b) throws IOException {
        run(spec("pytorch-default", 5, 1, 0.1), a, new ArrayList<>());
        run(spec("pytorch-default", 5, 1, 0.1), b, new ArrayList<>());
        ObjectMapper json = new ObjectMapper();
        JsonNode ma = json.readTree(Files.readAllLines(a.resolve(RunDirectory.METRICS)).get(0));
        JsonNode mb = json.readTree(Files.readAllLines(b.resolve(RunDirectory.METRICS)).get(0));
        assertThat(ma.get("trainLoss").asDouble()).isEqualTo(mb.get("trainLoss").asDouble());
        assertThat(ma.get("testLoss").asDouble()).isEqualTo(mb.get("testLoss").asDouble());
    }

    @Test
    void nanLossEndsTheRunAsDiverged(@TempDir Path out) throws IOException {
        Files.writeString(out.resolve(RunDirectory.SPEC), "{}"); // an earlier run that never finished
        List<String> notices = new ArrayList<>();
        RunResult r = run(spec("kaiming-normal", 1, 3, 1e30), out, notices);
        assertThat(r.status()).isEqualTo(RunResult.DIVERGED);
        assertThat(r.reason()).contains("loss");
        assertThat(notices).anyMatch(n -> n.startsWith("run diverged"))
                .anyMatch(n -> n.endsWith("holds an unfinished run of another spec; starting over"));
        assertThat(Files.readString(out.resolve(RunDirectory.SPEC))).contains("kaiming-normal");
        assertThat(RunDirectory.readResult(out).diverged()).isTrue();
    }

    /** A listener that aborts the run (as a kill would) at the first batch of epoch {@code stopAt}. */
    static TrainListener abortingAt(int stopAt) {
        return new TrainListener() {
            @Override
            public void notice(String line) {}

            @Override
            public void batch(int e, int es, int b, int bs, double l, double a, double ips, double eta) {
                if (e == stopAt) {
                    throw new IllegalStateException("interrupted");
                }
            }
        };
    }

    @Test
    void anInterruptedRunResumesToTheUninterruptedResult(@TempDir Path straight, @TempDir Path broken) throws IOException {
        TrainSpec spec = spec("kaiming-normal", 11, 3, 0.1);
        run(spec, straight, new ArrayList<>());

        TrainingRun first = TrainingRun.prepare(spec, new DatasetLocator(List.of(root), List.of(), null),
                InitRegistry.load(), abortingAt(2));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> first.run(RunDirectory.create(broken, false)))
                .hasMessage("interrupted");
        assertThat(Files.exists(broken.resolve(RunDirectory.RESULT))).isFalse();
        assertThat(Files.readAllLines(broken.resolve(RunDirectory.METRICS))).hasSize(1);
        // the epoch-2 line a kill could leave between checkpoint and append is dropped on resume
        Files.writeString(broken.resolve(RunDirectory.METRICS), "{\"epoch\":2}\n",
                java.nio.file.StandardOpenOption.APPEND);

        List<String> notices = new ArrayList<>();
        RunResult resumed = run(spec, broken, notices);
        assertThat(notices).anyMatch(n -> n.startsWith("resuming") && n.contains("after epoch 1 of 3"));
        RunResult plain = RunDirectory.readResult(straight);
        assertThat(resumed.bestTestAcc()).isEqualTo(plain.bestTestAcc());
        assertThat(resumed.finalTestAcc()).isEqualTo(plain.finalTestAcc());
        assertThat(RunFiles.metricsWithoutTimings(broken)).isEqualTo(RunFiles.metricsWithoutTimings(straight));
        assertThat(RunFiles.parameters(broken)).isEqualTo(RunFiles.parameters(straight));
        JsonNode manifest = new ObjectMapper().readTree(broken.resolve(RunDirectory.MANIFEST).toFile());
        assertThat(manifest.get("resumed").get(0).get("after_epoch").asInt()).isEqualTo(1);
    }

    @Test
    void aCorruptCheckpointStartsTheRunOver(@TempDir Path out) throws IOException {
        TrainSpec spec = spec("kaiming-normal", 12, 2, 0.1);
        TrainingRun first = TrainingRun.prepare(spec, new DatasetLocator(List.of(root), List.of(), null),
                InitRegistry.load(), abortingAt(2));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> first.run(RunDirectory.create(out, false)));
        byte[] bytes = Files.readAllBytes(out.resolve(Checkpoint.FILE));
        bytes[bytes.length / 2] ^= 1;
        Files.write(out.resolve(Checkpoint.FILE), bytes);
        List<String> notices = new ArrayList<>();
        RunResult r = run(spec, out, notices);
        assertThat(notices).anyMatch(n -> n.startsWith("cannot resume") && n.contains("CRC mismatch"));
        assertThat(r.epochsCompleted()).isEqualTo(2);
        assertThat(Files.readAllLines(out.resolve(RunDirectory.METRICS))).hasSize(2);
    }

    @Test
    void aRunStoppedMidEpochResumesAtThatStepToTheUninterruptedResult(@TempDir Path straight, @TempDir Path stopped)
            throws IOException {
        TrainSpec s = spec("orthogonal", 13, 3, 0.1);
        TrainSpec spec = s.withRecipe(s.recipe().withWarmupEpochs(2)); // stopped in the warm-up
        DatasetLocator data = new DatasetLocator(List.of(root), List.of(), null);
        TrainingRun.prepare(spec, data, InitRegistry.load(), line -> {}).withLayerStats(1)
                .run(RunDirectory.create(straight, false));

        StopRequest stop = new StopRequest();
        List<String> notices = new ArrayList<>();
        TrainListener signalAt2of5 = new TrainListener() {
            @Override
            public void notice(String line) {
                notices.add(line);
            }

            @Override
            public void batch(int e, int es, int b, int bs, double l, double a, double ips, double eta) {
                if (e == 2 && b == 2) {
                    stop.request("SIGUSR1"); // as the signal handler does, between two steps' work
                }
            }
        };
        RunResult first = TrainingRun.prepare(spec, data, InitRegistry.load(), signalAt2of5).withLayerStats(1)
                .stoppingOn(stop).run(RunDirectory.create(stopped, false));
        assertThat(first.interrupted()).isTrue();
        assertThat(first.reason()).isEqualTo("SIGUSR1");
        assertThat(first.epochsCompleted()).isEqualTo(1);
        assertThat(stopped.resolve(RunDirectory.RESULT)).doesNotExist();
        assertThat(notices).anyMatch(n -> n.startsWith("stopped (SIGUSR1) after epoch 1 and step 2/5 of the next"));
        assertThat(RunDirectory.readLayerStats(stopped)).hasSize(7);
        Checkpoint.State state = Checkpoint.readState(stopped.resolve(Checkpoint.FILE));
        assertThat(state.epoch()).isEqualTo(1);
        assertThat(state.partial().batches()).isEqualTo(2);
        assertThat(state.partial().seen()).isEqualTo(32);

        notices.clear();
        RunResult resumed = TrainingRun.prepare(spec, data, InitRegistry.load(), notices::add).withLayerStats(1)
                .run(RunDirectory.create(stopped, false));
        assertThat(notices).anyMatch(n -> n.startsWith("resuming") && n.endsWith("after epoch 1 of 3 and step 2 of the next"));
        assertThat(resumed.status()).isEqualTo(RunResult.DONE);
        assertThat(RunFiles.metricsWithoutTimings(stopped)).isEqualTo(RunFiles.metricsWithoutTimings(straight));
        assertThat(RunFiles.parameters(stopped)).isEqualTo(RunFiles.parameters(straight));
        assertThat(RunDirectory.readLayerStats(stopped)).isEqualTo(RunDirectory.readLayerStats(straight));
        JsonNode entry = new ObjectMapper().readTree(stopped.resolve(RunDirectory.MANIFEST).toFile()).get("resumed").get(0);
        assertThat(entry.get("after_epoch").asInt()).isEqualTo(1);
        assertThat(entry.get("and_steps").asInt()).isEqualTo(2);
    }

    @Test
    void aStopDuringEvaluationEndsTheRunAtThatEpochsCheckpoint(@TempDir Path out) throws IOException {
        TrainSpec spec = spec("kaiming-normal", 14, 3, 0.1);
        StopRequest stop = new StopRequest();
        TrainListener atEpochEnd = new TrainListener() {
            @Override
            public void notice(String line) {}

            @Override
            public void epoch(EpochMetrics m, int epochs) {
                stop.request("SIGTERM");
            }
        };
        RunResult r = TrainingRun.prepare(spec, new DatasetLocator(List.of(root), List.of(), null), InitRegistry.load(),
                atEpochEnd).stoppingOn(stop).run(RunDirectory.create(out, false));
        assertThat(r.interrupted()).isTrue();
        assertThat(r.epochsCompleted()).isEqualTo(1);
        assertThat(Files.readAllLines(out.resolve(RunDirectory.METRICS))).hasSize(1);
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            org.initbench.model.Network net = org.initbench.model.Models.build("resnet20", 1, 10, 0.25,
                    org.initbench.model.Norm.BN);
            org.initbench.model.Models.materialize(net, m);
            Checkpoint.State state = Checkpoint.read(out.resolve(Checkpoint.FILE), net.block(), m).state();
            assertThat(state.epoch()).isEqualTo(1);
            assertThat(state.partial()).isNull();
        }
    }

    @Test
    void aValidationRunEvaluatesOnHeldOutTrainingImagesAndNeverTrainsOnThem(@TempDir Path out) throws IOException {
        TrainSpec spec = new TrainSpec("resnet20", "fashion-mnist", "kaiming-normal", 3,
                Recipe.SEED.withEpochs(1).withBatchSize(16).withTestSubset(20).withWidth(0.25).withValidation(true));
        RunResult r = run(spec, out, new ArrayList<>());
        assertThat(r.status()).isEqualTo(RunResult.DONE);
        JsonNode manifest = new ObjectMapper().readTree(out.resolve(RunDirectory.MANIFEST).toFile());
        assertThat(manifest.get("test_images_used").asInt()).isEqualTo(20);
        assertThat(manifest.get("train_images_used").asInt()).isEqualTo(60);
        assertThat(manifest.get("evaluated_on").asText()).startsWith("validation: 20 images held out of the training split");
        assertThat(manifest.get("normalization").get("computed_from").asText()).isEqualTo("training split, 60 images");
        assertThat(manifest.get("seeds").has("validation")).isTrue();
        assertThat(Files.readString(out.resolve(RunDirectory.SPEC))).contains("\"validation\" : true");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Recipe.SEED.withValidation(true)).hasMessage(
                "--validation needs --test-subset N: the number of training images to hold out");
        assertThat(Files.readString(runTestSplit(new TrainSpec("resnet20", "fashion-mnist", "kaiming-normal", 3,
                Recipe.SEED.withEpochs(1).withBatchSize(16).withTestSubset(20).withWidth(0.25))).resolve(RunDirectory.SPEC))).doesNotContain("validation");
    }

    private Path runTestSplit(TrainSpec spec) throws IOException {
        Path dir = Files.createTempDirectory(root, "test-split");
        run(spec, dir, new ArrayList<>());
        return dir;
    }
}
