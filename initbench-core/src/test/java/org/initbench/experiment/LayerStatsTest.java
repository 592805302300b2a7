package org.initbench.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.initbench.BadInputException;
import org.initbench.Seeds;
import org.initbench.data.BatchLoader;
import org.initbench.data.ChannelStats;
import org.initbench.data.DatasetLocator;
import org.initbench.data.DatasetName;
import org.initbench.data.HostBatch;
import org.initbench.data.LoadedDataset;
import org.initbench.init.InitContext;
import org.initbench.init.InitRegistry;
import org.initbench.model.LayerKind;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.initbench.model.Norm;
import org.initbench.testkit.FakeData;
import org.initbench.testkit.RunFiles;
import org.initbench.train.LayerStatsLog;
import org.initbench.train.LayerStatsRecord;
import org.initbench.train.TrainListener;
import org.initbench.train.TrainStep;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --log-layer-stats}: same training with and without, bounded well-formed file, resume. */
class LayerStatsTest {
    @TempDir static Path root;

    @BeforeAll
    static void fakeData() {
        FakeData.writeIdxDataset(root.resolve("fashion-mnist"), 80, 40, true, 7);
    }

    static TrainSpec spec(int batch, int epochs) {
        return new TrainSpec("resnet20", "fashion-mnist", "kaiming-normal", 13,
                Recipe.SEED.withEpochs(epochs).withBatchSize(batch).withWidth(0.25));
    }

    static TrainingRun prepare(TrainSpec spec, TrainListener listener) {
        return TrainingRun.prepare(spec, new DatasetLocator(List.of(root), List.of(), null), InitRegistry.load(),
                listener);
    }

    static RunResult run(TrainSpec spec, int every, Path out) throws IOException {
        return prepare(spec, TrainingRunTest.abortingAt(Integer.MAX_VALUE)).withLayerStats(every)
                .run(RunDirectory.create(out, false));
    }

    /** conv/linear layer paths of the run's model in inventory (depth) order. */
    static List<String> weightedLayers(TrainSpec s) {
        DatasetName d = DatasetName.parse(s.dataset());
        return Models.build(s.arch(), d.channels(), d.numClasses(), s.recipe().width(), Norm.BN).layers().stream()
                .filter(l -> l.kind() == LayerKind.CONV || l.kind() == LayerKind.LINEAR)
                .map(org.initbench.model.Layer::path).toList();
    }

    @Test
    void loggingLeavesTrainingBitForBitEqualAndWritesWellFormedRecords(@TempDir Path plain, @TempDir Path logged)
            throws IOException {
        TrainSpec spec = spec(16, 2); // 5 batches an epoch, 10 steps
        RunResult a = run(spec, 0, plain);
        RunResult b = run(spec, 2, logged);
        assertThat(b.bestTestAcc()).isEqualTo(a.bestTestAcc());
        assertThat(b.finalTestAcc()).isEqualTo(a.finalTestAcc());
        assertThat(RunFiles.metricsWithoutTimings(logged)).isEqualTo(RunFiles.metricsWithoutTimings(plain));
        assertThat(RunFiles.parameters(logged)).as("weights and BN running statistics")
                .isEqualTo(RunFiles.parameters(plain));
        assertThat(plain.resolve(RunDirectory.LAYER_STATS)).doesNotExist();

        List<String> layers = weightedLayers(spec);
        assertThat(layers).hasSize(22);
        List<String> lines = Files.readAllLines(logged.resolve(RunDirectory.LAYER_STATS));
        assertThat(lines).hasSize(5); // global steps 2, 4, 6, 8, 10
        ObjectMapper json = new ObjectMapper();
        List<LayerStatsRecord> recs = RunDirectory.readLayerStats(logged);
        assertThat(recs).extracting(LayerStatsRecord::globalStep).containsExactly(2L, 4L, 6L, 8L, 10L);
        assertThat(recs).extracting(LayerStatsRecord::epoch).containsExactly(1, 1, 2, 2, 2);
        assertThat(recs).extracting(LayerStatsRecord::step).containsExactly(2, 4, 1, 3, 5);
        for (int i = 0; i < recs.size(); i++) {
            LayerStatsRecord r = recs.get(i);
            JsonNode n = json.readTree(lines.get(i));
            List<String> keys = new ArrayList<>();
            n.get("gradNorm").fieldNames().forEachRemaining(keys::add);
            assertThat(keys).as("depth order in the file").isEqualTo(layers);
            assertThat(List.copyOf(r.actStd().keySet())).isEqualTo(layers);
            assertThat(r.gradNorm().values()).allSatisfy(v -> assertThat(v).isPositive().isFinite());
            assertThat(r.actStd().values()).allSatisfy(v -> assertThat(v).isPositive().isFinite());
            assertThat(r.loss()).isPositive();
            assertThat(n.has("scalar")).as("a BN net has no scalars").isFalse();
            assertThat(r.scalar()).isEmpty();
        }
        JsonNode manifest = json.readTree(logged.resolve(RunDirectory.MANIFEST).toFile());
        assertThat(manifest.get("layer_stats").get("every_steps_requested").asInt()).isEqualTo(2);
        assertThat(manifest.get("layer_stats").get("layers").size()).isEqualTo(22);
    }

    @Test
    void theFirstRecordEqualsAnIndependentForwardAndBackwardOfTheFirstStep(@TempDir Path out) throws IOException {
        TrainSpec spec = spec(40, 1); // 2 batches; every 1 step: the first record is of the initialized model
        run(spec, 1, out);
        LayerStatsRecord first = RunDirectory.readLayerStats(out).get(0);
        assertThat(first.globalStep()).isEqualTo(1L);

        LoadedDataset data = new DatasetLocator(List.of(root), List.of(), null).load(DatasetName.FASHION_MNIST, s -> { });
        HostBatch b;
        try (BatchLoader loader = BatchLoader.training(data.train(), ChannelStats.of(data.train()), 40,
                Seeds.derive(spec.seed(), "data"), 0)) {
            b = loader.next();
        }
        Network net = Models.build("resnet20", 1, 10, 0.25, Norm.BN);
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, InitRegistry.load().resolve(spec.init()).strategy(), Seeds.derive(spec.seed(), "init"),
                    null);
            NDArray x = b.arrays(m).get(0); // the run's own input memory format (channels-last by default)
            long[] labels = new long[b.size()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = b.labels()[i];
            }
            NDArray y = m.create(labels);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                loss = TrainStep.crossEntropy(net.block().forward(ps, new NDList(x), true).singletonOrThrow(), y, 10);
                gc.backward(loss);
            }
            assertThat(first.loss()).isEqualTo(loss.getFloat());
            for (org.initbench.model.Layer l : net.layers()) {
                if (l.kind() == LayerKind.CONV || l.kind() == LayerKind.LINEAR) {
                    double[] g = toDoubles(l.parameters().get("weight").getArray().getGradient().toFloatArray());
                    double norm = 0;
                    for (double v : g) {
                        norm += v * v;
                    }
                    assertThat((double) first.gradNorm().get(l.path())).as(l.path())
                            .isCloseTo(Math.sqrt(norm), org.assertj.core.api.Assertions.withinPercentage(1e-4));
                }
            }
            // the stem conv's output: conv1 applied to the batch with the initialized weights
            NDArray stem = ((ai.djl.nn.Block) net.layers().get(0).djlBlock()).forward(ps, new NDList(x), false)
                    .singletonOrThrow();
            double[] o = toDoubles(stem.toFloatArray());
            double mean = java.util.Arrays.stream(o).average().orElseThrow();
            double var = java.util.Arrays.stream(o).map(v -> (v - mean) * (v - mean)).average().orElseThrow();
            assertThat(net.layers().get(0).path()).isEqualTo("conv1");
            assertThat((double) first.actStd().get("conv1")).isCloseTo(Math.sqrt(var),
                    org.assertj.core.api.Assertions.withinPercentage(1e-4));
        }
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /**
     * A norm-free net logs Fixup's scalars: per scalar layer in depth order the value its forward used and its
     * gradient. The first step uses the init values (biases 0, multipliers 1); each later step's values are
     * the earlier ones after SGD (lr 0.1, momentum 0.9, wd 5e-4) with the logged gradients. Fixup's zero
     * classifier blocks every scalar gradient at the first step.
     */
    @Test
    void aNormFreeNetLogsItsScalarsValuesAndGradients(@TempDir Path out) throws IOException {
        TrainSpec spec = new TrainSpec("resnet20", "fashion-mnist", "fixup-original", 13,
                Recipe.SEED.withEpochs(1).withBatchSize(16).withWidth(0.25).withNorm("none"));
        run(spec, 1, out);
        List<String> scalars = Models.build("resnet20", 1, 10, 0.25, Norm.NONE).layers().stream()
                .filter(l -> l.kind().scalar()).map(org.initbench.model.Layer::path).toList();
        assertThat(scalars).hasSizeGreaterThan(20);
        List<LayerStatsRecord> recs = RunDirectory.readLayerStats(out);
        assertThat(recs).hasSize(5);
        LayerStatsRecord first = recs.get(0);
        LayerStatsRecord second = recs.get(1);
        LayerStatsRecord third = recs.get(2);
        assertThat(List.copyOf(first.scalar().keySet())).isEqualTo(scalars);
        assertThat(List.copyOf(first.scalarGrad().keySet())).isEqualTo(scalars);
        int moved = 0;
        for (String path : scalars) {
            float p0 = first.scalar().get(path);
            float g0 = first.scalarGrad().get(path);
            float p1 = second.scalar().get(path);
            float g1 = second.scalarGrad().get(path);
            assertThat(p0).as(path).isEqualTo(path.contains("scale") ? 1f : 0f);
            assertThat(g0).as(path).isZero();
            double buf0 = g0 + 5e-4 * p0;
            assertThat((double) p1).as(path).isCloseTo(p0 - 0.1 * buf0, within(1e-6));
            assertThat((double) third.scalar().get(path)).as(path)
                    .isCloseTo(p1 - 0.1 * (0.9 * buf0 + g1 + 5e-4 * p1), within(1e-6));
            moved += g1 != 0 ? 1 : 0;
        }
        // at the second step the trunk's scalars have a gradient; those inside a branch sit behind its zero conv2
        assertThat(moved).as("scalars with a gradient at the second step").isPositive();
        assertThat(second.scalarGrad().get("bias1")).as("the stem's bias").isNotZero();
        JsonNode manifest = new ObjectMapper().readTree(out.resolve(RunDirectory.MANIFEST).toFile());
        assertThat(manifest.get("layer_stats").get("scalars")).hasSize(scalars.size());
    }

    @Test
    void theFileIsBoundedPerEpoch() {
        assertThat(LayerStatsLog.MAX_RECORDS_PER_EPOCH).isEqualTo(16);
        for (int batches : new int[] {1, 5, 16, 17, 100, 391, 1000}) {
            for (int every : new int[] {1, 3, 50}) {
                int stride = Math.max(every, (batches + 15) / 16);
                for (int epoch = 0; epoch < 4; epoch++) {
                    int n = 0;
                    for (int b = 0; b < batches; b++) {
                        long g = (long) epoch * batches + b + 1;
                        if (g % stride == 0) {
                            n++;
                        }
                    }
                    assertThat(n).as("batches %d every %d epoch %d", batches, every, epoch)
                            .isLessThanOrEqualTo(LayerStatsLog.MAX_RECORDS_PER_EPOCH);
                }
            }
        }
    }

    @Test
    void aRunWithMoreStepsThanTheBoundKeepsAtMostTheBoundPerEpoch(@TempDir Path out) throws IOException {
        TrainSpec spec = spec(2, 1); // 40 batches, every 1 step asked: stride raised to 3
        run(spec, 1, out);
        Map<Integer, Long> perEpoch = RunDirectory.readLayerStats(out).stream()
                .collect(Collectors.groupingBy(LayerStatsRecord::epoch, Collectors.counting()));
        assertThat(perEpoch).containsOnlyKeys(1);
        assertThat(perEpoch.get(1)).isEqualTo(13L).isLessThanOrEqualTo(LayerStatsLog.MAX_RECORDS_PER_EPOCH);
        JsonNode m = new ObjectMapper().readTree(out.resolve(RunDirectory.MANIFEST).toFile());
        assertThat(m.get("layer_stats").get("max_records_per_epoch").asInt()).isEqualTo(16);
    }

    @Test
    void resumeDropsTheLinesAfterTheCheckpointAndEndsWithTheUninterruptedFile(@TempDir Path straight,
            @TempDir Path broken) throws IOException {
        TrainSpec spec = spec(16, 3);
        run(spec, 2, straight);
        TrainingRun first = prepare(spec, TrainingRunTest.abortingAt(2)).withLayerStats(2);
        assertThatThrownBy(() -> first.run(RunDirectory.create(broken, false))).hasMessage("interrupted");
        // aborted after the first step of epoch 2 (global step 6), whose record was written: it is of
        // the interrupted epoch, after the checkpoint; a kill can also leave a line cut short
        List<LayerStatsRecord> before = RunDirectory.readLayerStats(broken);
        assertThat(before).extracting(LayerStatsRecord::globalStep).containsExactly(2L, 4L, 6L);
        Files.writeString(broken.resolve(RunDirectory.LAYER_STATS), "{\"epoch\":2,\"step\":4,\"glob",
                StandardOpenOption.APPEND);
        RunResult resumed = prepare(spec, TrainingRunTest.abortingAt(Integer.MAX_VALUE)).withLayerStats(2)
                .run(RunDirectory.create(broken, false));
        assertThat(resumed.status()).isEqualTo(RunResult.DONE);
        assertThat(Files.readAllLines(broken.resolve(RunDirectory.LAYER_STATS)))
                .isEqualTo(Files.readAllLines(straight.resolve(RunDirectory.LAYER_STATS)));
        assertThat(RunFiles.parameters(broken)).isEqualTo(RunFiles.parameters(straight));
    }

    @Test
    void aNegativeIntervalIsBadInput() {
        assertThatThrownBy(() -> prepare(spec(16, 1), TrainingRunTest.abortingAt(1)).withLayerStats(-1))
                .isInstanceOf(BadInputException.class).hasMessageContaining("--log-layer-stats must be positive");
    }
}
