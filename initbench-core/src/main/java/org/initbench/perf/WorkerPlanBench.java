package org.initbench.perf;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.initbench.data.BatchInput;
import org.initbench.data.DatasetName;
import org.initbench.data.HostBatch;
import org.initbench.experiment.Recipe;
import org.initbench.init.InitContext;
import org.initbench.init.InitRegistry;
import org.initbench.init.SampleBatch;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.initbench.train.Sgd;
import org.initbench.train.TrainStep;

/**
 * Worker plans measured (how a sweep splits the cores between parallel runs; stored by {@link
 * WorkerPlan}): {@code k} child JVMs, each training with {@code cores/k} intra-op threads
 * (one inter-op thread) on synthetic data through the real train step ({@link TrainStep#train}
 * with {@link Sgd}), all released together after their warm-up; total images/s = all timed images
 * over the span from the first start to the last end. The children inherit this JVM's class path,
 * environment (allocator preload) and the input memory format ({@code initbench.channelsLast}).
 */
public final class WorkerPlanBench {
    /** One plan's result: workers × threads each, total img/s and each worker's own img/s. */
    public record Measurement(int workers, int threadsPerWorker, double imagesPerSecond, List<Double> perWorker) {}

    /**
     * What to train.
     *
     * @param arch architecture
     * @param dataset data shape
     * @param batchSize images per step
     * @param warmup untimed steps per worker
     * @param steps timed steps per worker
     * @param width channel width multiplier
     */
    public record Config(String arch, DatasetName dataset, int batchSize, int warmup, int steps, double width) {}

    private WorkerPlanBench() {}

    /** The plans worth comparing on {@code cores} cores: 1 × cores, 2 × cores/2 (cores ≥ 4, even), cores × 1. */
    public static List<int[]> candidates(int cores) {
        List<int[]> out = new ArrayList<>();
        out.add(new int[] {1, cores});
        if (cores >= 4 && cores % 2 == 0) {
            out.add(new int[] {2, cores / 2});
        }
        if (cores > 1) {
            out.add(new int[] {cores, 1});
        }
        return out;
    }

    /** Measures {@code workers} children with {@code threads} intra-op threads each. */
    public static Measurement measure(Config c, int workers, int threads) throws IOException, InterruptedException {
        List<Process> children = new ArrayList<>();
        try {
            for (int i = 0; i < workers; i++) {
                children.add(new ProcessBuilder(command(c, threads))
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start());
            }
            List<BufferedReader> outs = new ArrayList<>();
            for (Process p : children) {
                BufferedReader r =
                        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                outs.add(r);
                expect(r, "ready");
            }
            for (Process p : children) {
                Writer w = new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
                w.write("go\n");
                w.flush();
            }
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            long images = 0;
            List<Double> per = new ArrayList<>();
            for (BufferedReader r : outs) {
                long[] v = Arrays.stream(expect(r, "done").split(" ")).skip(1).mapToLong(Long::parseLong).toArray();
                first = Math.min(first, v[0]);
                last = Math.max(last, v[1]);
                images += v[2];
                per.add(v[2] / ((v[1] - v[0]) / 1e3));
            }
            for (Process p : children) {
                p.waitFor();
            }
            return new Measurement(workers, threads, images / ((last - first) / 1e3), List.copyOf(per));
        } finally {
            children.forEach(Process::destroy);
        }
    }

    private static String expect(BufferedReader r, String prefix) throws IOException {
        String line;
        while ((line = r.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new IOException("worker-plan worker ended without '" + prefix + "'");
    }

    private static List<String> command(Config c, int threads) {
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java, "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=" + threads, "-Dai.djl.pytorch.num_interop_threads=1",
                "-Dinitbench.channelsLast=" + BatchInput.channelsLast(), "-cp", System.getProperty("java.class.path"),
                WorkerPlanBench.class.getName(), c.arch(), c.dataset().id(), Integer.toString(c.batchSize()),
                Integer.toString(c.warmup()), Integer.toString(c.steps()), Double.toString(c.width())));
        return cmd;
    }

    /**
     * The worker: {@code arch dataset batch warmup steps width}; prints {@code ready} after the
     * warm-up, waits for a line on stdin, trains the timed steps and prints {@code done startMs endMs
     * images}.
     */
    public static void main(String[] args) throws IOException {
        PrintStream out = System.out;
        DatasetName ds = DatasetName.parse(args[1]);
        int batch = Integer.parseInt(args[2]);
        int warmup = Integer.parseInt(args[3]);
        int steps = Integer.parseInt(args[4]);
        Network net = Models.build(args[0], ds.channels(), ds.numClasses(), Double.parseDouble(args[5]));
        SampleBatch x = SampleBatch.gaussian(batch, ds.channels(), 1);
        int[] labels = new int[batch];
        Arrays.setAll(labels, i -> i % ds.numClasses());
        HostBatch b = new HostBatch(x.images(), labels, batch, ds.channels());
        try (NDManager root = NDManager.newBaseManager()) {
            Models.materialize(net, root);
            InitContext.apply(net, InitRegistry.load().resolve("kaiming-normal").strategy(), 1);
            Sgd sgd = new Sgd(net.trainableParameters(), Recipe.SEED.sgd(), root);
            ParameterStore ps = new ParameterStore(root, false);
            for (int i = 0; i < warmup; i++) {
                TrainStep.train(net, ps, sgd, root, b, 0.01);
            }
            out.println("ready");
            out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            long start = System.currentTimeMillis();
            for (int i = 0; i < steps; i++) {
                TrainStep.train(net, ps, sgd, root, b, 0.01);
            }
            long end = System.currentTimeMillis();
            out.println("done " + start + " " + end + " " + (long) steps * batch);
            out.flush();
        }
    }
}
