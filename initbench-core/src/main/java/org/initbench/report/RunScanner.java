package org.initbench.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.initbench.BadInputException;
import org.initbench.experiment.RunDirectory;
import org.initbench.experiment.RunResult;
import org.initbench.experiment.TrainSpec;
import org.initbench.model.Models;
import org.initbench.train.EpochMetrics;

/**
 * Finds the runs under a runs directory: every directory holding a {@code spec.json} (design §7).
 * Reading never throws for a damaged run: an unreadable or inconsistent {@code spec.json}, {@code
 * metrics.jsonl} or {@code result.json} makes the run {@link RunStatus#CORRUPT} with the reason.
 * Unknown extra fields in the JSON files are ignored; other files (checkpoints, locks, {@code
 * sweep.json}) are not looked at.
 */
public final class RunScanner {
    /** The spec fields a run must have ({@code norm} may be absent: the arch's own). */
    static final List<String> REQUIRED_SPEC_FIELDS = List.of("arch", "dataset", "init", "seed", "epochs",
            "batchSize", "lr", "momentum", "weightDecay", "nesterov", "trainSubset", "testSubset", "width");
    private static final List<String> REQUIRED_METRICS_FIELDS = List.of("epoch", "trainLoss", "trainAcc",
            "testLoss", "testAcc");
    private static final List<String> REQUIRED_RESULT_FIELDS = List.of("status", "epochsCompleted",
            "bestTestAcc", "bestEpoch", "finalTestAcc");
    private static final Set<String> RESULT_STATUSES = Set.of(RunResult.DONE, RunResult.DIVERGED, "failed");

    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private RunScanner() {}

    /**
     * Every run under {@code root} (recursively), ordered by path. {@code skip} (e.g. the report's
     * own output directory) is not entered; may be null.
     *
     * @throws BadInputException when {@code root} is not a readable directory
     */
    public static List<RunRecord> scan(Path root, Path skip) {
        if (!Files.isDirectory(root)) {
            throw new BadInputException("runs directory " + root + " does not exist or is not a directory");
        }
        Path skipAbs = skip == null ? null : skip.toAbsolutePath().normalize();
        List<Path> dirs = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (skipAbs != null && dir.toAbsolutePath().normalize().equals(skipAbs)) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    if (Files.isRegularFile(dir.resolve(RunDirectory.SPEC))) {
                        dirs.add(dir);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return FileVisitResult.CONTINUE; // an unreadable subdirectory holds no readable run
                }
            });
        } catch (IOException e) {
            throw new BadInputException("cannot read runs directory " + root + ": " + e.getMessage(), e);
        }
        List<RunRecord> runs = new ArrayList<>();
        for (Path d : dirs) {
            runs.add(read(root, d));
        }
        runs.sort(Comparator.comparing(RunRecord::path));
        return runs;
    }

    /** Reads one run directory; never throws for damaged files. */
    public static RunRecord read(Path root, Path dir) {
        String rel = root.relativize(dir).toString().replace('\\', '/');
        if (rel.isEmpty()) {
            rel = ".";
        }
        TrainSpec spec;
        try {
            spec = readSpec(dir.resolve(RunDirectory.SPEC));
        } catch (IOException | RuntimeException e) {
            return new RunRecord(dir, rel, null, List.of(), null, RunStatus.CORRUPT,
                    RunDirectory.SPEC + ": " + message(e));
        }
        List<EpochMetrics> metrics = List.of();
        Path mf = dir.resolve(RunDirectory.METRICS);
        if (Files.exists(mf)) {
            try {
                metrics = readMetrics(mf);
            } catch (IOException | RuntimeException e) {
                return new RunRecord(dir, rel, spec, List.of(), null, RunStatus.CORRUPT,
                        RunDirectory.METRICS + ": " + message(e));
            }
        }
        Path rf = dir.resolve(RunDirectory.RESULT);
        if (!Files.exists(rf)) {
            return new RunRecord(dir, rel, spec, metrics, null, RunStatus.RUNNING, null);
        }
        RunResult result;
        try {
            result = readResult(rf);
        } catch (IOException | RuntimeException e) {
            return new RunRecord(dir, rel, spec, metrics, null, RunStatus.CORRUPT,
                    RunDirectory.RESULT + ": " + message(e));
        }
        RunStatus status = switch (result.status()) {
            case RunResult.DONE -> RunStatus.DONE;
            case RunResult.DIVERGED -> RunStatus.DIVERGED;
            default -> RunStatus.FAILED;
        };
        if (status == RunStatus.DONE && result.epochsCompleted() != metrics.size()) {
            return new RunRecord(dir, rel, spec, metrics, result, RunStatus.CORRUPT, RunDirectory.RESULT
                    + " reports " + result.epochsCompleted() + " epochs, " + RunDirectory.METRICS + " has "
                    + metrics.size());
        }
        return new RunRecord(dir, rel, spec, metrics, result, status,
                status == RunStatus.DONE ? null : result.reason());
    }

    static TrainSpec readSpec(Path f) throws IOException {
        JsonNode n = JSON.readTree(f.toFile());
        requireFields(n, REQUIRED_SPEC_FIELDS);
        TrainSpec s = JSON.treeToValue(n, TrainSpec.class);
        for (String textual : List.of("arch", "dataset", "init")) {
            if (!n.get(textual).isTextual() || n.get(textual).asText().isBlank()) {
                throw new IllegalArgumentException("field " + textual + " must be a non-empty string");
            }
        }
        // An earlier version's alias (vgg16bn) reports in the same column as its canonical id (vgg16).
        return s.arch().equals(Models.canonicalId(s.arch())) ? s
                : JSON.treeToValue(((ObjectNode) n).put("arch", Models.canonicalId(s.arch())), TrainSpec.class);
    }

    static List<EpochMetrics> readMetrics(Path f) throws IOException {
        List<String> lines = Files.readAllLines(f);
        List<EpochMetrics> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            EpochMetrics m;
            try {
                JsonNode n = JSON.readTree(line);
                requireFields(n, REQUIRED_METRICS_FIELDS);
                m = JSON.treeToValue(n, EpochMetrics.class);
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + message(e), e);
            }
            if (m.epoch() != out.size() + 1) {
                throw new IllegalArgumentException("line " + (i + 1) + ": epoch " + m.epoch() + " where "
                        + (out.size() + 1) + " was expected");
            }
            for (double v : new double[] {m.trainAcc(), m.testAcc()}) {
                if (!(v >= 0 && v <= 1)) {
                    throw new IllegalArgumentException("line " + (i + 1) + ": accuracy " + v
                            + " outside [0, 1]");
                }
            }
            out.add(m);
        }
        return out;
    }

    static RunResult readResult(Path f) throws IOException {
        JsonNode n = JSON.readTree(f.toFile());
        requireFields(n, REQUIRED_RESULT_FIELDS);
        RunResult r = JSON.treeToValue(n, RunResult.class);
        if (r.status() == null || !RESULT_STATUSES.contains(r.status())) {
            throw new IllegalArgumentException("unknown status '" + r.status()
                    + "' (expected done, diverged or failed)");
        }
        if (RunResult.DONE.equals(r.status())) {
            for (double v : new double[] {r.bestTestAcc(), r.finalTestAcc()}) {
                if (!(v >= 0 && v <= 1)) {
                    throw new IllegalArgumentException("accuracy " + v + " outside [0, 1]");
                }
            }
        }
        return r;
    }

    private static void requireFields(JsonNode n, List<String> fields) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        for (String f : fields) {
            if (!n.hasNonNull(f)) {
                throw new IllegalArgumentException("missing field " + f);
            }
        }
    }

    private static String message(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && (t.getMessage() == null
                || t instanceof com.fasterxml.jackson.databind.exc.ValueInstantiationException)) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
