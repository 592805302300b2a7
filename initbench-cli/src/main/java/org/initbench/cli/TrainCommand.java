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
import org.initbench.init.InitFile;
import org.initbench.init.InitRegistry;
import org.initbench.train.Devices;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    @Mixin RecipeOptions recipe;

    @Option(names = "--out",
            description = "Run directory; default runs/<arch>[-<norm>][-alpha]-<dataset>-<init>-s<seed>.")
    Path out;

    @Option(names = "--force", description = "Overwrite a finished run in --out.")
    boolean force;

    @Option(names = "--log-layer-stats", paramLabel = "N",
            description = "Record per-layer gradient norms and activation std every N training steps into"
            + " layer-stats.jsonl (at most 16 records per epoch; same training result); default off.")
    Integer logLayerStats;

    @Mixin RuntimeOptions runtime;

    @Override
    public Integer call() throws Exception {
        Device d = runtime.device.parse();
        runtime.threads.configure();
        if (logLayerStats != null && logLayerStats <= 0) {
            throw new BadInputException("--log-layer-stats must be positive (every N steps), got " + logLayerStats);
        }
        TrainSpec ts = new TrainSpec(arch, dataset, init, seed, recipe.recipe());
        try (RuntimeOptions.Scope python = runtime.python.apply()) {
            return run(ts, DatasetLocator.defaults(runtime.data.value), out, force, spec.commandLine().getOut(), d,
                    logLayerStats == null ? 0 : logLayerStats);
        }
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
        out.println("training " + run.spec().arch() + " (norm " + run.spec().recipe().norm()
                + (run.spec().recipe().branchScalar() ? ", branch scalar" : "") + ") on "
                + run.spec().dataset() + " with " + run.spec().init() + ", seed " + ts.seed() + ", "
                + ts.recipe().epochs() + " epochs on " + Devices.describe(device) + " -> " + dir);
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
     * {@code runs/<arch>[-<norm>][-alpha]-<dataset>-<init>-s<seed>} with the canonical arch id; the directory an
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
        if (InitFile.isFileSpec(s.init())) {
            initId += "-" + InitFile.parse(s.init()).stem(); // torch-my_init
        }
        return Path.of("runs", archId + s.variantSuffix() + "-" + s.dataset() + "-" + initId + "-s" + s.seed());
    }
}
