package org.initbench.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.initbench.Seeds;
import org.initbench.data.BatchLoader;
import org.initbench.data.ChannelStats;
import org.initbench.data.DatasetLocator;
import org.initbench.data.DatasetName;
import org.initbench.data.HostBatch;
import org.initbench.data.ImageSet;
import org.initbench.data.LoadedDataset;
import org.initbench.data.Subsets;
import org.initbench.init.InitContext;
import org.initbench.init.InitRegistry;
import org.initbench.init.ResolvedInit;
import org.initbench.init.SampleBatch;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.initbench.model.Norm;

/**
 * One training run, the seed's recipe in Java (design §5): data → model → init → SGD with a cosine
 * schedule → evaluation on the whole test split after every epoch. Our own loop on a {@link
 * ParameterStore} (DJL's {@code Trainer} rejects all-zero gradients), each batch in its own
 * sub-{@link NDManager} so memory stays flat. A NaN or infinite loss ends the run as {@code
 * diverged}. Must run on the thread that loaded the engine (grad mode off).
 */
public final class TrainingRun {
    /** Evaluation batch size; evaluation runs BN in eval mode, so it does not change results. */
    static final int EVAL_BATCH = 256;

    /** Width of the narrow copy on which {@link #prepare} dry-runs the init. */
    static final double PROBE_WIDTH = 0.125;

    private final TrainSpec spec;
    private final ResolvedInit init;
    private final LoadedDataset data;
    private final TrainListener listener;
    private final boolean dataDependentInit;

    private TrainingRun(TrainSpec spec, ResolvedInit init, LoadedDataset data, TrainListener listener,
            boolean dataDependentInit) {
        this.spec = spec;
        this.init = init;
        this.data = data;
        this.listener = listener;
        this.dataDependentInit = dataDependentInit;
    }

    /**
     * Resolves and validates everything that can be bad input (arch, dataset, init, data files)
     * before anything is written.
     *
     * @param spec the run; its init is replaced by the canonical spec string
     * @param locator where to look for the dataset
     */
    public static TrainingRun prepare(TrainSpec spec, DatasetLocator locator, InitRegistry registry,
            TrainListener listener) {
        DatasetName name = DatasetName.parse(spec.dataset());
        Norm norm = spec.norm() == null ? Models.defaultNorm(spec.arch()) : Norm.parse(spec.norm());
        Models.build(spec.arch(), name.channels(), name.numClasses(), spec.width(), norm);
        ResolvedInit init = registry.resolve(spec.init());
        probe(spec.arch(), name, norm, init);
        LoadedDataset data = locator.load(name, listener::notice);
        TrainSpec resolved = new TrainSpec(spec.arch(), name.id(), init.spec(), spec.seed(), spec.epochs(),
                spec.batchSize(), spec.lr(), spec.momentum(), spec.weightDecay(), spec.nesterov(),
                spec.trainSubset(), spec.testSubset(), spec.width(), norm.id());
        return new TrainingRun(resolved, init, data, listener, registry.provider(init.id()).dataDependent());
    }

    /**
     * The first batch of a training pass with its own derived seed ({@code init-batch}), for
     * data-dependent inits such as LSUV: the same pipeline (normalization, crop, flip) as training.
     */
    private SampleBatch sampleBatch(ImageSet train, ChannelStats stats) {
        try (BatchLoader loader = BatchLoader.training(train, stats, spec.batchSize(),
                Seeds.derive(spec.seed(), "init-batch"), 0)) {
            HostBatch b = loader.next();
            return new SampleBatch(b.images(), b.size(), b.channels(), HostBatch.SIDE, HostBatch.SIDE);
        }
    }

    /**
     * Lets the init refuse the model now, before anything is written (e.g. fixup-original on a BN
     * net): a dry run on a narrow copy of the same arch and norm; refusals depend on structure only,
     * so data-dependent inits get a Gaussian stand-in batch here.
     */
    private static void probe(String arch, DatasetName name, Norm norm, ResolvedInit init) {
        Network narrow = Models.build(arch, name.channels(), name.numClasses(), PROBE_WIDTH, norm);
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(narrow, m);
            InitContext.apply(narrow, init.strategy(), 0, SampleBatch.gaussian(4, name.channels(), 0));
        }
    }

    public TrainSpec spec() {
        return spec;
    }

    /** Runs to the end (or divergence), writing every file of the run into {@code dir}. */
    public RunResult run(RunDirectory dir) throws IOException {
        long start = System.nanoTime();
        Map<String, Long> seeds = new LinkedHashMap<>();
        for (String label : new String[] {"init", "data", "train-subset", "test-subset", "engine"}) {
            seeds.put(label, Seeds.derive(spec.seed(), label));
        }
        ImageSet train = data.train();
        ImageSet test = data.test();
        if (spec.trainSubset() > 0) {
            train = Subsets.classBalanced(train, spec.trainSubset(), seeds.get("train-subset"));
        }
        if (spec.testSubset() > 0) {
            test = Subsets.classBalanced(test, spec.testSubset(), seeds.get("test-subset"));
        }
        ChannelStats stats = ChannelStats.of(data.train());

        if (dir.holdsUnfinishedRun()) {
            listener.notice(dir.path() + " holds an unfinished run; starting it over");
        }
        dir.reset();
        dir.writeJson(RunDirectory.SPEC, spec);
        Map<String, Object> manifest = Manifest.collect(data, seeds);
        manifest.put("normalization", Map.of("mean", stats.mean(), "std", stats.std(),
                "computed_from", "training split, " + data.train().size() + " images"));
        manifest.put("train_images_used", train.size());
        manifest.put("test_images_used", test.size());
        dir.writeJson(RunDirectory.MANIFEST, manifest);

        Engine.getInstance().setRandomSeed((int) (long) seeds.get("engine"));
        Network net = Models.build(spec.arch(), data.name().channels(), data.name().numClasses(), spec.width(),
                Norm.parse(spec.norm()));
        try (NDManager root = NDManager.newBaseManager()) {
            Models.materialize(net, root);
            InitContext.apply(net, init.strategy(), seeds.get("init"),
                    dataDependentInit ? sampleBatch(train, stats) : null);
            Sgd sgd = new Sgd(net.trainableParameters(), spec.sgd(), root);
            ParameterStore ps = new ParameterStore(root, false);
            CosineSchedule schedule = new CosineSchedule(spec.lr(), spec.epochs());

            double best = 0;
            int bestEpoch = 0;
            double last = 0;
            List<Double> speeds = new ArrayList<>();
            for (int e = 0; e < spec.epochs(); e++) {
                long epochStart = System.nanoTime();
                double lr = schedule.lr(e);
                double lossSum = 0;
                long correct = 0;
                long seen = 0;
                try (BatchLoader loader = BatchLoader.training(train, stats, spec.batchSize(), seeds.get("data"), e)) {
                    int batches = loader.batchCount();
                    int b = 0;
                    while (loader.hasNext()) {
                        HostBatch batch = loader.next();
                        StepResult r = trainStep(net, ps, sgd, root, batch, lr);
                        if (!Float.isFinite(r.loss())) {
                            return finish(dir, RunResult.DIVERGED, "loss " + r.loss() + " at epoch " + (e + 1)
                                    + ", batch " + (b + 1), e, best, bestEpoch, last, start, speeds);
                        }
                        lossSum += (double) r.loss() * batch.size();
                        correct += r.correct();
                        seen += batch.size();
                        b++;
                        double elapsed = (System.nanoTime() - epochStart) / 1e9;
                        double perEpoch = elapsed / b * batches;
                        double eta = perEpoch * (spec.epochs() - e) - elapsed;
                        listener.batch(e + 1, spec.epochs(), b, batches, lossSum / seen, (double) correct / seen,
                                seen / elapsed, eta);
                    }
                }
                double trainSeconds = (System.nanoTime() - epochStart) / 1e9;
                double[] eval = evaluate(net, ps, root, test, stats);
                last = eval[1];
                if (!Double.isFinite(eval[0])) {
                    return finish(dir, RunResult.DIVERGED, "test loss " + eval[0] + " at epoch " + (e + 1),
                            e, best, bestEpoch, last, start, speeds);
                }
                if (last > best) {
                    best = last;
                    bestEpoch = e + 1;
                }
                speeds.add(seen / trainSeconds);
                EpochMetrics m = new EpochMetrics(e + 1, lr, lossSum / seen, (double) correct / seen, eval[0],
                        eval[1], best, (System.nanoTime() - epochStart) / 1e9, seen / trainSeconds);
                dir.appendMetrics(m);
                listener.epoch(m, spec.epochs());
            }
            return finish(dir, RunResult.DONE, null, spec.epochs(), best, bestEpoch, last, start, speeds);
        }
    }

    /** Loss of a training batch and its number of correct predictions. */
    record StepResult(float loss, long correct) {}

    /**
     * One SGD step on one batch, in its own sub-manager: forward in train mode, mean cross-entropy,
     * backward, then the update unless the loss is not finite.
     */
    static StepResult trainStep(Network net, ParameterStore ps, Sgd sgd, NDManager root, HostBatch batch, double lr) {
        try (NDManager step = root.newSubManager()) {
            NDArray x = images(step, batch);
            NDArray y = labels(step, batch);
            NDArray logits;
            NDArray loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                logits = net.block().forward(ps, new NDList(x), true).singletonOrThrow();
                loss = crossEntropy(logits, y, net.numClasses());
                gc.backward(loss);
            }
            float l = loss.getFloat();
            if (!Float.isFinite(l)) {
                return new StepResult(l, 0);
            }
            long correct = logits.argMax(1).eq(y).sum().getLong();
            sgd.step(lr);
            return new StepResult(l, correct);
        }
    }

    private RunResult finish(RunDirectory dir, String status, String reason, int epochs, double best, int bestEpoch,
            double last, long start, List<Double> speeds) throws IOException {
        double[] s = speeds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = s.length == 0 ? 0 : (s[(s.length - 1) / 2] + s[s.length / 2]) / 2;
        RunResult r = new RunResult(status, reason, epochs, best, bestEpoch, last,
                (System.nanoTime() - start) / 1e9, median, Manifest.peakRssMib());
        dir.writeJson(RunDirectory.RESULT, r);
        if (reason != null) {
            listener.notice("run diverged: " + reason);
        }
        return r;
    }

    /** Mean test loss and accuracy, BN in eval mode, no gradients. */
    private static double[] evaluate(Network net, ParameterStore ps, NDManager root, ImageSet test, ChannelStats stats) {
        double lossSum = 0;
        long correct = 0;
        long seen = 0;
        try (BatchLoader loader = BatchLoader.evaluation(test, stats, EVAL_BATCH)) {
            while (loader.hasNext()) {
                HostBatch batch = loader.next();
                StepResult r = evalStep(net, ps, root, batch);
                lossSum += (double) r.loss() * batch.size();
                correct += r.correct();
                seen += batch.size();
            }
        }
        return new double[] {lossSum / seen, (double) correct / seen};
    }

    /** Mean loss and correct predictions of one batch in eval mode (BN running statistics). */
    static StepResult evalStep(Network net, ParameterStore ps, NDManager root, HostBatch batch) {
        try (NDManager step = root.newSubManager()) {
            NDArray y = labels(step, batch);
            NDArray logits = net.block().forward(ps, new NDList(images(step, batch)), false).singletonOrThrow();
            return new StepResult(crossEntropy(logits, y, net.numClasses()).getFloat(),
                    logits.argMax(1).eq(y).sum().getLong());
        }
    }

    /** Mean cross-entropy of logits against integer labels, as {@code nn.CrossEntropyLoss()}. */
    public static NDArray crossEntropy(NDArray logits, NDArray labels, int numClasses) {
        return logits.logSoftmax(1).mul(labels.oneHot(numClasses)).sum(new int[] {1}).mean().neg();
    }

    private static NDArray images(NDManager m, HostBatch b) {
        return m.create(FloatBuffer.wrap(b.images()), new Shape(b.size(), b.channels(), HostBatch.SIDE, HostBatch.SIDE));
    }

    private static NDArray labels(NDManager m, HostBatch b) {
        long[] y = Arrays.stream(b.labels(), 0, b.size()).asLongStream().toArray();
        return m.create(y).toType(DataType.INT64, false);
    }
}
