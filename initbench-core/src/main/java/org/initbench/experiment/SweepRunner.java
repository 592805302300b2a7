package org.initbench.experiment;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.initbench.BadInputException;
import org.initbench.data.DatasetLocator;
import org.initbench.data.DatasetName;
import org.initbench.data.LoadedDataset;
import org.initbench.init.InitRegistry;
import org.initbench.train.TrainListener;


/**
 * Runs the cells of a sweep in this process, one after another: each under its cell lock (a cell
 * another process holds is skipped), a finished cell (done or diverged) skipped, an interrupted one
 * resumed from its checkpoint, a failed one retried. An error inside a cell is recorded as its
 * {@code failed} result and the sweep goes on; bad input (a missing dataset) stops it. Each dataset
 * is loaded once.
 */
public final class SweepRunner {
    /** What happened to a cell. */
    public enum Outcome {
        DONE, DIVERGED, FAILED, SKIPPED_FINISHED, SKIPPED_BUSY,
        /** A {@link StopRequest} stopped the cell after a checkpoint; it resumes on the next attempt. */
        INTERRUPTED
    }

    private final SweepDirectory sweep;
    private final DatasetLocator locator;
    private final InitRegistry registry;
    private final Device device;
    private final StopRequest stop;
    private final Map<DatasetName, LoadedDataset> data = new EnumMap<>(DatasetName.class);

    /** Runs cells on the CPU, never asked to stop. */
    public SweepRunner(SweepDirectory sweep, DatasetLocator locator, InitRegistry registry) {
        this(sweep, locator, registry, Device.cpu(), new StopRequest());
    }

    /**
     * @param device where each run trains ({@link TrainingRun#on})
     * @param stop when made, the running cell checkpoints after its current step and returns {@link
     *     Outcome#INTERRUPTED}
     */
    public SweepRunner(SweepDirectory sweep, DatasetLocator locator, InitRegistry registry, Device device,
            StopRequest stop) {
        this.sweep = sweep;
        this.locator = locator;
        this.registry = registry;
        this.device = device;
        this.stop = stop;
    }

    /**
     * Checks every cell's arch, dataset name, norm and init before anything runs (bad input → exit 2
     * with the cell named); cells that differ only in their seed are checked once.
     */
    public static void validate(SweepDirectory sweep, InitRegistry registry) {
        Set<TrainSpec> checked = new HashSet<>();
        for (SweepSpec.Cell c : sweep.cells()) {
            if (!checked.add(new TrainSpec(c.spec().arch(), c.spec().dataset(), c.spec().init(), 0,
                    c.spec().recipe()))) {
                continue; // the seed does not change what can be bad input
            }
            try {
                TrainingRun.validate(c.spec(), registry);
            } catch (BadInputException e) {
                throw new BadInputException("cell " + c.index() + " (" + c.name() + "): " + e.getMessage(), e);
            }
        }
    }

    /**
     * Runs one cell unless it is finished or another process holds it.
     *
     * @param listener progress of the cell's run
     */
    public Outcome run(SweepSpec.Cell cell, TrainListener listener) throws IOException {
        Path d = sweep.cellDir(cell);
        try (SweepDirectory.CellLock lock = SweepDirectory.CellLock.tryAcquire(d)) {
            if (lock == null) {
                return Outcome.SKIPPED_BUSY;
            }
            SweepDirectory.Status before = SweepDirectory.resultStatus(d);
            if (before != null && before.state().finished()) {
                return Outcome.SKIPPED_FINISHED;
            }
            Files.deleteIfExists(d.resolve(RunDirectory.RESULT)); // a failed attempt: retry (resumes if it can)
            sweep.recordAttempt(cell, Manifest.hostName());
            long start = System.nanoTime();
            RunDirectory dir = RunDirectory.create(d, false);
            LoadedDataset loaded = dataset(cell, listener);
            try {
                RunResult r = TrainingRun.prepare(cell.spec(), loaded, registry, listener).on(device)
                        .withLayerStats(sweep.spec().logLayerStats()).stoppingOn(stop).run(dir);
                return r.interrupted() ? Outcome.INTERRUPTED : r.diverged() ? Outcome.DIVERGED : Outcome.DONE;
            } catch (IOException | RuntimeException | OutOfMemoryError e) {
                String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
                dir.writeJson(RunDirectory.RESULT, RunResult.failed(reason, metricsLines(d),
                        (System.nanoTime() - start) / 1e9));
                listener.notice("cell " + cell.index() + " (" + cell.name() + ") failed: " + reason);
                return Outcome.FAILED;
            }
        }
    }

    private LoadedDataset dataset(SweepSpec.Cell cell, TrainListener listener) {
        DatasetName name = DatasetName.parse(cell.spec().dataset());
        return data.computeIfAbsent(name, n -> locator.load(n, listener::notice));
    }

    private static int metricsLines(Path d) throws IOException {
        Path f = d.resolve(RunDirectory.METRICS);
        return Files.exists(f) ? (int) Files.readAllLines(f).stream().filter(l -> !l.isBlank()).count() : 0;
    }
}
