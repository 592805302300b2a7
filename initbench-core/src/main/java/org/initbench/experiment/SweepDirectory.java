package org.initbench.experiment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.initbench.BadInputException;
import org.initbench.init.InitFile;
import org.initbench.model.Models;




/**
 * A sweep on disk (design §7): {@code sweep.json} (the {@link SweepSpec}, written once; a different
 * sweep in the same directory is refused) and one run directory per cell, named by the cell. Each
 * cell directory also holds {@code .lock} (held by the process running the cell, so two sweep
 * processes never run the same cell) and {@code attempts.jsonl} (one line per process that started
 * it: pid, host, time). {@code init-files/} keeps a copy of each file an init of the sweep is written in.
 *
 * <p>POSIX record locks belong to the process: closing any channel on a lock file drops every lock
 * this JVM holds on it. So a process asks {@link #status} only about cells it is not running itself
 * (the sweep's parent process, {@code plan}, a report), never from inside a running cell.
 *
 * <p>About 320 lines, over the 300-line guide: creating, matching (specs of earlier versions included),
 * locking and reading the cells of a sweep directory share its invariants, so they stay together.
 */
public final class SweepDirectory {
    public static final String SPEC = "sweep.json";
    static final String LOCK = ".lock";
    public static final String ATTEMPTS = "attempts.jsonl";
    /** The folder holding a copy of each file the sweep's {@code java:} and {@code torch:} inits are written in. */
    public static final String INIT_FILES = "init-files";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper LINE = new ObjectMapper();

    private final Path dir;
    private final SweepSpec spec;
    private final List<SweepSpec.Cell> cells;

    private SweepDirectory(Path dir, SweepSpec spec) {
        this.dir = dir;
        this.spec = spec;
        this.cells = spec.cells();
    }

    /**
     * Opens {@code dir} for {@code spec}: writes {@code sweep.json} when absent, accepts it when equal,
     * refuses another sweep (exit 2). Also refuses an unwritable directory.
     */
    public static SweepDirectory open(Path dir, SweepSpec spec) {
        Path file = dir.resolve(SPEC);
        if (Files.exists(file)) {
            return checked(new SweepDirectory(dir, refuseAnother(dir, spec)));
        }
        Map<Path, Path> copies = initFileCopies(spec);
        copies.keySet().forEach(InitFile::requireFile);
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + SPEC, ".tmp");
            JSON.writeValue(tmp.toFile(), spec);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            for (Map.Entry<Path, Path> c : copies.entrySet()) {
                Path copy = dir.resolve(c.getValue());
                Files.createDirectories(copy.getParent());
                Files.copy(c.getKey(), copy, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (AccessDeniedException e) {
            throw new BadInputException("sweep directory " + dir + " is not writable");
        } catch (IOException e) {
            throw new BadInputException("cannot write to sweep directory " + dir + ": " + e.getMessage());
        }
        return new SweepDirectory(dir, spec);
    }

    /**
     * {@code spec} in {@code dir} without writing anything (for {@code plan}); another sweep already
     * stored there is refused as in {@link #open}.
     */
    public static SweepDirectory view(Path dir, SweepSpec spec) {
        if (Files.exists(dir.resolve(SPEC))) {
            return checked(new SweepDirectory(dir, refuseAnother(dir, spec)));
        }
        return new SweepDirectory(dir, spec);
    }

    /**
     * Where the sweep keeps the copy of each file its inits are written in ({@code java:}, {@code torch:}),
     * relative to the sweep directory: {@code init-files/<name>}. Two files of one name are refused (cells
     * are named by the file). Ordered as the inits.
     */
    static Map<Path, Path> initFileCopies(SweepSpec spec) {
        Map<Path, Path> out = new LinkedHashMap<>();
        for (String init : spec.inits()) {
            if (InitFile.isFileSpec(init)) {
                Path f = InitFile.parse(init).path();
                Path copy = Path.of(INIT_FILES, f.getFileName().toString());
                for (Map.Entry<Path, Path> e : out.entrySet()) {
                    if (e.getValue().equals(copy) && !e.getKey().equals(f)) {
                        throw new BadInputException("two init files of the sweep are named " + f.getFileName() + " ("
                                + e.getKey() + ", " + f + "), and cells are named by the file; rename one");
                    }
                }
                out.put(f, copy);
            }
        }
        return out;
    }

    /**
     * The sweep, once each init file it names is as it was when the sweep was created (its copy in the sweep
     * directory); a changed or missing file is refused (exit 2), naming it, so a resumed sweep never mixes
     * two versions of an init.
     */
    private static SweepDirectory checked(SweepDirectory sweep) {
        for (Map.Entry<Path, Path> c : initFileCopies(sweep.spec).entrySet()) {
            Path file = c.getKey();
            Path copy = sweep.dir.resolve(c.getValue());
            if (!Files.isRegularFile(copy)) {
                throw new BadInputException("sweep " + sweep.dir + " lacks its copy of init file " + file + " ("
                        + copy + "); start a new sweep (another --out)");
            }
            if (!Files.isRegularFile(file)) {
                throw new BadInputException("init file " + file + " of sweep " + sweep.dir + " no longer exists;"
                        + " restore it from " + copy + " to resume");
            }
            if (!InitFile.sha256(file).equals(InitFile.sha256(copy))) {
                throw new BadInputException("init file " + file + " changed since sweep " + sweep.dir
                        + " was created; restore it from " + copy + " to resume, or start a new sweep"
                        + " (another --out)");
            }
        }
        return sweep;
    }

    /**
     * The spec stored in {@code dir} when it is {@code spec}, arch aliases read as their canonical ids
     * (a sweep an earlier version stored with {@code vgg16bn} is the same sweep as one given with
     * {@code vgg16}); the stored one is returned, so its cells keep their directory names. Another
     * spec is refused (exit 2), naming what differs.
     */
    private static SweepSpec refuseAnother(Path dir, SweepSpec spec) {
        SweepSpec stored = read(dir);
        if (!stored.equals(spec) && !canonical(stored).equals(canonical(spec))) {
            throw new BadInputException(dir + " holds another sweep: " + difference(stored, spec)
                    + "; choose another --out, or rerun with the stored spec (" + SPEC + ")");
        }
        return stored;
    }

    /** {@code spec} with every model's arch as its canonical id. */
    private static SweepSpec canonical(SweepSpec spec) {
        ObjectNode n = LINE.valueToTree(spec);
        for (JsonNode m : n.path("models")) {
            ((ObjectNode) m).put("arch", Models.canonicalId(m.get("arch").asText()));
        }
        try {
            return LINE.treeToValue(n, SweepSpec.class);
        } catch (IOException e) {
            throw new IllegalStateException("sweep spec does not read back: " + e.getMessage(), e);
        }
    }

    /** What differs between the stored and the given spec, field by field, with the cell counts. */
    static String difference(SweepSpec stored, SweepSpec given) {
        JsonNode a = LINE.valueToTree(stored);
        JsonNode b = LINE.valueToTree(given);
        List<String> parts = new ArrayList<>();
        int ca = stored.cells().size();
        int cb = given.cells().size();
        parts.add(ca == cb ? ca + " cells both" : ca + " cells stored, " + cb + " given");
        for (Iterator<String> it = a.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!a.get(f).equals(b.get(f))) {
                parts.add(f + " " + a.get(f) + " stored, " + b.get(f) + " given");
            }
        }
        return String.join("; ", parts);
    }

    /** The sweep stored in {@code dir} (for {@code --index} and {@code plan} without a spec). */
    public static SweepDirectory load(Path dir) {
        return checked(new SweepDirectory(dir, read(dir)));
    }

    private static SweepSpec read(Path dir) {
        Path file = dir.resolve(SPEC);
        if (!Files.exists(file)) {
            throw new BadInputException(dir + " holds no sweep (" + SPEC + "); give a spec file or flags");
        }
        try {
            return JSON.readValue(file.toFile(), SweepSpec.class);
        } catch (IOException e) {
            throw new BadInputException(file + " is corrupt: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    public Path path() {
        return dir;
    }

    public SweepSpec spec() {
        return spec;
    }

    public List<SweepSpec.Cell> cells() {
        return cells;
    }

    /** The cell with index {@code i}, or a bad-input error naming the valid range. */
    public SweepSpec.Cell cell(int i) {
        if (i < 0 || i >= cells.size()) {
            throw new BadInputException("--index " + i + " is out of range: the sweep has cells 0.."
                    + (cells.size() - 1));
        }
        return cells.get(i);
    }

    public Path cellDir(SweepSpec.Cell c) {
        return dir.resolve(c.name());
    }

    /** Where a cell stands, as its directory shows it. */
    public enum State {
        PENDING, PARTIAL, RUNNING, DONE, DIVERGED, FAILED;

        /** Whether a sweep run leaves the cell alone: finished for good (a failed cell is retried). */
        public boolean finished() {
            return this == DONE || this == DIVERGED;
        }

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A cell's state with its epochs done and, when finished, its result. */
    public record Status(State state, int epochsDone, RunResult result) {}

    /**
     * Reads a cell's state without disturbing a process running it: result.json → done, diverged or
     * failed; a lock held by another process → running; a checkpoint → partial; else pending.
     */
    public Status status(SweepSpec.Cell c) {
        Path d = cellDir(c);
        Status finished = resultStatus(d);
        if (finished != null) {
            return finished;
        }
        int epochs = countLines(d.resolve(RunDirectory.METRICS));
        if (Files.isDirectory(d)) {
            try (CellLock lock = CellLock.tryAcquire(d)) {
                if (lock == null) {
                    return new Status(State.RUNNING, epochs, null);
                }
            } catch (IOException e) {
                return new Status(State.RUNNING, epochs, null);
            }
        }
        return new Status(Files.exists(d.resolve(Checkpoint.FILE)) ? State.PARTIAL : State.PENDING, epochs, null);
    }

    /** The state {@code result.json} gives (an unreadable one counts as failed), or null without one. */
    static Status resultStatus(Path d) {
        if (!Files.exists(d.resolve(RunDirectory.RESULT))) {
            return null;
        }
        int epochs = countLines(d.resolve(RunDirectory.METRICS));
        try {
            RunResult r = RunDirectory.readResult(d);
            State s = switch (r.status()) {
                case RunResult.DONE -> State.DONE;
                case RunResult.DIVERGED -> State.DIVERGED;
                default -> State.FAILED;
            };
            return new Status(s, epochs, r);
        } catch (IOException e) {
            return new Status(State.FAILED, epochs, null);
        }
    }

    private static int countLines(Path f) {
        try {
            return Files.exists(f) ? (int) Files.readAllLines(f).stream().filter(l -> !l.isBlank()).count() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Appends this process to the cell's {@code attempts.jsonl}: pid, host, start time and, inside a
     * Slurm job, the job ({@code <array job>_<task>} or the job id) and its restart count.
     */
    void recordAttempt(SweepSpec.Cell c, String host) throws IOException {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("pid", ProcessHandle.current().pid());
        a.put("host", host);
        a.put("started", Instant.now().toString());
        String job = slurmJob(System.getenv());
        if (job != null) {
            a.put("slurm_job", job);
            a.put("slurm_restart", Integer.parseInt(System.getenv().getOrDefault("SLURM_RESTART_COUNT", "0")));
        }
        Files.writeString(cellDir(c).resolve(ATTEMPTS), LINE.writeValueAsString(a) + "\n", StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** The Slurm job an environment belongs to: {@code <array job>_<task>} for an array task, else the job id. */
    static String slurmJob(Map<String, String> env) {
        String array = env.get("SLURM_ARRAY_JOB_ID");
        String task = env.get("SLURM_ARRAY_TASK_ID");
        return array != null && task != null ? array + "_" + task : env.get("SLURM_JOB_ID");
    }

    /** One line of a cell's {@code attempts.jsonl}; {@code slurmJob} null outside Slurm. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Attempt(long pid, String host, String started, @JsonProperty("slurm_job") String slurmJob) {}

    /** The cell's latest attempt, or null when none was recorded (or the file is unreadable). */
    public Attempt lastAttempt(SweepSpec.Cell c) {
        Path f = cellDir(c).resolve(ATTEMPTS);
        try {
            List<String> lines = Files.exists(f) ? Files.readAllLines(f) : List.of();
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    return LINE.readValue(lines.get(i), Attempt.class);
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    /**
     * An exclusive OS file lock on a cell's {@code .lock}, released on close; {@link #tryAcquire}
     * returns null when another process (or this one) holds it.
     */
    public static final class CellLock implements AutoCloseable {
        private final FileChannel channel;
        private final FileLock lock;

        private CellLock(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        public static CellLock tryAcquire(Path cellDir) throws IOException {
            Files.createDirectories(cellDir);
            FileChannel ch =
                    FileChannel.open(cellDir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                FileLock l = ch.tryLock();
                if (l == null) {
                    ch.close();
                    return null;
                }
                return new CellLock(ch, l);
            } catch (OverlappingFileLockException e) {
                ch.close();
                return null;
            }
        }

        @Override
        public void close() throws IOException {
            lock.release();
            channel.close();
        }
    }
}
