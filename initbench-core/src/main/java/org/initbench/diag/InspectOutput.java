package org.initbench.diag;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.initbench.BadInputException;

/**
 * Writes an {@link InspectReport} into a directory: {@code inspect.json}, the text table as {@code
 * inspect.txt}, and the PNGs of {@link InspectPlots}. Existing files are never overwritten unless
 * forced ({@link #checkWritable} runs before the measurement); each file is written to a temporary
 * name and moved into place.
 */
public final class InspectOutput {
    /** File names. */
    public static final String JSON = "inspect.json";
    public static final String TABLE = "inspect.txt";

    /** Every file an inspection may write. */
    public static final List<String> FILES = List.of(JSON, TABLE, InspectPlots.ACTIVATION_STD,
            InspectPlots.GRAD_NORM, InspectPlots.RESIDUAL_RATIO);

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private InspectOutput() {}

    /** Refuses (bad input) a directory that already holds one of {@link #FILES}, unless {@code force}. */
    public static void checkWritable(Path dir, boolean force) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new BadInputException("--out " + dir + " is a file, not a directory");
        }
        if (force) {
            return;
        }
        List<String> present = new ArrayList<>();
        for (String f : FILES) {
            if (Files.exists(dir.resolve(f))) {
                present.add(f);
            }
        }
        if (!present.isEmpty()) {
            throw new BadInputException(dir + " already holds " + String.join(", ", present)
                    + "; choose another --out or pass --force to overwrite");
        }
    }

    /** The report as JSON text. */
    public static String json(InspectReport r) throws IOException {
        return MAPPER.writeValueAsString(r);
    }

    /** Writes JSON, table and plots; returns the files written, in order. */
    public static List<Path> write(Path dir, InspectReport r, boolean force) throws IOException {
        checkWritable(dir, force);
        Files.createDirectories(dir);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(JSON, json(r).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        files.put(TABLE, InspectTable.render(r).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        files.putAll(InspectPlots.render(r));
        List<Path> written = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Path target = dir.resolve(e.getKey());
            Path tmp = dir.resolve("." + e.getKey() + ".tmp");
            try {
                Files.write(tmp, e.getValue());
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            written.add(target);
        }
        return written;
    }
}
