package org.initbench.experiment;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.initbench.Seeds;
import org.initbench.data.Batch;
import org.initbench.data.BatchLoader;
import org.initbench.data.BatchSource;
import org.initbench.data.ChannelStats;
import org.initbench.data.DatasetLocator;
import org.initbench.data.DatasetName;
import org.initbench.data.HostBatch;
import org.initbench.data.ImageSet;
import org.initbench.data.LoadedDataset;
import org.initbench.data.SplitFeed;
import org.initbench.data.Subsets;
import org.initbench.init.InitContext;
import org.initbench.init.InitFile;
import org.initbench.init.InitProvenance;
import org.initbench.init.InitRegistry;
import org.initbench.init.ResolvedInit;
import org.initbench.init.SampleBatch;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.initbench.model.Norm;
import org.initbench.train.CosineSchedule;
import org.initbench.train.Devices;
import org.initbench.train.EpochMetrics;
import org.initbench.train.LayerStatsLog;
import org.initbench.train.Sgd;
import org.initbench.train.TrainListener;
import org.initbench.train.TrainStep;

/**
 * One training run, the seed's recipe in Java (design §5): data → model → init → SGD with a cosine
 * schedule → evaluation on the whole test split after every epoch. Our own loop on a {@link
 * ParameterStore} (DJL's {@code Trainer} rejects all-zero gradients), each batch in its own
 * sub-{@link NDManager} so memory stays flat. A NaN or infinite loss ends the run as {@code
 * diverged}. Must run on the thread that loaded the engine (grad mode off).
 *
 * <p>Over the 300-line guide on purpose: a run's life (validate, start or resume from the checkpoint, the
 * epoch loop with stop requests and divergence, the atomic result) reads top to bottom as one procedure;
 * the step itself is {@link org.initbench.train.TrainStep}.
 */
public final class TrainingRun {
    /** Evaluation batch size; evaluation runs BN in eval mode, so it does not change results. */
    static final int EVAL_BATCH = 256;

    /** Width of the narrow copy on which {@link #prepare} dry-runs the init. */
    static final double PROBE_WIDTH = 0.125;

    /**
     * The (arch, dataset, norm, init, file hash) whose probe passed in this JVM: a refusal depends on structure
     * only, so a sweep's cells that differ in seed or recipe are probed once (a {@code torch:} probe starts
     * Python).
     */
    private static final Set<String> PROBED = ConcurrentHashMap.newKeySet();

    private final TrainSpec spec;
    private final Recipe recipe;
    private final ResolvedInit init;
    private final LoadedDataset data;
    private final TrainListener listener;
    private final boolean dataDependentInit;
    private final Device device;
    private final boolean residentData;
    private final int layerStatsEvery;
    private final StopRequest stop;

    private TrainingRun(TrainSpec spec, ResolvedInit init, LoadedDataset data, TrainListener listener,
            boolean dataDependentInit, Device device, boolean residentData, int layerStatsEvery, StopRequest stop) {
        this.spec = spec;
        this.recipe = spec.recipe();
        this.init = init;
        this.data = data;
        this.listener = listener;
        this.dataDependentInit = dataDependentInit;
        this.device = device;
        this.residentData = residentData;
        this.layerStatsEvery = layerStatsEvery;
        this.stop = stop;
    }

    /**
     * This run on {@code device} (default: the CPU); on a GPU both splits live on the device and
     * are augmented and batched there ({@link SplitFeed}).
     */
    public TrainingRun on(Device device) {
        return on(device, device.isGpu());
    }

    /** As {@link #on(Device)}, choosing where the batches are prepared (tests: device data on the CPU). */
    TrainingRun on(Device device, boolean residentData) {
        return new TrainingRun(spec, init, data, listener, dataDependentInit, device, residentData, layerStatsEvery,
                stop);
    }

    /**
     * This run recording per-layer gradient norms and activation std every {@code everySteps} training
     * steps into {@link RunDirectory#LAYER_STATS} ({@link LayerStatsLog}: bounded, and the training
     * result is the same as without); 0 = off.
     */
    public TrainingRun withLayerStats(int everySteps) {
        if (everySteps < 0) {
            throw new org.initbench.BadInputException("--log-layer-stats must be positive (every N steps), got "
                    + everySteps);
        }
        return new TrainingRun(spec, init, data, listener, dataDependentInit, device, residentData, everySteps, stop);
    }

    /**
     * This run stopping when {@code request} is made: after the current training step it writes a
     * checkpoint holding its position in the epoch and returns {@link RunResult#INTERRUPTED} without a
     * {@code result.json}; running it again resumes there, to the result an uninterrupted run gives.
     */
    public TrainingRun stoppingOn(StopRequest request) {
        return new TrainingRun(spec, init, data, listener, dataDependentInit, device, residentData, layerStatsEvery,
                request);
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
        TrainSpec resolved = validate(spec, registry);
        LoadedDataset data = locator.load(DatasetName.parse(resolved.dataset()), listener::notice);
        return create(resolved, data, registry, listener);
    }

    /**
     * As {@link #prepare(TrainSpec, DatasetLocator, InitRegistry, TrainListener)} on a dataset that is
     * already loaded (a sweep loads each dataset once for all its cells).
     */
    public static TrainingRun prepare(TrainSpec spec, LoadedDataset data, InitRegistry registry,
            TrainListener listener) {
        TrainSpec resolved = validate(spec, registry);
        if (data.name() != DatasetName.parse(resolved.dataset())) {
            throw new IllegalArgumentException("loaded " + data.name().id() + " for a run on " + resolved.dataset());
        }
        return create(resolved, data, registry, listener);
    }

    private static TrainingRun create(TrainSpec resolved, LoadedDataset data, InitRegistry registry,
            TrainListener listener) {
        ResolvedInit init = registry.resolve(resolved.init());
        return new TrainingRun(resolved, init, data, listener, init.dataDependent(),
                Device.cpu(), false, 0, new StopRequest());
    }

    /**
     * Checks everything about {@code spec} that can be bad input without touching data (arch,
     * dataset name, norm, branch scalar, init spec and whether the init accepts the model) and returns it resolved:
     * the canonical arch id ({@code vgg16bn} → {@code vgg16}), the canonical init spec and the arch's
     * own norm where none is given.
     */
    public static TrainSpec validate(TrainSpec spec, InitRegistry registry) {
        DatasetName name = DatasetName.parse(spec.dataset());
        Recipe r = spec.recipe();
        Norm norm = r.norm() == null ? Models.defaultNorm(spec.arch()) : Norm.parse(r.norm());
        Models.build(spec.arch(), name.channels(), name.numClasses(), r.width(), norm, r.branchScalar());
        ResolvedInit init = registry.resolve(spec.init());
        String probeKey = String.join("|", Models.canonicalId(spec.arch()), name.id(), norm.id(),
                String.valueOf(r.branchScalar()), init.spec(), init.source() == null ? "" : init.source().sha256());
        if (!PROBED.contains(probeKey)) {
            probe(spec.arch(), name, norm, r.branchScalar(), init);
            PROBED.add(probeKey);
        }
        return new TrainSpec(Models.canonicalId(spec.arch()), name.id(), init.spec(), spec.seed(),
                init.source() == null ? null : init.source().sha256(), r.withNorm(norm.id()));
    }

    /**
     * The first batch of a training pass with its own derived seed ({@code init-batch}), for
     * data-dependent inits such as LSUV: the same pipeline (normalization, crop, flip) as training.
     */
    private static SampleBatch sampleBatch(ImageSet train, ChannelStats stats, int batchSize, long seed) {
        try (BatchLoader loader = BatchLoader.training(train, stats, batchSize, Seeds.derive(seed, "init-batch"), 0)) {
            HostBatch b = loader.next();
            return new SampleBatch(b.images(), b.labels(), b.size(), b.channels(), HostBatch.SIDE, HostBatch.SIDE);
        }
    }

    /**
     * The sample batch the run of a {@linkplain #validate validated} spec gives a data-dependent init: the first
     * batch of a training pass over the run's own training images ({@link Split#of}, as {@link #run} prepares them).
     */
    public static SampleBatch sampleBatch(TrainSpec resolved, LoadedDataset data) {
        if (data.name() != DatasetName.parse(resolved.dataset())) {
            throw new IllegalArgumentException("loaded " + data.name().id() + " for a run on " + resolved.dataset());
        }
        Split split = Split.of(data, resolved.recipe(), resolved.seed());
        return sampleBatch(split.train(), split.stats(), resolved.recipe().batchSize(), resolved.seed());
    }

    /**
     * A run's training and test images and the statistics it normalizes by: with a validation split, the test set
     * is held out of the training split (which loses it); the statistics are the training split's; then the
     * class-balanced subsets, if any.
     */
    record Split(ImageSet train, ImageSet test, ChannelStats stats) {
        static Split of(LoadedDataset data, Recipe recipe, long seed) {
            ImageSet train = data.train();
            ImageSet test = data.test();
            if (recipe.validation()) {
                Subsets.HeldOut split = Subsets.holdOut(train, recipe.testSubset(), Seeds.derive(seed, "validation"));
                train = split.rest();
                test = split.heldOut();
            }
            ChannelStats stats = ChannelStats.of(train); // the training split, less any held-out images
            if (recipe.trainSubset() > 0) {
                train = Subsets.classBalanced(train, recipe.trainSubset(), Seeds.derive(seed, "train-subset"));
            }
            if (recipe.testSubset() > 0 && !recipe.validation()) {
                test = Subsets.classBalanced(test, recipe.testSubset(), Seeds.derive(seed, "test-subset"));
            }
            return new Split(train, test, stats);
        }
    }

    /**
     * Lets the init refuse the model now, before anything is written (e.g. fixup-original on a BN
     * net): a dry run on a narrow copy of the same arch and norm; refusals depend on structure only,
     * so data-dependent inits get a Gaussian stand-in batch here.
     */
    private static void probe(String arch, DatasetName name, Norm norm, boolean branchScalar, ResolvedInit init) {
        Network narrow = Models.build(arch, name.channels(), name.numClasses(), PROBE_WIDTH, norm, branchScalar);
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(narrow, m);
            InitContext.dryRun(narrow, init.strategy(), 0, SampleBatch.gaussian(4, name.channels(), 0));
        }
    }

    public TrainSpec spec() {
        return spec;
    }

    /**
     * Keeps a copy of the init's file in the run directory ({@link RunDirectory#INIT_FILE}) and returns what
     * the manifest records of it: language, path, SHA-256, the copy, and what the init reports of itself
     * (a {@code torch:} init: Python and torch versions).
     */
    private Map<String, Object> initFile(RunDirectory dir) throws IOException {
        InitFile f = init.source();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("language", f.kind().prefix());
        out.put("path", f.path().toString());
        out.put("sha256", f.sha256());
        out.put("copy", dir.keepInitFile(f.path()).toString());
        if (init.strategy() instanceof InitProvenance p) {
            out.putAll(p.provenance());
        }
        return out;
    }

    /**
     * The network of a {@linkplain #validate validated} spec, built (not materialized) as its run builds it: the
     * dataset's channels and classes, the recipe's width, norm and branch scalar.
     */
    public static Network network(TrainSpec resolved) {
        DatasetName name = DatasetName.parse(resolved.dataset());
        return Models.build(resolved.arch(), name.channels(), name.numClasses(), resolved.recipe().width(),
                Norm.parse(resolved.recipe().norm()), resolved.recipe().branchScalar());
    }

    /**
     * Initializes a materialized {@link #network} as its run does at the start: {@code init} drawn from the
     * run's init seed, {@code Seeds.derive(seed, "init")}; so these are the run's initial weights.
     *
     * @param sampleBatch the run's sample batch for a data-dependent init; else null
     */
    public static void initialize(Network net, TrainSpec resolved, ResolvedInit init, SampleBatch sampleBatch) {
        InitContext.apply(net, init.strategy(), Seeds.derive(resolved.seed(), "init"), sampleBatch);
    }

    /**
     * Runs to the end (or divergence, or a stop request: see {@link #stoppingOn}), writing every file of
     * the run into {@code dir}. An unfinished
     * run of the same spec there resumes from its checkpoint (the last completed epoch) to the result
     * an uninterrupted run gives; an unfinished run without a usable checkpoint, or of another spec,
     * starts over (with a notice).
     */
    public RunResult run(RunDirectory dir) throws IOException {
        long start = System.nanoTime();
        Map<String, Long> seeds = new LinkedHashMap<>();
        for (String label : new String[] {"init", "data", "train-subset", "test-subset", "engine"}) {
            seeds.put(label, Seeds.derive(spec.seed(), label));
        }
        if (recipe.validation()) {
            seeds.put("validation", Seeds.derive(spec.seed(), "validation"));
        }
        Split split = Split.of(data, recipe, spec.seed());
        ImageSet train = split.train();
        ImageSet test = split.test();
        ChannelStats stats = split.stats();

        Engine.getInstance().setRandomSeed((int) (long) seeds.get("engine"));
        Network net = network(spec);
        try (NDManager root = NDManager.newBaseManager(device);
                SplitFeed feed = SplitFeed.open(residentData, train, test, stats, root)) {
            Models.materialize(net, root);
            Sgd sgd = new Sgd(net.trainableParameters(), recipe.sgd(), root);
            Checkpoint.State state = resume(dir, net, sgd, root);
            LayerStatsLog layerStats = layerStatsEvery > 0 ? new LayerStatsLog(net, layerStatsEvery) : null;
            if (state == null) {
                // init first: a user's init that fails (java:, torch:) leaves the directory as it was
                initialize(net, spec, init,
                        dataDependentInit ? sampleBatch(train, stats, recipe.batchSize(), spec.seed()) : null);
                dir.reset();
                dir.writeJson(RunDirectory.SPEC, spec);
                Map<String, Object> manifest = Manifest.collect(data, seeds);
                int statsImages = data.train().size() - (recipe.validation() ? test.size() : 0);
                manifest.put("normalization", Map.of("mean", stats.mean(), "std", stats.std(),
                        "computed_from", "training split, " + statsImages + " images"));
                manifest.put("train_images_used", train.size());
                manifest.put("test_images_used", test.size());
                manifest.put("evaluated_on", recipe.validation()
                        ? "validation: " + test.size() + " images held out of the training split, never trained on"
                        : "test split");
                manifest.put("device", Devices.describe(device));
                manifest.put("precision", recipe.precision());
                manifest.put("batches_prepared_on", feed.placement());
                if (layerStats != null) {
                    manifest.put("layer_stats", layerStats.describe());
                }
                if (init.source() != null) {
                    manifest.put("init_file", initFile(dir));
                }
                dir.writeJson(RunDirectory.MANIFEST, manifest);
                state = new Checkpoint.State(0, 0, 0, 0, 0, List.of());
            }
            recipe.precisionMode().hardwareNotice(device, listener::notice);
            ParameterStore ps = recipe.precisionMode().store(net, root);
            CosineSchedule schedule = recipe.schedule();

            double best = state.best();
            int bestEpoch = state.bestEpoch();
            double last = state.last();
            double before = state.elapsedSeconds();
            List<EpochMetrics> history = new ArrayList<>(state.metrics());
            Checkpoint.Partial partial = state.partial();
            for (int e = state.epoch(); e < recipe.epochs(); e++) {
                long epochStart = System.nanoTime();
                double lr = schedule.lr(e); // the epoch's cosine rate, the peak of its steps under warm-up
                double lossSum = partial == null ? 0 : partial.lossSum();
                long correct = partial == null ? 0 : partial.correct();
                long seen = partial == null ? 0 : partial.seen();
                double earlier = partial == null ? 0 : partial.trainSeconds(); // this epoch, in an earlier attempt
                int b = partial == null ? 0 : partial.batches();
                partial = null;
                try (BatchSource loader = feed.training(recipe.batchSize(), seeds.get("data"), e)) {
                    int batches = loader.batchCount();
                    for (int skip = 0; skip < b; skip++) {
                        loader.next(); // done before the stop; the epoch's plan is fixed, so skipping keeps it
                    }
                    while (loader.hasNext()) {
                        Batch batch = loader.next();
                        LayerStatsLog.Step probe = layerStats == null ? null : layerStats.stepOrNull(e, b, batches);
                        TrainStep.Result r =
                                TrainStep.train(net, ps, sgd, root, batch, schedule.lr(e, b, batches), probe);
                        if (!Float.isFinite(r.loss())) {
                            return finish(dir, RunResult.DIVERGED, "loss " + r.loss() + " at epoch " + (e + 1)
                                    + ", batch " + (b + 1), e, best, bestEpoch, last, before, start, history);
                        }
                        if (probe != null) {
                            dir.appendLayerStats(probe.record());
                        }
                        lossSum += (double) r.loss() * batch.size();
                        correct += r.correct();
                        seen += batch.size();
                        b++;
                        double elapsed = earlier + (System.nanoTime() - epochStart) / 1e9;
                        double perEpoch = elapsed / b * batches;
                        double eta = perEpoch * (recipe.epochs() - e) - elapsed;
                        listener.batch(e + 1, recipe.epochs(), b, batches, lossSum / seen, (double) correct / seen,
                                seen / elapsed, eta);
                        if (stop.requested()) {
                            Checkpoint.write(dir.checkpoint(), new Checkpoint.State(e, best, bestEpoch, last,
                                    before + (System.nanoTime() - start) / 1e9, history,
                                    new Checkpoint.Partial(b, lossSum, correct, seen, elapsed)),
                                    net.block(), sgd.state());
                            return interrupted(dir, e, b, batches, best, bestEpoch, last, before, start);
                        }
                    }
                }
                double trainSeconds = earlier + (System.nanoTime() - epochStart) / 1e9;
                double[] eval = TrainStep.evaluate(net, ps, root, feed.evaluation(EVAL_BATCH));
                last = eval[1];
                if (!Double.isFinite(eval[0])) {
                    return finish(dir, RunResult.DIVERGED, "test loss " + eval[0] + " at epoch " + (e + 1),
                            e, best, bestEpoch, last, before, start, history);
                }
                if (last > best) {
                    best = last;
                    bestEpoch = e + 1;
                }
                EpochMetrics m = new EpochMetrics(e + 1, lr, lossSum / seen, (double) correct / seen, eval[0],
                        eval[1], best, earlier + (System.nanoTime() - epochStart) / 1e9, seen / trainSeconds);
                history.add(m);
                Checkpoint.write(dir.checkpoint(), new Checkpoint.State(e + 1, best, bestEpoch, last,
                        before + (System.nanoTime() - start) / 1e9, history), net.block(), sgd.state());
                dir.appendMetrics(m);
                listener.epoch(m, recipe.epochs());
                if (stop.requested() && e + 1 < recipe.epochs()) {
                    return interrupted(dir, e + 1, 0, 0, best, bestEpoch, last, before, start);
                }
            }
            return finish(dir, RunResult.DONE, null, recipe.epochs(), best, bestEpoch, last, before, start, history);
        }
    }

    /**
     * Restores an unfinished run of this spec from its checkpoint into {@code net} and {@code sgd}, and
     * {@code metrics.jsonl} to the checkpoint's epochs; null when there is nothing to resume (a fresh
     * directory, another spec, or a missing or unreadable checkpoint, each said in a notice).
     */
    private Checkpoint.State resume(RunDirectory dir, Network net, Sgd sgd, NDManager root) throws IOException {
        if (!dir.holdsUnfinishedRun()) {
            return null;
        }
        if (!dir.holdsSpec(spec)) {
            listener.notice(dir.path() + " holds an unfinished run of another spec; starting over");
            return null;
        }
        if (!Files.exists(dir.checkpoint())) {
            listener.notice(dir.path() + " holds an unfinished run without a checkpoint; starting over");
            return null;
        }
        try {
            Checkpoint.Loaded loaded = Checkpoint.read(dir.checkpoint(), net.block(), root);
            sgd.loadState(loaded.optimizer());
            Checkpoint.State state = loaded.state();
            dir.rewriteMetrics(state.metrics());
            int steps = state.partial() == null ? 0 : state.partial().batches();
            dir.truncateLayerStats(state.epoch(), steps);
            dir.recordResume(state.epoch(), steps);
            listener.notice("resuming " + dir.path() + " after epoch " + state.epoch() + " of " + recipe.epochs()
                    + (steps > 0 ? " and step " + steps + " of the next" : ""));
            return state;
        } catch (IOException | RuntimeException e) {
            listener.notice("cannot resume " + dir.path() + " (" + e.getMessage() + "); starting over");
            return null;
        }
    }

    /** The result of a run a stop request ended after a checkpoint; nothing is written but the notice. */
    private RunResult interrupted(RunDirectory dir, int epochs, int steps, int batches, double best, int bestEpoch,
            double last, double before, long start) {
        listener.notice("stopped (" + stop.reason() + ") after epoch " + epochs
                + (steps > 0 ? " and step " + steps + "/" + batches + " of the next" : "")
                + "; checkpoint written, " + dir.path() + " resumes from there");
        return new RunResult(RunResult.INTERRUPTED, stop.reason(), epochs, best, bestEpoch, last,
                before + (System.nanoTime() - start) / 1e9, 0, Manifest.peakRssMib());
    }

    private RunResult finish(RunDirectory dir, String status, String reason, int epochs, double best, int bestEpoch,
            double last, double before, long start, List<EpochMetrics> history) throws IOException {
        double[] s = history.stream().mapToDouble(EpochMetrics::trainImagesPerSecond).sorted().toArray();
        double median = s.length == 0 ? 0 : (s[(s.length - 1) / 2] + s[s.length / 2]) / 2;
        RunResult r = new RunResult(status, reason, epochs, best, bestEpoch, last,
                before + (System.nanoTime() - start) / 1e9, median, Manifest.peakRssMib());
        dir.writeJson(RunDirectory.RESULT, r);
        if (reason != null) {
            listener.notice("run diverged: " + reason);
        }
        return r;
    }
}
