package org.initbench.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.initbench.BadInputException;

/**
 * A run's files (design §7): {@code spec.json}, {@code manifest.json}, {@code metrics.jsonl} (one
 * line per epoch) and {@code result.json} (written last, atomically; its presence means done).
 */
public final class RunDirectory {
    public static final String SPEC = "spec.json";
    public static final String MANIFEST = "manifest.json";
    public static final String METRICS = "metrics.jsonl";
    public static final String RESULT = "result.json";

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
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-check", ".tmp");
            Files.delete(probe);
        } catch (AccessDeniedException e) {
            throw new BadInputException("output directory " + dir + " is not writable", e);
        } catch (IOException e) {
            throw new BadInputException("cannot write to output directory " + dir + ": " + e.getMessage(), e);
        }
        return new RunDirectory(dir);
    }

    public Path path() {
        return dir;
    }

    /** Whether an earlier run started here and did not finish (a spec.json but no result.json). */
    public boolean holdsUnfinishedRun() {
        return Files.exists(dir.resolve(SPEC)) && !Files.exists(dir.resolve(RESULT));
    }

    /** Clears the files of an earlier (unfinished or forced) run before a fresh start. */
    public void reset() throws IOException {
        for (String f : new String[] {RESULT, METRICS, MANIFEST, SPEC}) {
            Files.deleteIfExists(dir.resolve(f));
        }
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

    /** Reads {@code result.json}. */
    public static RunResult readResult(Path dir) throws IOException {
        return JSON.readValue(dir.resolve(RESULT).toFile(), RunResult.class);
    }
}
