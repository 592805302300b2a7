package org.initbench.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.initbench.data.BatchInput;
import org.initbench.experiment.SweepDirectory;
import org.initbench.experiment.SweepSpec;
import org.initbench.init.TorchPython;
import org.initbench.perf.WorkerPlan;

/**
 * Runs a sweep's unfinished cells in K child JVMs at a time, each {@code initbench sweep run DIR
 * --index I --threads T} with this JVM's classpath and system properties, its output appended to
 * the cell's {@code log.txt}. The children take the cell locks, so this works beside other sweep
 * processes on the same directory. Children still running when this JVM exits are destroyed (they
 * resume from their checkpoints on the next pass: a child sent SIGTERM checkpoints after its
 * current step).
 */
final class SweepWorkers {
    static final String LOG = "log.txt";

    private final SweepDirectory sweep;
    private final int workers;
    private final int threads;
    private final Path dataDir;
    private final String device;
    private final PrintWriter out;
    private final Set<Process> live = ConcurrentHashMap.newKeySet();

    SweepWorkers(SweepDirectory sweep, int workers, int threads, Path dataDir, String device, PrintWriter out) {
        this.sweep = sweep;
        this.workers = workers;
        this.threads = threads;
        this.dataDir = dataDir;
        this.device = device;
        this.out = out;
    }

    void run() throws InterruptedException, IOException {
        out.println("running with " + workers + " workers x " + threads
                + " threads (child JVMs; logs in each cell's " + LOG + ")");
        out.flush();
        ConcurrentLinkedQueue<SweepSpec.Cell> queue = new ConcurrentLinkedQueue<>();
        for (SweepSpec.Cell c : sweep.cells()) {
            SweepDirectory.State s = sweep.status(c).state();
            if (!s.finished() && s != SweepDirectory.State.RUNNING) {
                queue.add(c);
            }
        }
        Thread hook = new Thread(() -> live.forEach(Process::destroy));
        Runtime.getRuntime().addShutdownHook(hook);
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                futures.add(pool.submit(() -> {
                    SweepSpec.Cell c;
                    while ((c = queue.poll()) != null) {
                        runChild(c);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    throw new IOException("a sweep worker failed: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
            Runtime.getRuntime().removeShutdownHook(hook);
        }
    }

    private void runChild(SweepSpec.Cell c) throws IOException, InterruptedException {
        Path dir = sweep.cellDir(c);
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>(javaCommand());
        cmd.addAll(List.of("sweep", "run", sweep.path().toString(), "--index", Integer.toString(c.index()),
                "--threads", Integer.toString(threads), "--device", device));
        if (dataDir != null) {
            cmd.addAll(List.of("--data-dir", dataDir.toString()));
        }
        long start = System.nanoTime();
        synchronized (out) {
            out.println(String.format(Locale.ROOT, "[%d/%d] %s: started",
                    c.index() + 1, sweep.cells().size(), c.name()));
            out.flush();
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(LOG).toFile())).start();
        live.add(p);
        int code;
        try {
            code = p.waitFor();
        } finally {
            live.remove(p);
        }
        SweepDirectory.Status s = sweep.status(c);
        String what = s.state().label();
        if (s.result() != null && s.state() == SweepDirectory.State.DONE) {
            what += String.format(Locale.ROOT, ", best %.2f%%", 100 * s.result().bestTestAcc());
        } else if (code == 2) {
            what += " (bad input: see " + dir.resolve(LOG) + ")";
        }
        synchronized (out) {
            out.println(String.format(Locale.ROOT, "[%d/%d] %s: %s (%.0f s)", c.index() + 1, sweep.cells().size(),
                    c.name(), what, (System.nanoTime() - start) / 1e9));
            out.flush();
        }
    }

    /** java, this JVM's -D/-X options, the classpath and the main class. */
    static List<String> javaCommand() {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if ((a.startsWith("-D") && !a.startsWith("-Dai.djl.pytorch.num_threads"))
                    || a.startsWith("-Xmx") || a.startsWith("-Xss")) {
                cmd.add(a);
            }
        }
        for (String key : new String[] {"initbench.home", "ai.djl.offline", WorkerPlan.FILE_PROPERTY,
            WorkerPlan.LEGACY_FILE_PROPERTY, BatchInput.CHANNELS_LAST_PROPERTY, TorchPython.PROPERTY}) {
            String v = System.getProperty(key);
            if (v != null && cmd.stream().noneMatch(x -> x.startsWith("-D" + key + "="))) {
                cmd.add("-D" + key + "=" + v);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        return cmd;
    }
}
