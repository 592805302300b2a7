package org.initbench.cli;

import ai.djl.Device;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.initbench.BadInputException;
import org.initbench.data.DatasetLocator;
import org.initbench.experiment.RunDirectory;
import org.initbench.experiment.RunResult;
import org.initbench.experiment.StopRequest;
import org.initbench.experiment.TrainSpec;
import org.initbench.experiment.TrainingRun;
import org.initbench.init.InitRegistry;
import org.initbench.model.Models;
import org.initbench.train.Devices;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code initbench train}: one run of the seed's recipe, with every file of the run on disk. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Train one model with one init (the seed's recipe: SGD lr 0.1, momentum 0.9, "
                + "wd 5e-4, batch 128, cosine, 200 epochs, random crop + flip).")
public final class TrainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--arch", defaultValue = "resnet20",
            description = "Architecture (see `initbench models`); default ${DEFAULT-VALUE}.")
    String arch;

    @Option(names = "--dataset", defaultValue = "cifar10",
            description = "cifar10, cifar100, fashion-mnist or mnist; default ${DEFAULT-VALUE}.")
    String dataset;

    @Option(names = "--seed", defaultValue = "42", description = "Run seed; default ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--init", defaultValue = "pytorch-default", description = "Init spec, e.g."
            + " kaiming-normal:mode=fan_out (see `initbench inits`); default ${DEFAULT-VALUE}.")
    String init;

    @Option(names = "--epochs", defaultValue = "" + TrainSpec.DEFAULT_EPOCHS,
            description = "Epochs (cosine period); default ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "" + TrainSpec.DEFAULT_BATCH_SIZE,
            description = "Batch size; default ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--lr", defaultValue = "" + TrainSpec.DEFAULT_LR,
            description = "Initial learning rate; default ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--momentum", defaultValue = "" + TrainSpec.DEFAULT_MOMENTUM,
            description = "SGD momentum; default ${DEFAULT-VALUE}.")
    double momentum;

    @Option(names = "--weight-decay", defaultValue = "" + TrainSpec.DEFAULT_WEIGHT_DECAY,
            description = "Weight decay on every parameter; default ${DEFAULT-VALUE}.")
    double weightDecay;

    @Option(names = "--nesterov", description = "Nesterov momentum.")
    boolean nesterov;

    @Option(names = "--train-subset", defaultValue = "0",
            description = "Class-balanced training subset size (0 = all).")
    int trainSubset;

    @Option(names = "--test-subset", defaultValue = "0", description = "Class-balanced test subset size (0 = all).")
    int testSubset;

    @Option(names = "--validation", description = "Evaluate on --test-subset images held out of the training split"
            + " (never trained on) instead of the test split: for tuning a choice without touching the test split.")
    boolean validation;

    @Option(names = "--fixup-scalar-lr", description = "Fixup's own recipe: train the scalar biases and multipliers"
            + " of a --norm none ResNet (every one-element parameter) at lr/10, as Fixup's official code does;"
            + " default off (the seed's recipe: one lr for every parameter).")
    boolean fixupScalarLr;

    @Option(names = "--warmup-epochs", paramLabel = "W", defaultValue = "0", description = "Warm the learning rate up"
            + " linearly per step over the first W epochs, from lr/(W·steps per epoch) to the cosine's rate (Goyal et"
            + " al. 2017's gradual warmup; a recipe change for nets that do not survive the full rate at step 1);"
            + " default ${DEFAULT-VALUE} (the seed's recipe).")
    int warmupEpochs;

    @Option(names = "--norm", description = "Norm variant: bn, none (Fixup's architecture for ResNets) or weightnorm;"
            + " default the arch's own (bn; none for plaincnn).")
    String norm;

    @Option(names = "--width", defaultValue = "1.0",
            description = "Channel width multiplier (for quick proxies); default ${DEFAULT-VALUE}.")
    double width;

    @Option(names = "--out", description = "Run directory; default runs/<arch>[-<norm>]-<dataset>-<init>-s<seed>.")
    Path out;

    @Option(names = "--force", description = "Overwrite a finished run in --out.")
    boolean force;

    @Option(names = "--data-dir", description = "Data root (else $INITBENCH_DATA, ~/.initbench/data,"
            + " Debian's datasets, the shipped subset).")
    Path dataDir;

    @Option(names = "--threads", description = "Intra-op threads; default all cores.")
    Integer threads;

    @Option(names = "--log-layer-stats", paramLabel = "N",
            description = "Record per-layer gradient norms and activation std every N training steps into"
            + " layer-stats.jsonl (at most 16 records per epoch; same training result); default off.")
    Integer logLayerStats;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu (GPU 0 of those visible; a CUDA "
            + "build of the engine, see docs/gpu.md) or auto (gpu if one is visible, else cpu);"
            + " default ${DEFAULT-VALUE}.")
    String device;

    @Override
    public Integer call() throws Exception {
        Device d = Devices.parse(device);
        Threads.configure(threads);
        if (logLayerStats != null && logLayerStats <= 0) {
            throw new BadInputException("--log-layer-stats must be positive (every N steps), got " + logLayerStats);
        }
        TrainSpec ts = new TrainSpec(arch, dataset, init, seed, epochs, batchSize, lr, momentum, weightDecay,
                nesterov, trainSubset, testSubset, width, norm, validation, fixupScalarLr, warmupEpochs);
        return run(ts, DatasetLocator.defaults(dataDir), out, force, spec.commandLine().getOut(), d,
                logLayerStats == null ? 0 : logLayerStats);
    }

    /**
     * Validates, trains and reports one run on {@code device}, recording layer statistics every {@code
     * layerStats} steps (0 = off); SIGUSR1 or SIGTERM stop it after its current step with a checkpoint.
     *
     * @param outDir run directory, or null for {@code runs/<arch>-<dataset>-<init>-s<seed>}
     * @return the exit code: 0 done, 1 diverged, 75 stopped by a signal (rerun the same command to resume)
     */
    static int run(TrainSpec ts, DatasetLocator locator, Path outDir, boolean force, PrintWriter out, Device device,
            int layerStats) throws IOException {
        try (StopRequest stop = StopRequest.onSignals()) {
            return run(ts, locator, outDir, force, out, device, layerStats, stop);
        }
    }

    private static int run(TrainSpec ts, DatasetLocator locator, Path outDir, boolean force, PrintWriter out,
            Device device, int layerStats, StopRequest stop) throws IOException {
        ConsoleProgress progress = new ConsoleProgress(out, System.console() != null);
        TrainingRun run = TrainingRun.prepare(ts, locator, InitRegistry.load(), progress).on(device)
                .withLayerStats(layerStats).stoppingOn(stop);
        Path dir = outDir != null ? outDir : defaultOut(run.spec(), ts.arch());
        RunDirectory rd = RunDirectory.create(dir, force);
        out.println("training " + run.spec().arch() + " (norm " + run.spec().norm() + ") on " + run.spec().dataset()
                + " with " + run.spec().init() + ", seed " + ts.seed() + ", " + ts.epochs() + " epochs on "
                + Devices.describe(device) + " -> " + dir);
        RunResult r = run.run(rd);
        if (r.interrupted()) {
            out.println("run directory: " + dir + " (stopped at a checkpoint; rerun the same command to resume)");
            return StopRequest.EXIT_CODE;
        }
        out.println(String.format(Locale.ROOT,
                "%s: best test accuracy %.2f%% (epoch %d), final %.2f%%, %.0f s, %.0f img/s, peak RSS %.0f MiB",
                r.status(), 100 * r.bestTestAcc(), r.bestEpoch(), 100 * r.finalTestAcc(), r.wallSeconds(),
                r.trainImagesPerSecond(), r.peakRssMib()));
        out.println("run directory: " + dir);
        return r.diverged() ? 1 : 0;
    }

    /**
     * {@code runs/<arch>[-<norm>]-<dataset>-<init>-s<seed>} with the canonical arch id; the directory an
     * earlier version named after the alias given ({@code runs/vgg16bn-...}) when only that one exists, so
     * a stopped run of that version resumes.
     */
    private static Path defaultOut(TrainSpec s, String given) {
        Path canonical = runPath(s, s.arch());
        Path earlier = runPath(s, given);
        return !Files.exists(canonical) && Files.isDirectory(earlier) ? earlier : canonical;
    }

    private static Path runPath(TrainSpec s, String archId) {
        String initId = s.init().contains(":") ? s.init().substring(0, s.init().indexOf(':')) : s.init();
        String arch = s.norm().equals(Models.defaultNorm(s.arch()).id()) ? archId : archId + "-" + s.norm();
        return Path.of("runs", arch + "-" + s.dataset() + "-" + initId + "-s" + s.seed());
    }
}
