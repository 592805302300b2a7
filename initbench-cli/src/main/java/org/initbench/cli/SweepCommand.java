package org.initbench.cli;

import ai.djl.Device;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.initbench.BadInputException;
import org.initbench.data.DatasetLocator;
import org.initbench.experiment.Budget;
import org.initbench.experiment.Checkpoint;
import org.initbench.experiment.StopRequest;
import org.initbench.experiment.SweepDirectory;
import org.initbench.experiment.SweepRunner;
import org.initbench.experiment.SweepSpec;
import org.initbench.init.InitRegistry;
import org.initbench.perf.WorkerPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code initbench sweep}: runs a grid of arch × dataset × init × seed (design §7), each cell a run
 * directory under the sweep directory. Rerunning skips finished cells and resumes interrupted ones;
 * {@code --workers K} runs cells in K child JVMs; {@code --index I} runs one cell; {@code run DIR}
 * runs the sweep stored in DIR (the Slurm array task's command); {@code plan} lists the cells (and,
 * for a ladder, each rung's cost in images seen);
 * {@code status} shows where each stands; {@code slurm} writes (and submits) an sbatch job array.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Run a grid of arch x dataset x init x seed; rerun to resume.",
        subcommands = {SweepCommand.Run.class, SweepCommand.Plan.class, SweepCommand.Status.class, SlurmCommand.class})
public final class SweepCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin SweepGrid grid;

    @Mixin Execution execution;

    @Override
    public Integer call() throws IOException, InterruptedException {
        return execution.execute(grid.view(), grid::open, spec.commandLine().getOut());
    }

    /** {@code initbench sweep run DIR}: runs (or resumes) the sweep stored in DIR. */
    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run or resume the sweep stored in DIR (one cell with --index: the Slurm array task).")
    static final class Run implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Mixin StoredSweep stored;

        @Mixin Execution execution;

        @Override
        public Integer call() throws IOException, InterruptedException {
            SweepDirectory sweep = stored.load();
            return execution.execute(sweep, () -> sweep, spec.commandLine().getOut());
        }
    }

    /** The DIR of {@code sweep run} and {@code sweep status}: a sweep directory holding {@code sweep.json}. */
    static final class StoredSweep {
        @Parameters(index = "0", paramLabel = "DIR", description = "Sweep directory (holding sweep.json).")
        Path dir;

        SweepDirectory load() {
            return SweepDirectory.load(dir);
        }
    }

    /** How the cells of a sweep are run: in this process, in child JVMs, or one of them. */
    static final class Execution {
        @Option(names = "--workers", description = "Child JVMs running cells in parallel, each with cores/K threads;"
                + " 1 = in this process; default the faster worker plan `initbench bench --worker-plan` measured on"
                + " this machine, else 1.")
        Integer workers;

        @Option(names = "--index", description = "Run only cell I (see `sweep plan`; Slurm: $SLURM_ARRAY_TASK_ID).")
        Integer index;

        @Mixin RuntimeOptions runtime;

        /**
         * Runs the unfinished cells. In this process (one worker or {@code --index}) SIGUSR1 and SIGTERM
         * make the running cell checkpoint after its current step; the command then exits with {@link
         * StopRequest#EXIT_CODE}, and the next attempt resumes there.
         *
         * @param planned the sweep as it will be stored, validated before {@code store} writes anything
         * @param store stores the sweep (a new one: its directory, {@code sweep.json} and init-file copies)
         * @return 0, 1 when a cell failed or (with --index) diverged, 75 when stopped
         */
        int execute(SweepDirectory planned, Supplier<SweepDirectory> store, PrintWriter out)
                throws IOException, InterruptedException {
            try (RuntimeOptions.Scope python = runtime.python.apply()) {
                return executeWithPython(planned, store, out);
            }
        }

        private int executeWithPython(SweepDirectory planned, Supplier<SweepDirectory> store, PrintWriter out)
                throws IOException, InterruptedException {
            if (workers != null && workers < 1) {
                throw new BadInputException("--workers must be positive, got " + workers);
            }
            Device d = runtime.device.parse();
            InitRegistry registry = InitRegistry.load();
            int cores = Runtime.getRuntime().availableProcessors();
            int k = index != null ? 1
                    : Math.min(workers != null ? workers : WorkerPlan.workersFor(cores), planned.cells().size());
            // before anything loads the engine (validation does): the threads are fixed when it loads
            Threads.configure(k > 1 ? Integer.valueOf(1) : runtime.threads.value);
            SweepRunner.validate(planned, registry);
            SweepDirectory sweep = store.get(); // a new sweep is written only now, once every cell is valid
            if (k > 1) {
                out.println("sweep " + sweep.spec().name() + ": " + sweep.cells().size() + " cells -> " + sweep.path());
                int perWorker = runtime.threads.value != null ? runtime.threads.value : Math.max(1, cores / k);
                new SweepWorkers(sweep, k, perWorker, runtime.data.value, runtime.device.value, out).run();
                return summary(sweep, out);
            }
            try (StopRequest stop = StopRequest.onSignals()) {
                SweepRunner runner =
                        new SweepRunner(sweep, DatasetLocator.defaults(runtime.data.value), registry, d, stop);
                if (index != null) {
                    SweepSpec.Cell cell = sweep.cell(index);
                    SweepRunner.Outcome o = runner.run(cell, new ConsoleProgress(out, System.console() != null));
                    out.println("cell " + cell.index() + " (" + cell.name() + "): " + describe(o));
                    return switch (o) {
                        case DIVERGED, FAILED -> 1;
                        case INTERRUPTED -> StopRequest.EXIT_CODE;
                        default -> 0;
                    };
                }
                out.println("sweep " + sweep.spec().name() + ": " + sweep.cells().size() + " cells -> " + sweep.path());
                if (workers == null) {
                    out.println("1 worker: " + (WorkerPlan.measured(cores)
                            ? "the faster worker plan measured on this machine (" + WorkerPlan.store() + ")"
                            : "the default; `initbench bench --worker-plan` measures the faster plan for this"
                                    + " machine"));
                }
                runInProcess(sweep, runner, stop, out);
                int code = summary(sweep, out);
                return stop.requested() ? StopRequest.EXIT_CODE : code;
            }
        }
    }

    /**
     * Runs the unfinished cells one after another in this process (shared with {@code demo}), until
     * {@code stop} is requested.
     */
    static void runInProcess(SweepDirectory sweep, SweepRunner runner, StopRequest stop, PrintWriter out)
            throws IOException {
        List<SweepSpec.Cell> cells = sweep.cells();
        for (SweepSpec.Cell c : cells) {
            if (stop.requested()) {
                return;
            }
            if (sweep.status(c).state().finished()) {
                continue;
            }
            out.println(String.format(Locale.ROOT, "[%d/%d] %s", c.index() + 1, cells.size(), c.name()));
            SweepRunner.Outcome o = runner.run(c, new ConsoleProgress(out, System.console() != null));
            out.println(String.format(Locale.ROOT, "[%d/%d] %s: %s",
                    c.index() + 1, cells.size(), c.name(), describe(o)));
        }
    }

    static String describe(SweepRunner.Outcome o) {
        return switch (o) {
            case DONE -> "done";
            case DIVERGED -> "diverged";
            case FAILED -> "failed (recorded; rerun the sweep to retry)";
            case SKIPPED_FINISHED -> "already finished";
            case SKIPPED_BUSY -> "running in another process";
            case INTERRUPTED -> "stopped at a checkpoint; it resumes there on the next attempt";
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
    @Command(name = "plan", mixinStandardHelpOptions = true,
            description = "List the cells of a sweep with indices and states.")
    static final class Plan implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin SweepGrid grid;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            SweepDirectory sweep = grid.view();
            SweepRunner.validate(sweep, InitRegistry.load());
            out.println(String.format(Locale.ROOT, "%5s  %-9s %6s %8s  %s",
                    "index", "state", "epochs", "best", "cell"));
            for (SweepSpec.Cell c : sweep.cells()) {
                SweepDirectory.Status s = sweep.status(c);
                String best = s.result() != null && s.state() != SweepDirectory.State.FAILED
                        ? String.format(Locale.ROOT, "%.2f%%", 100 * s.result().bestTestAcc()) : "";
                out.println(String.format(Locale.ROOT, "%5d  %-9s %6s %8s  %s", c.index(), s.state().label(),
                        s.epochsDone() + "/" + c.spec().recipe().epochs(), best, c.name()));
            }
            out.println(sweep.cells().size() + " cells in " + sweep.path());
            rungs(sweep.spec(), out);
            return 0;
        }

        /**
         * Per rung of a ladder (none without rungs): its cells and their cost in images seen (epochs ×
         * training images per epoch), per run (a range when its models differ) and summed over its cells.
         */
        static void rungs(SweepSpec spec, PrintWriter out) {
            if (spec.rungs().isEmpty()) {
                return;
            }
            List<SweepSpec.Cell> cells = spec.cells();
            List<SweepSpec.Rung> of = spec.rungOfCells();
            out.println("rungs, by images seen (epochs x training images per epoch):");
            for (int k = 0; k < spec.rungs().size(); k++) {
                SweepSpec.Rung rung = spec.rungs().get(k);
                long min = Long.MAX_VALUE;
                long max = 0;
                long sum = 0;
                int n = 0;
                for (SweepSpec.Cell c : cells) {
                    if (of.get(c.index()).equals(rung)) {
                        long seen = Budget.imagesSeen(c.spec());
                        min = Math.min(min, seen);
                        max = Math.max(max, seen);
                        sum += seen;
                        n++;
                    }
                }
                out.println(String.format(Locale.ROOT, "  rung %d {%s}: %d cells, %s images per run, %,d in all", k + 1,
                        rung.describe(), n, min == max ? String.format(Locale.ROOT, "%,d", min)
                                : String.format(Locale.ROOT, "%,d to %,d", min, max), sum));
            }
        }
    }

    /**
     * {@code initbench sweep status DIR}: per cell done / running (host, epoch, since) / partial (where
     * it stopped) / failed (reason) / diverged / pending, from the run directories on the shared
     * filesystem, with the Slurm task of each cell and, when {@code squeue} is there, its queue state.
     */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show where every cell of the sweep in DIR stands (and its Slurm task, when known).")
    static final class Status implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Mixin StoredSweep stored;

        @Option(names = "--squeue", defaultValue = "squeue",
                description = "The squeue command; default ${DEFAULT-VALUE}"
                + " (not required: without it the status comes from the run directories alone).")
        String squeue;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            SweepDirectory sweep = stored.load();
            List<SlurmJobs.Submission> submissions = SlurmJobs.submissions(sweep.path());
            List<SweepSpec.Cell> cells = sweep.cells();
            List<SweepDirectory.Status> states = new ArrayList<>();
            List<SweepDirectory.Attempt> attempts = new ArrayList<>();
            List<String> tasks = new ArrayList<>();
            for (SweepSpec.Cell c : cells) {
                SweepDirectory.Status s = sweep.status(c);
                states.add(s);
                SweepDirectory.Attempt a = sweep.lastAttempt(c);
                attempts.add(a);
                String submitted = SlurmJobs.latestTask(submissions, c.index());
                tasks.add(a != null && a.slurmJob() != null ? a.slurmJob() : submitted);
            }
            Map<String, String> queue = SlurmJobs.queueStates(squeue, tasks.stream().filter(t -> t != null)
                    .collect(java.util.stream.Collectors.toCollection(java.util.LinkedHashSet::new)));
            out.println(String.format(Locale.ROOT, "%5s  %-9s %7s  %-22s %s",
                    "index", "state", "epochs", "slurm", "cell: detail"));
            Map<SweepDirectory.State, Integer> counts = new EnumMap<>(SweepDirectory.State.class);
            for (SweepSpec.Cell c : cells) {
                SweepDirectory.Status s = states.get(c.index());
                counts.merge(s.state(), 1, Integer::sum);
                String task = tasks.get(c.index());
                String slurm = task == null ? "" : task + (queue.containsKey(task) ? " " + queue.get(task) : "");
                String detail = detail(sweep, c, s, attempts.get(c.index()));
                out.println(String.format(Locale.ROOT, "%5d  %-9s %7s  %-22s %s", c.index(), s.state().label(),
                        s.epochsDone() + "/" + c.spec().recipe().epochs(), slurm,
                        c.name() + (detail.isEmpty() ? "" : ": " + detail)));
            }
            List<String> parts = new ArrayList<>();
            counts.forEach((st, n) -> parts.add(n + " " + st.label()));
            out.println(cells.size() + " cells in " + sweep.path() + ": " + String.join(", ", parts));
            return 0;
        }

        private static String detail(SweepDirectory sweep, SweepSpec.Cell c, SweepDirectory.Status s,
                SweepDirectory.Attempt a) {
            return switch (s.state()) {
                case DONE -> String.format(Locale.ROOT, "best %.2f%% (epoch %d), %.0f s",
                        100 * s.result().bestTestAcc(), s.result().bestEpoch(), s.result().wallSeconds());
                case DIVERGED, FAILED -> s.result() == null ? "result.json unreadable; retried on the next pass"
                        : String.valueOf(s.result().reason());
                case RUNNING -> {
                    String where = a == null ? "" : " on " + a.host() + " (pid " + a.pid() + ") since " + a.started();
                    yield "epoch " + Math.min(s.epochsDone() + 1, c.spec().recipe().epochs()) + where;
                }
                case PARTIAL -> {
                    try {
                        Checkpoint.State st = Checkpoint.readState(sweep.cellDir(c).resolve(Checkpoint.FILE));
                        yield "stopped after epoch " + st.epoch()
                                + (st.partial() != null ? " and step " + st.partial().batches() + " of the next" : "")
                                + "; resumes there on the next attempt";
                    } catch (IOException | RuntimeException e) {
                        yield "checkpoint unreadable (" + e.getMessage()
                                + "); the next attempt restarts the cell from scratch";
                    }
                }
                case PENDING -> "";
            };
        }
    }
}
