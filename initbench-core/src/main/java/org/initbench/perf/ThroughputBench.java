package org.initbench.perf;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.initbench.BadInputException;
import org.initbench.data.Batch;
import org.initbench.data.BatchInput;
import org.initbench.data.BatchLoader;
import org.initbench.data.BatchSource;
import org.initbench.data.ChannelStats;
import org.initbench.data.DatasetName;
import org.initbench.data.DeviceBatches;
import org.initbench.data.HostBatch;
import org.initbench.data.ImageSet;
import org.initbench.experiment.Manifest;
import org.initbench.experiment.Recipe;
import org.initbench.init.InitContext;
import org.initbench.init.InitRegistry;
import org.initbench.init.ResolvedInit;
import org.initbench.init.SampleBatch;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.initbench.train.Devices;
import org.initbench.train.Precision;
import org.initbench.train.Sgd;
import org.initbench.train.TrainStep;

/**
 * Throughput of the real training code path on synthetic data of a dataset's shape: train steps
 * ({@link TrainStep#train}: forward, backward, SGD), eval steps ({@link
 * TrainStep#eval}), the data pipeline alone ({@link BatchLoader}: decode, normalize, crop,
 * flip, batch), the init time of expensive schemes, and memory (peak RSS, RSS growth over the timed
 * train steps). Warm-up steps are excluded; each rate is measured {@code repeats} times and reported
 * as median, min and max.
 */
public final class ThroughputBench {
    private ThroughputBench() {}

    /**
     * @param batchSize images per step
     * @param warmup untimed steps before the measurements
     * @param steps timed steps per repetition
     * @param repeats repetitions of each timed measurement
     * @param width channel width multiplier (1 = the benchmark's models)
     * @param inits init specs whose time to apply is measured
     */
    public record Config(int batchSize, int warmup, int steps, int repeats, double width, List<String> inits,
            String precision) {
        /** Checks the precision ({@link Precision#parse}) and keeps its id. */
        public Config {
            precision = Precision.parse(precision).id();
        }

        /** As the canonical constructor, in fp32. */
        public Config(int batchSize, int warmup, int steps, int repeats, double width, List<String> inits) {
            this(batchSize, warmup, steps, repeats, width, inits, Precision.FP32.id());
        }
    }

    /** Images per second over the repetitions. */
    public record Rate(double median, double min, double max, int repeats) {
        static Rate of(double[] perRepeat) {
            double[] s = perRepeat.clone();
            Arrays.sort(s);
            double median = (s[(s.length - 1) / 2] + s[s.length / 2]) / 2;
            return new Rate(median, s[0], s[s.length - 1], s.length);
        }
    }

    /** Seconds to apply one init to a freshly built model. */
    public record InitTime(String init, double seconds) {}

    /**
     * One architecture's measurements; {@code forwardMacs} and {@code trainGflopPerImage} are the
     * {@link FlopCount} of the measured model for one image; {@code profile} is the op profile of the
     * train step, or null when none was asked for.
     */
    public record ArchResult(String arch, String dataset, long params, int batchSize, Rate train, Rate eval,
            Rate data, List<InitTime> inits, double peakRssMib, double rssGrowthMib, long forwardMacs,
            double trainGflopPerImage, OpProfile profile) {}

    /**
     * The machine's fp32 matrix-multiply rate: GFLOP/s ({@code 2n³} per product) of {@code n×n}
     * products through DJL ({@code NDArray.matMul}, libtorch's GEMM) on the engine's threads.
     */
    public record Gemm(int size, int productsPerRepeat, Rate gflops) {}

    /** Matrix side of the GEMM probe: three 4 MiB fp32 matrices, within the L3 cache of this machine class. */
    public static final int GEMM_SIZE = 1024;

    /** Measures {@code arch} on synthetic data shaped like {@code dataset}, on the CPU. */
    public static ArchResult run(String arch, DatasetName dataset, Config c, InitRegistry registry) {
        return run(arch, dataset, c, registry, Device.cpu(), null);
    }

    /**
     * Measures {@code arch} on {@code device}. On a GPU the steps take their batch as a training run
     * does there: gathered, cropped and flipped on the device from a resident split ({@link
     * DeviceBatches}); on the CPU they copy one host batch, as the host pipeline's batches are. With a
     * {@code profileTrace}, {@code steps} more train steps then run under libtorch's profiler ({@link
     * OpProfile}), which writes its Chrome trace there.
     */
    public static ArchResult run(String arch, DatasetName dataset, Config c, InitRegistry registry, Device device,
            Path profileTrace) {
        Network net = Models.build(arch, dataset.channels(), dataset.numClasses(), c.width());
        double[] train = new double[c.repeats()];
        double[] eval = new double[c.repeats()];
        double rssBefore;
        double rssAfter;
        OpProfile profile;
        try (NDManager root = NDManager.newBaseManager(device);
                DeviceBatches resident = device.isGpu()
                        ? DeviceBatches.upload(syntheticSet(c.batchSize(), dataset), statsOf(dataset), root) : null;
                BatchSource pass = resident != null ? resident.training(c.batchSize(), 5, 0) : null) {
            Batch batch = pass != null ? pass.next() : syntheticBatch(c.batchSize(), dataset, 1);
            Models.materialize(net, root);
            InitContext.apply(net, registry.resolve("kaiming-normal").strategy(), 1);
            Sgd sgd = new Sgd(net.trainableParameters(), Recipe.SEED.sgd(), root);
            ParameterStore ps = Precision.parse(c.precision()).store(net, root);
            for (int i = 0; i < c.warmup(); i++) {
                TrainStep.train(net, ps, sgd, root, batch, 0.01);
                TrainStep.eval(net, ps, root, batch);
            }
            rssBefore = Manifest.rssMib();
            for (int r = 0; r < c.repeats(); r++) {
                long t = System.nanoTime();
                for (int i = 0; i < c.steps(); i++) {
                    TrainStep.train(net, ps, sgd, root, batch, 0.01);
                }
                train[r] = rate(c, t);
            }
            rssAfter = Manifest.rssMib();
            for (int r = 0; r < c.repeats(); r++) {
                long t = System.nanoTime();
                for (int i = 0; i < c.steps(); i++) {
                    TrainStep.eval(net, ps, root, batch);
                }
                eval[r] = rate(c, t);
            }
            profile = profileTrace == null ? null : OpProfile.record(c.steps(),
                    () -> TrainStep.train(net, ps, sgd, root, batch, 0.01), profileTrace);
        } catch (IOException e) {
            throw new BadInputException("cannot read the profiler trace " + profileTrace + ": " + e.getMessage(), e);
        }
        FlopCount flops = FlopCount.of(net);
        return new ArchResult(arch, dataset.id(), net.parameterCount(), c.batchSize(), Rate.of(train),
                Rate.of(eval), dataRate(dataset, c), initTimes(arch, dataset, c, registry),
                Manifest.peakRssMib(), rssAfter - rssBefore, flops.forwardMacs(), flops.trainFlops() / 1e9,
                profile == null ? null : profile.withConvRates(flops.convMacs(), c.batchSize()));
    }

    /**
     * Measures the fp32 GEMM rate: {@code products} products of two Gaussian {@code n×n} matrices
     * per repetition after two untimed ones, median of {@code repeats}.
     */
    public static Gemm gemm(int n, int products, int repeats, Device device) {
        double[] rates = new double[repeats];
        try (NDManager m = NDManager.newBaseManager(device)) {
            NDArray a = m.randomNormal(new Shape(n, n));
            NDArray b = m.randomNormal(new Shape(n, n));
            for (int i = 0; i < 2; i++) {
                a.matMul(b).close();
            }
            a.sum().getFloat(); // waits for queued work on an asynchronous device
            for (int r = 0; r < repeats; r++) {
                long t = System.nanoTime();
                for (int i = 0; i < products; i++) {
                    a.matMul(b).close();
                }
                a.sum().getFloat();
                rates[r] = 2.0 * n * n * n * products / ((System.nanoTime() - t) / 1e9) / 1e9;
            }
        }
        return new Gemm(n, products, Rate.of(rates));
    }

    private static double rate(Config c, long startNanos) {
        return (double) c.steps() * c.batchSize() / ((System.nanoTime() - startNanos) / 1e9);
    }

    /** The data pipeline alone over {@code steps} batches of a synthetic split, per repetition. */
    private static Rate dataRate(DatasetName dataset, Config c) {
        int n = c.steps() * c.batchSize();
        ImageSet set = syntheticSet(n, dataset);
        ChannelStats stats = ChannelStats.of(set);
        double[] rates = new double[c.repeats()];
        for (int r = 0; r < c.repeats(); r++) {
            long t = System.nanoTime();
            try (BatchLoader loader = BatchLoader.training(set, stats, c.batchSize(), 5, r)) {
                while (loader.hasNext()) {
                    loader.next();
                }
            }
            rates[r] = n / ((System.nanoTime() - t) / 1e9);
        }
        return Rate.of(rates);
    }

    private static List<InitTime> initTimes(String arch, DatasetName dataset, Config c, InitRegistry registry) {
        List<InitTime> out = new ArrayList<>();
        for (String spec : c.inits()) {
            ResolvedInit init = registry.resolve(spec);
            Network net = Models.build(arch, dataset.channels(), dataset.numClasses(), c.width());
            try (NDManager m = NDManager.newBaseManager()) {
                Models.materialize(net, m);
                SampleBatch sample = SampleBatch.gaussian(c.batchSize(), dataset.channels(), 7);
                long t = System.nanoTime();
                InitContext.apply(net, init.strategy(), 1, sample);
                out.add(new InitTime(init.spec(), (System.nanoTime() - t) / 1e9));
            }
        }
        return out;
    }

    /** {@code n} random images of the dataset's shape with cyclic labels. */
    private static ImageSet syntheticSet(int n, DatasetName dataset) {
        int side = dataset.imageSize();
        byte[] pixels = new byte[n * dataset.channels() * side * side];
        new SplittableRandom(3).nextBytes(pixels);
        int[] labels = new int[n];
        Arrays.setAll(labels, i -> i % dataset.numClasses());
        return new ImageSet(pixels, labels, dataset.channels(), side, side, dataset.numClasses());
    }

    /** Uniform-byte statistics: mean 0.5, std about 0.29 per channel. */
    private static ChannelStats statsOf(DatasetName dataset) {
        double[] mean = new double[dataset.channels()];
        double[] std = new double[dataset.channels()];
        Arrays.fill(mean, 0.5);
        Arrays.fill(std, 0.29);
        return new ChannelStats(mean, std);
    }

    private static HostBatch syntheticBatch(int size, DatasetName dataset, long seed) {
        SampleBatch x = SampleBatch.gaussian(size, dataset.channels(), seed);
        int[] labels = new int[size];
        Arrays.setAll(labels, i -> i % dataset.numClasses());
        return new HostBatch(x.images(), labels, size, dataset.channels());
    }

    /** Versions, machine, threads and allocator the measurements were taken with. */
    public static java.util.Map<String, Object> environment() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("initbench_version", Manifest.version());
        m.putAll(Manifest.machine());
        m.put("input_memory_format", BatchInput.channelsLast() ? "channels-last" : "contiguous");
        return m;
    }

    /** {@link #environment()} with the device the measurements ran on. */
    public static java.util.Map<String, Object> environment(Device device) {
        java.util.Map<String, Object> m = environment();
        m.put("device", Devices.describe(device));
        return m;
    }

    /** A Markdown table of the results (img/s as median [min–max]). */
    public static String markdown(List<ArchResult> results) {
        StringBuilder b = new StringBuilder();
        b.append("| arch | data shape | params | batch | train img/s | eval img/s | data pipeline img/s | init s")
                .append(" | peak RSS MiB | RSS growth MiB |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (ArchResult r : results) {
            StringBuilder inits = new StringBuilder();
            r.inits().forEach(i -> inits.append(inits.length() == 0 ? "" : "; ")
                    .append(String.format(Locale.ROOT, "%s %.2f", i.init().replaceAll(":.*", ""), i.seconds())));
            b.append(String.format(Locale.ROOT, "| %s | %s | %,d | %d | %s | %s | %s | %s | %.0f | %.1f |%n",
                    r.arch(), r.dataset(), r.params(), r.batchSize(), fmt(r.train()), fmt(r.eval()), fmt(r.data()),
                    inits.length() == 0 ? "—" : inits, r.peakRssMib(), r.rssGrowthMib()));
        }
        return b.toString();
    }

    private static String fmt(Rate r) {
        return String.format(Locale.ROOT, "%.0f [%.0f–%.0f]", r.median(), r.min(), r.max());
    }
}
