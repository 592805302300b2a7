package org.initbench.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A live single-node Slurm for tests (docs/cluster.md): Debian's {@code
 * slurm-wlm} and {@code munge} (installed with apt when missing and running as root), {@code munged}
 * (reused when one runs already), and {@code slurmctld} + {@code slurmd} on this host with a {@code
 * slurm.conf} in a temporary directory (loopback ports picked free, {@code proctrack/linuxproc},
 * {@code select/cons_tres}, no accounting). The Slurm commands reach it through wrapper scripts that
 * set {@code SLURM_CONF} ({@link #command}). {@link #close} cancels every job, stops each daemon it
 * started by its pid, and deletes the directory.
 */
final class LocalSlurm implements AutoCloseable {
    private final Path dir;
    private final Path conf;
    private final List<Long> started = new ArrayList<>();
    private boolean createdMungeRunDir;

    private static final Path MUNGE_RUN = Path.of("/run/munge");

    private LocalSlurm(Path dir) {
        this.dir = dir;
        this.conf = dir.resolve("slurm.conf");
    }

    /** Starts the cluster, or aborts the calling test when this machine cannot run one. */
    static LocalSlurm start() throws Exception {
        Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux"), "Slurm needs Linux");
        ensureInstalled();
        LocalSlurm s = new LocalSlurm(Files.createTempDirectory("initbench-slurm"));
        try {
            s.boot();
            return s;
        } catch (Exception | AssertionError e) {
            s.close();
            throw e;
        }
    }

    private static void ensureInstalled() throws Exception {
        if (Files.isExecutable(Path.of("/usr/sbin/slurmctld")) && Files.isExecutable(Path.of("/usr/sbin/munged"))) {
            return;
        }
        boolean root = "0".equals(run(List.of("id", "-u"), 10).strip());
        Assumptions.assumeTrue(root, "slurm-wlm and munge are missing and this is not root: skipping the live Slurm test");
        String out = run(List.of("sh", "-c", "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge"), 600);
        if (!Files.isExecutable(Path.of("/usr/sbin/slurmctld"))) {
            throw new IllegalStateException("apt-get could not install slurm-wlm and munge:\n" + out);
        }
    }

    private void boot() throws Exception {
        Files.createDirectories(dir.resolve("state"));
        Files.createDirectories(dir.resolve("spool"));
        Files.createDirectories(dir.resolve("log"));
        if (run(List.of("pgrep", "-x", "munged"), 10).isBlank()) {
            createdMungeRunDir = !Files.isDirectory(MUNGE_RUN);
            run(List.of("sh", "-c", "mkdir -p " + MUNGE_RUN + " && chown munge:munge " + MUNGE_RUN), 10);
            Files.deleteIfExists(MUNGE_RUN.resolve("munged.pid"));
            run(List.of("runuser", "-u", "munge", "--", "/usr/sbin/munged"), 30);
            started.add(pid(MUNGE_RUN.resolve("munged.pid")));
        }
        String host = run(List.of("hostname"), 10).strip();
        long mib = Long.parseLong(run(List.of("sh", "-c", "free -m | awk '/^Mem:/{print $2}'"), 10).strip());
        int cpus = Runtime.getRuntime().availableProcessors();
        Files.writeString(conf, String.join("\n",
                "ClusterName=ibtest",
                "SlurmctldHost=" + host,
                "SlurmUser=root",
                "SlurmdUser=root",
                "AuthType=auth/munge",
                "StateSaveLocation=" + dir.resolve("state"),
                "SlurmdSpoolDir=" + dir.resolve("spool"),
                "SlurmctldPidFile=" + dir.resolve("slurmctld.pid"),
                "SlurmdPidFile=" + dir.resolve("slurmd.pid"),
                "SlurmctldLogFile=" + dir.resolve("log/slurmctld.log"),
                "SlurmdLogFile=" + dir.resolve("log/slurmd.log"),
                "SlurmctldPort=" + freePort(),
                "SlurmdPort=" + freePort(),
                "ProctrackType=proctrack/linuxproc",
                "TaskPlugin=task/none",
                "SelectType=select/cons_tres",
                "SelectTypeParameters=CR_Core",
                "SchedulerType=sched/backfill",
                "ReturnToService=2",
                "MpiDefault=none",
                "JobAcctGatherType=jobacct_gather/none",
                "NodeName=" + host + " CPUs=" + cpus + " RealMemory=" + (mib - 1024) + " State=UNKNOWN",
                "PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP", ""));
        for (String name : new String[] {"sbatch", "squeue", "scontrol", "scancel", "sinfo"}) {
            Path w = command(name);
            Files.writeString(w, "#!/bin/sh\nSLURM_CONF=" + conf + " exec /usr/bin/" + name + " \"$@\"\n");
            w.toFile().setExecutable(true);
        }
        run(List.of("/usr/sbin/slurmctld", "-f", conf.toString()), 30);
        started.add(pid(dir.resolve("slurmctld.pid")));
        run(List.of("/usr/sbin/slurmd", "-f", conf.toString()), 30);
        started.add(pid(dir.resolve("slurmd.pid")));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String state = "";
        while (System.nanoTime() < deadline) {
            state = run(List.of(command("sinfo").toString(), "-h", "-o", "%T"), 10).strip();
            if (state.equals("idle")) {
                return;
            }
            Thread.sleep(300);
        }
        throw new IllegalStateException("the Slurm node did not become idle (sinfo: " + state + "); logs in " + dir.resolve("log"));
    }

    /** The wrapper for Slurm command {@code name} (sbatch, squeue, scontrol, scancel, sinfo) on this cluster. */
    Path command(String name) {
        return dir.resolve(name);
    }

    /** Runs a Slurm command on this cluster and returns its output (stdout and stderr). */
    String slurm(String name, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(command(name).toString()));
        cmd.addAll(List.of(args));
        return run(cmd, 60);
    }

    /** The node's and the queue's state and the daemons' last log lines, for failure messages. */
    String logs() {
        StringBuilder b = new StringBuilder();
        for (String[] c : new String[][] {{"sinfo", "-N", "-o", "%N %T %E"}, {"squeue", "-a", "-r", "-o", "%i %T %r %S"}}) {
            try {
                b.append("--- ").append(String.join(" ", c)).append('\n').append(slurm(c[0], java.util.Arrays.copyOfRange(c, 1, c.length)));
            } catch (Exception e) {
                b.append(e).append('\n');
            }
        }
        for (String f : new String[] {"slurmctld.log", "slurmd.log"}) {
            try {
                List<String> lines = Files.readAllLines(dir.resolve("log").resolve(f));
                b.append("--- ").append(f).append('\n')
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()))).append('\n');
            } catch (IOException e) {
                b.append("--- ").append(f).append(": ").append(e.getMessage()).append('\n');
            }
        }
        return b.toString();
    }

    /**
     * The pid a daemon wrote to {@code f}, waiting up to 10 s for it: a daemon creates the file before it
     * writes the number, so an empty file is read again.
     */
    private static long pid(Path f) throws Exception {
        String text = "";
        for (int i = 0; i < 100; i++) {
            text = Files.exists(f) ? Files.readString(f).strip() : "";
            if (!text.isEmpty()) {
                return Long.parseLong(text);
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no pid in " + f + " after 10 s");
    }

    @Override
    public void close() throws Exception {
        if (Files.exists(conf) && started.size() > 1) {
            run(List.of(command("scancel").toString(), "--full", "--user", "root"), 30);
        }
        for (int i = started.size() - 1; i >= 0; i--) {
            long pid = started.get(i);
            ProcessHandle.of(pid).ifPresent(p -> {
                p.destroy();
                try {
                    p.onExit().get(20, TimeUnit.SECONDS);
                } catch (Exception e) {
                    p.destroyForcibly();
                }
            });
        }
        delete(dir);
        if (createdMungeRunDir) {
            delete(MUNGE_RUN);
        }
    }

    private static void delete(Path tree) throws IOException {
        try (java.util.stream.Stream<Path> all = Files.walk(tree)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Runs {@code cmd} with its output in a file (a daemon keeping a pipe open cannot block us). */
    private static String run(List<String> cmd, int seconds) throws Exception {
        Path out = Files.createTempFile("initbench-slurm-cmd", ".out");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(cmd + " did not finish in " + seconds + " s");
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
