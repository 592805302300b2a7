package org.initbench.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.initbench.BadInputException;
import org.initbench.model.Models;
import org.initbench.train.EpochMetrics;
import org.initbench.train.LayerStatsLog;
import org.initbench.train.LayerStatsRecord;

/**
 * A run's files (design §7): {@code spec.json}, {@code manifest.json}, {@code metrics.jsonl} (one
 * line per epoch), {@code checkpoint.bin} (the state after the last completed epoch, see {@link
 * Checkpoint}) and {@code result.json} (written last, atomically; its presence means finished); for an init
 * written in a file, {@code init-file/} holds a copy of it.
 */
public final class RunDirectory {
    public static final String SPEC = "spec.json";
    public static final String MANIFEST = "manifest.json";
    public static final String METRICS = "metrics.jsonl";
    public static final String RESULT = "result.json";
    /** Per-layer statistics during training ({@code --log-layer-stats}), one {@link LayerStatsRecord} a line. */
    public static final String LAYER_STATS = LayerStatsLog.FILE;
    /** The folder holding a copy of the file a {@code java:} or {@code torch:} init was written in. */
    public static final String INIT_FILE = "init-file";

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper JSON_LINE = new ObjectMapper();

    private final Path dir;

    private RunDirectory(Path dir) {
        this.dir = dir;
    }

    /**
     * Opens {@code dir} for a new run. A finished run there (a {@code result.json}) is refused unless
     * {@code force}; an unwritable location is refused. Both are {@link BadInputException}s, and
     * nothing in the directory is touched when refused.
     */
    public static RunDirectory create(Path dir, boolean force) {
        if (Files.exists(dir.resolve(RESULT)) && !force) {
            throw new BadInputException("output directory " + dir
                    + " holds a finished run (result.json); pass --force to overwrite or choose another --out");
        }
        requireWritable(dir);
        return new RunDirectory(dir);
    }

    /**
     * Creates {@code dir} (with its parents) and proves it writable with a probe file, for any output
     * directory (a run's, a report's); a {@link BadInputException} when it cannot.
     */
    public static void requireWritable(Path dir) {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-check", ".tmp");
            Files.delete(probe);
        } catch (AccessDeniedException e) {
            throw new BadInputException("output directory " + dir + " is not writable", e);
        } catch (IOException e) {
            throw new BadInputException("cannot write to output directory " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path path() {
        return dir;
    }

    /** Whether an earlier run started here and did not finish (a spec.json but no result.json). */
    public boolean holdsUnfinishedRun() {
        return Files.exists(dir.resolve(SPEC)) && !Files.exists(dir.resolve(RESULT));
    }

    /** Where the run's {@link Checkpoint} lives. */
    public Path checkpoint() {
        return dir.resolve(Checkpoint.FILE);
    }

    /**
     * Whether {@code spec.json} holds exactly {@code spec} (false when absent or unreadable), an arch
     * alias of an earlier version ({@code vgg16bn}) read as its canonical id.
     */
    public boolean holdsSpec(TrainSpec spec) {
        try {
            ObjectNode stored = (ObjectNode) JSON.readTree(dir.resolve(SPEC).toFile());
            stored.put("arch", Models.canonicalId(stored.get("arch").asText()));
            return spec.equals(JSON.treeToValue(stored, TrainSpec.class));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Clears the files of an earlier (unfinished or forced) run before a fresh start. */
    public void reset() throws IOException {
        for (String f : new String[] {RESULT, Checkpoint.FILE, METRICS, LAYER_STATS, MANIFEST, SPEC}) {
            Files.deleteIfExists(dir.resolve(f));
        }
        Path copies = dir.resolve(INIT_FILE);
        if (Files.isDirectory(copies)) {
            try (var files = Files.list(copies)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /** Copies an init's file into {@link #INIT_FILE} under its own name; returns the copy's path relative to here. */
    public Path keepInitFile(Path file) throws IOException {
        Path copies = Files.createDirectories(dir.resolve(INIT_FILE));
        Files.copy(file, copies.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        return Path.of(INIT_FILE, file.getFileName().toString());
    }

    public void writeJson(String name, Object value) throws IOException {
        Path tmp = Files.createTempFile(dir, "." + name, ".tmp");
        JSON.writeValue(tmp.toFile(), value);
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    public void appendMetrics(EpochMetrics m) throws IOException {
        Files.writeString(dir.resolve(METRICS), JSON_LINE.writeValueAsString(m) + "\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    /** Replaces {@code metrics.jsonl} atomically with {@code metrics} (on resume: the checkpoint's epochs). */
    public void rewriteMetrics(List<EpochMetrics> metrics) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (EpochMetrics m : metrics) {
            sb.append(JSON_LINE.writeValueAsString(m)).append('\n');
        }
        Path tmp = Files.createTempFile(dir, "." + METRICS, ".tmp");
        Files.writeString(tmp, sb);
        Files.move(tmp, dir.resolve(METRICS), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Appends one line to {@code layer-stats.jsonl}. */
    public void appendLayerStats(LayerStatsRecord r) throws IOException {
        Files.writeString(dir.resolve(LAYER_STATS), JSON_LINE.writeValueAsString(r) + "\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    /**
     * On resume after {@code epochs} epochs and {@code steps} steps of the next: keeps the lines of {@code
     * layer-stats.jsonl} up to there and drops later ones (rerun from the checkpoint) and unreadable ones
     * (a line a kill cut short); atomic. Nothing happens when the file is absent.
     */
    public void truncateLayerStats(int epochs, int steps) throws IOException {
        Path file = dir.resolve(LAYER_STATS);
        if (!Files.exists(file)) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        for (String line : Files.readAllLines(file)) {
            try {
                LayerStatsRecord r = line.isBlank() ? null : JSON_LINE.readValue(line, LayerStatsRecord.class);
                if (r != null && (r.epoch() <= epochs || r.epoch() == epochs + 1 && r.step() <= steps)) {
                    sb.append(line).append('\n');
                }
            } catch (IOException e) {
                // a partial line: dropped
            }
        }
        Path tmp = Files.createTempFile(dir, "." + LAYER_STATS, ".tmp");
        Files.writeString(tmp, sb);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Reads {@code layer-stats.jsonl} of {@code dir}; empty when absent. */
    public static List<LayerStatsRecord> readLayerStats(Path dir) throws IOException {
        Path file = dir.resolve(LAYER_STATS);
        List<LayerStatsRecord> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                out.add(JSON_LINE.readValue(lines.get(i), LayerStatsRecord.class));
            } catch (IOException e) {
                throw new IOException(LAYER_STATS + " line " + (i + 1) + ": "
                        + e.getMessage().lines().findFirst().orElse(""), e);
            }
        }
        return out;
    }

    /**
     * Adds a resume to {@code manifest.json}'s {@code resumed} list: after which epoch (and how many
     * steps of the next, when a stop request ended the previous attempt mid-epoch), when and on which
     * host (the provenance of a run that several processes worked on).
     */
    @SuppressWarnings("unchecked")
    public void recordResume(int epoch, int steps) throws IOException {
        Path file = dir.resolve(MANIFEST);
        Map<String, Object> manifest =
                Files.exists(file) ? JSON.readValue(file.toFile(), Map.class) : new LinkedHashMap<>();
        List<Object> resumed = (List<Object>) manifest.computeIfAbsent("resumed", k -> new ArrayList<>());
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("after_epoch", epoch);
        if (steps > 0) {
            entry.put("and_steps", steps);
        }
        entry.put("at", Instant.now().toString());
        entry.put("host", Manifest.hostName());
        resumed.add(entry);
        writeJson(MANIFEST, manifest);
    }

    /** Reads {@code result.json}. */
    public static RunResult readResult(Path dir) throws IOException {
        return JSON.readValue(dir.resolve(RESULT).toFile(), RunResult.class);
    }
}
