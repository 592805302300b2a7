package org.initbench.experiment;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.initbench.data.LoadedDataset;

/** {@code manifest.json}: versions, git commit, machine, dataset files and the seed tree. */
public final class Manifest {
    private Manifest() {}

    static Map<String, Object> collect(LoadedDataset data, Map<String, Long> seeds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("initbench_version", version());
        m.put("git_commit", gitCommit());
        m.put("started_at", Instant.now().toString());
        m.putAll(machine());
        m.put("host", hostName());
        Map<String, Object> ds = new LinkedHashMap<>();
        ds.put("name", data.name().id());
        ds.put("root", data.root().toString());
        ds.put("source", data.source());
        ds.put("shipped_subset", data.shippedSubset());
        ds.put("train_images", data.train().size());
        ds.put("test_images", data.test().size());
        ds.put("sha256", data.fileSha256());
        m.put("dataset", ds);
        m.put("seeds", seeds);
        return m;
    }

    /** Java, DJL and engine versions, device, threads, allocator, OS and CPU of this process. */
    public static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("java_version", System.getProperty("java.version"));
        m.put("djl_version", Engine.getDjlVersion());
        Engine engine = Engine.getInstance();
        m.put("engine", engine.getEngineName() + " " + engine.getVersion());
        m.put("device", engine.defaultDevice().toString());
        // what libtorch runs with, not what was asked for: the setting only counts before the engine loads
        m.put("intra_op_threads", ai.djl.pytorch.jni.JniUtils.getNumThreads());
        m.put("inter_op_threads", ai.djl.pytorch.jni.JniUtils.getNumInteropThreads());
        String preload = System.getenv("LD_PRELOAD");
        m.put("allocator", preload != null && preload.contains("tcmalloc") ? "tcmalloc" : "glibc");
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        m.put("cpu", cpuModel());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        return m;
    }

    public static String version() {
        String v = Manifest.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private static String gitCommit() {
        String home = System.getProperty("initbench.home");
        if (home == null) {
            return "unknown";
        }
        try {
            Process p = new ProcessBuilder("git", "-C", home, "rev-parse", "HEAD").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    public static String cpuModel() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            return lines.stream().filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    public static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Peak resident set size of this process in MiB (VmHWM), or NaN where /proc is absent. */
    public static double peakRssMib() {
        return statusMib("VmHWM:");
    }

    /** Current resident set size of this process in MiB (VmRSS), or NaN where /proc is absent. */
    public static double rssMib() {
        return statusMib("VmRSS:");
    }

    private static double statusMib(String field) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith(field)) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
