package org.initbench.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.initbench.BadInputException;
import org.initbench.data.DatasetLocator;
import org.initbench.init.InitRegistry;
import org.initbench.sweep.SweepDirectory;
import org.initbench.sweep.SweepRunner;
import org.initbench.sweep.SweepSpec;
import org.initbench.train.ConsoleProgress;
import org.initbench.train.LayoutChoice;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code initbench sweep}: runs a grid of arch × dataset × init × seed (design §7), each cell a run
 * directory under the sweep directory. Rerunning skips finished cells and resumes interrupted ones;
 * {@code --workers K} runs cells in K child JVMs; {@code --index I} runs one cell (the Slurm array
 * hook); {@code plan} lists the cells; {@code slurm} writes an sbatch array script.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Run a grid of arch x dataset x init x seed; rerun to resume.",
        subcommands = {SweepCommand.Plan.class, SweepCommand.Slurm.class})
public final class SweepCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin SweepGrid grid;

    @Option(names = "--workers", description = "Child JVMs running cells in parallel, each with cores/K threads; 1 = in this process;"
            + " default the faster layout `initbench bench --layout` measured on this machine, else 1.")
    Integer workers;

    @Option(names = "--index", description = "Run only cell I (see `sweep plan`; Slurm: $SLURM_ARRAY_TASK_ID).")
    Integer index;

    @Option(names = "--threads", description = "Intra-op threads per run; default all cores (with --workers: cores/K).")
    Integer threads;

    @Option(names = "--data-dir", description = "Data root (else $INITBENCH_DATA, ~/.initbench/data, Debian's datasets, the shipped subset).")
    Path dataDir;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        if (workers != null && workers < 1) {
            throw new BadInputException("--workers must be positive, got " + workers);
        }
        SweepDirectory sweep = grid.open();
        InitRegistry registry = InitRegistry.load();
        int cores = Runtime.getRuntime().availableProcessors();
        int k = index != null ? 1 : Math.min(workers != null ? workers : LayoutChoice.workersFor(cores), sweep.cells().size());
        // before anything loads the engine (validation does): the threads are fixed when it loads
        Threads.configure(k > 1 ? Integer.valueOf(1) : threads);
        SweepRunner.validate(sweep, registry);
        if (index != null) {
            SweepSpec.Cell cell = sweep.cell(index);
            SweepRunner.Outcome o = new SweepRunner(sweep, DatasetLocator.defaults(dataDir), registry)
                    .run(cell, new ConsoleProgress(out, System.console() != null));
            out.println("cell " + cell.index() + " (" + cell.name() + "): " + describe(o));
            return o == SweepRunner.Outcome.DIVERGED || o == SweepRunner.Outcome.FAILED ? 1 : 0;
        }
        List<SweepSpec.Cell> cells = sweep.cells();
        out.println("sweep " + sweep.spec().name() + ": " + cells.size() + " cells -> " + sweep.path());
        if (workers == null) {
            out.println(k + " worker(s): " + (LayoutChoice.measured(cores)
                    ? "the faster layout measured on this machine (" + LayoutChoice.store() + ")"
                    : "the default; `initbench bench --layout` measures the faster layout for this machine"));
        }
        if (k > 1) {
            int perWorker = threads != null ? threads : Math.max(1, cores / k);
            new SweepWorkers(sweep, k, perWorker, dataDir, out).run();
        } else {
            runInProcess(sweep, new SweepRunner(sweep, DatasetLocator.defaults(dataDir), registry), out);
        }
        return summary(sweep, out);
    }

    /** Runs the unfinished cells one after another in this process (shared with {@code demo}). */
    static void runInProcess(SweepDirectory sweep, SweepRunner runner, PrintWriter out) throws IOException {
        List<SweepSpec.Cell> cells = sweep.cells();
        for (SweepSpec.Cell c : cells) {
            if (sweep.status(c).state().finished()) {
                continue;
            }
            out.println(String.format(Locale.ROOT, "[%d/%d] %s", c.index() + 1, cells.size(), c.name()));
            SweepRunner.Outcome o = runner.run(c, new ConsoleProgress(out, System.console() != null));
            out.println(String.format(Locale.ROOT, "[%d/%d] %s: %s", c.index() + 1, cells.size(), c.name(), describe(o)));
        }
    }

    static String describe(SweepRunner.Outcome o) {
        return switch (o) {
            case DONE -> "done";
            case DIVERGED -> "diverged";
            case FAILED -> "failed (recorded; rerun the sweep to retry)";
            case SKIPPED_FINISHED -> "already finished";
            case SKIPPED_BUSY -> "running in another process";
        };
    }

    /** Prints the count of cells per state; 1 when a cell failed, else 0. */
    static int summary(SweepDirectory sweep, PrintWriter out) {
        Map<SweepDirectory.State, Integer> counts = new EnumMap<>(SweepDirectory.State.class);
        for (SweepSpec.Cell c : sweep.cells()) {
            counts.merge(sweep.status(c).state(), 1, Integer::sum);
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((s, n) -> parts.add(n + " " + s.label()));
        out.println("sweep " + sweep.path() + ": " + String.join(", ", parts)
                + "; report: initbench report " + sweep.path());
        return counts.getOrDefault(SweepDirectory.State.FAILED, 0) > 0 ? 1 : 0;
    }

    /** {@code initbench sweep plan}: the cells with their indices and states; writes nothing. */
    @Command(name = "plan", mixinStandardHelpOptions = true, description = "List the cells of a sweep with indices and states.")
    static final class Plan implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin SweepGrid grid;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            SweepDirectory sweep = grid.view();
            SweepRunner.validate(sweep, InitRegistry.load());
            out.println(String.format(Locale.ROOT, "%5s  %-9s %6s %8s  %s", "index", "state", "epochs", "best", "cell"));
            for (SweepSpec.Cell c : sweep.cells()) {
                SweepDirectory.Status s = sweep.status(c);
                String best = s.result() != null && s.state() != SweepDirectory.State.FAILED
                        ? String.format(Locale.ROOT, "%.2f%%", 100 * s.result().bestTestAcc()) : "";
                out.println(String.format(Locale.ROOT, "%5d  %-9s %6s %8s  %s", c.index(), s.state().label(),
                        s.epochsDone() + "/" + c.spec().epochs(), best, c.name()));
            }
            out.println(sweep.cells().size() + " cells in " + sweep.path());
            return 0;
        }
    }

    /** {@code initbench sweep slurm}: an sbatch job-array script with one task per unfinished cell. */
    @Command(name = "slurm", mixinStandardHelpOptions = true,
            description = "Write an sbatch job-array script running one unfinished cell per array task.")
    static final class Slurm implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin SweepGrid grid;

        @Option(names = "--partition", description = "Slurm partition.") String partition;
        @Option(names = "--time", defaultValue = "24:00:00", description = "Time limit per task; default ${DEFAULT-VALUE}.") String time;
        @Option(names = "--cpus", defaultValue = "2", description = "CPUs per task (the run's threads); default ${DEFAULT-VALUE}.") int cpus;
        @Option(names = "--mem", description = "Memory per task, e.g. 8G.") String mem;
        @Option(names = "--gres", description = "Generic resources per task, e.g. gpu:1.") String gres;
        @Option(names = "--max-parallel", description = "At most this many tasks at once (%K).") Integer maxParallel;
        @Option(names = "--script", description = "Where to write the script; default <sweep dir>/sweep.sbatch.") Path script;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            SweepDirectory sweep = grid.open();
            SweepRunner.validate(sweep, InitRegistry.load());
            List<Integer> pending = new ArrayList<>();
            for (SweepSpec.Cell c : sweep.cells()) {
                if (!sweep.status(c).state().finished()) {
                    pending.add(c.index());
                }
            }
            if (pending.isEmpty()) {
                out.println("every cell of " + sweep.path() + " is finished; nothing to submit");
                return 0;
            }
            Path file = script != null ? script : sweep.path().resolve("sweep.sbatch");
            String text = SlurmScript.render(sweep, pending, new SlurmScript.Options(partition, time, cpus, mem, gres,
                    maxParallel), launcher());
            try {
                Files.writeString(file, text);
                file.toFile().setExecutable(true);
            } catch (IOException e) {
                throw new BadInputException("cannot write " + file + ": " + e.getMessage());
            }
            out.println("wrote " + file + " (" + pending.size() + " array tasks); submit with: sbatch " + file);
            return 0;
        }

        private static String launcher() {
            String home = System.getProperty("initbench.home");
            return home != null ? Path.of(home, "initbench").toAbsolutePath().toString() : "initbench";
        }
    }
}
