package org.initbench.perf;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.initbench.BadInputException;
import org.initbench.experiment.Manifest;

/**
 * The worker plan: how a sweep splits a machine's cores between parallel runs (child JVMs, each
 * with its share of intra-op threads). The plan {@code initbench bench --worker-plan} measured
 * fastest on this machine (cores and CPU model) is stored in {@code ~/.initbench/worker-plan.json}
 * (system property {@code initbench.workerPlanFile}, or the older {@code initbench.layoutFile},
 * overrides the path; where only the {@code ~/.initbench/layout.json} of an earlier version exists,
 * that file is the store); without one, the default.
 *
 * <p>Default: {@value #DEFAULT_WORKERS} worker using every core. It never oversubscribes memory
 * (MobileNetV2 at batch 128 peaks at about 5.5 GB per process) and is what a single {@code
 * initbench train} does; measure with {@code bench --worker-plan} to let sweeps use more workers
 * where that is faster.
 */
public final class WorkerPlan {
    /** The system property naming the store; {@link #LEGACY_FILE_PROPERTY} is its older name. */
    public static final String FILE_PROPERTY = "initbench.workerPlanFile";

    /** The store's system property before the worker plan had its name. */
    public static final String LEGACY_FILE_PROPERTY = "initbench.layoutFile";

    /** Workers when no measurement is stored for this machine. */
    public static final int DEFAULT_WORKERS = 1;

    /**
     * One machine's measured choice.
     *
     * @param cpu CPU model ({@code /proc/cpuinfo} model name)
     * @param cores available processors
     * @param workers the faster number of parallel runs
     * @param threadsPerWorker intra-op threads of each run
     * @param measurements every plan measured: workers, threads, total img/s
     * @param arch architecture the measurement trained
     * @param measuredAt ISO-8601 time of the measurement
     */
    public record Entry(String cpu, int cores, int workers, int threadsPerWorker,
            List<WorkerPlanBench.Measurement> measurements, String arch, String measuredAt) {}

    private WorkerPlan() {}

    /** Workers a sweep should run on this machine with {@code cores} cores: the stored choice, else the default. */
    public static int workersFor(int cores) {
        return workersFor(cores, store(), Manifest.cpuModel());
    }

    /**
     * Workers for {@code cores} cores of a {@code cpu}: the entry stored for that pair in {@code
     * store}, else {@link #DEFAULT_WORKERS}; an unreadable store counts as empty.
     */
    public static int workersFor(int cores, Path store, String cpu) {
        List<Entry> entries;
        try {
            entries = load(store);
        } catch (BadInputException e) {
            return DEFAULT_WORKERS;
        }
        return entries.stream().filter(e -> e.cores() == cores && e.cpu().equals(cpu)).findFirst()
                .map(Entry::workers).orElse(DEFAULT_WORKERS);
    }

    /** Whether a plan for this machine with {@code cores} cores is stored. */
    public static boolean measured(int cores) {
        try {
            String cpu = Manifest.cpuModel();
            return load(store()).stream().anyMatch(e -> e.cores() == cores && e.cpu().equals(cpu));
        } catch (BadInputException e) {
            return false;
        }
    }

    /**
     * The store's path: {@code initbench.workerPlanFile}, else {@code initbench.layoutFile}, else {@code
     * ~/.initbench/worker-plan.json}, or the earlier version's {@code ~/.initbench/layout.json} where
     * only that one exists.
     */
    public static Path store() {
        String p = System.getProperty(FILE_PROPERTY, System.getProperty(LEGACY_FILE_PROPERTY));
        if (p != null) {
            return Path.of(p);
        }
        Path dir = Path.of(System.getProperty("user.home"), ".initbench");
        Path store = dir.resolve("worker-plan.json");
        Path earlier = dir.resolve("layout.json");
        return !Files.exists(store) && Files.exists(earlier) ? earlier : store;
    }

    /**
     * The stored entries; empty when the file does not exist.
     *
     * @throws BadInputException when it exists but cannot be read as a worker-plan store
     */
    public static List<Entry> load(Path store) {
        if (!Files.exists(store)) {
            return List.of();
        }
        try {
            return new ObjectMapper().readValue(store.toFile(), new TypeReference<List<Entry>>() {});
        } catch (IOException e) {
            throw new BadInputException("cannot read worker-plan store " + store + ": " + e.getMessage().lines()
                    .findFirst().orElse("") + " (fix or remove it)");
        }
    }

    /**
     * Stores {@code entry}, replacing the entry of the same CPU and cores, atomically. An existing
     * file that cannot be read is left as it is (bad input).
     */
    public static void save(Path store, Entry entry) {
        List<Entry> entries = new ArrayList<>(load(store));
        entries.removeIf(e -> e.cores() == entry.cores() && e.cpu().equals(entry.cpu()));
        entries.add(entry);
        try {
            Path dir = store.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".worker-plan", ".json");
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.toFile(), entries);
            Files.move(tmp, store, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new BadInputException("cannot write worker-plan store " + store + ": " + e.getMessage());
        }
    }
}
