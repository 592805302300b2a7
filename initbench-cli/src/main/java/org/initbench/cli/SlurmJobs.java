package org.initbench.cli;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The Slurm side of a sweep directory: the job arrays {@code sweep slurm --submit} submitted
 * ({@value #FILE}, one line per submission), and what {@code squeue} says of their tasks now.
 * Slurm is never required: without {@code squeue}, or for jobs it no longer knows, the status
 * comes from the run directories alone.
 */
final class SlurmJobs {
    static final String FILE = "slurm-jobs.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SlurmJobs() {}

    /** One submission: the array job id and the cell indices it runs (task id = cell index). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Submission(String job, List<Integer> cells, String submitted) {}

    static void record(Path sweepDir, String job, List<Integer> cells) throws IOException {
        Files.writeString(sweepDir.resolve(FILE), JSON.writeValueAsString(new Submission(job, cells,
                Instant.now().toString())) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Every recorded submission, oldest first; unreadable lines are skipped. */
    static List<Submission> submissions(Path sweepDir) {
        List<Submission> all = new ArrayList<>();
        Path f = sweepDir.resolve(FILE);
        try {
            for (String line : Files.exists(f) ? Files.readAllLines(f) : List.<String>of()) {
                try {
                    if (!line.isBlank()) {
                        all.add(JSON.readValue(line, Submission.class));
                    }
                } catch (IOException e) {
                    // a line cut short: skipped
                }
            }
        } catch (IOException e) {
            return all;
        }
        return all;
    }

    /** The array task of the latest submission that includes {@code cell}, as {@code <job>_<cell>}; else null. */
    static String latestTask(List<Submission> submissions, int cell) {
        for (int i = submissions.size() - 1; i >= 0; i--) {
            Submission s = submissions.get(i);
            if (s.cells() != null && s.cells().contains(cell)) {
                return s.job() + "_" + cell;
            }
        }
        return null;
    }

    /**
     * What {@code squeue} says of the given tasks ({@code <job>_<task>} or plain job ids): state and
     * reason, e.g. {@code PENDING (BeginTime)}; empty when squeue is missing, fails or knows none of them.
     */
    static Map<String, String> queueStates(String squeue, Set<String> tasks) {
        Set<String> jobs = new LinkedHashSet<>();
        for (String t : tasks) {
            jobs.add(t.contains("_") ? t.substring(0, t.indexOf('_')) : t);
        }
        if (jobs.isEmpty()) {
            return Map.of();
        }
        try {
            Process p = new ProcessBuilder(squeue, "-h", "-r", "-o", "%i|%T|%r", "-j", String.join(",", jobs))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Map.of();
            }
            return parseSqueue(text);
        } catch (IOException e) {
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
    }

    /** Parses {@code squeue -h -r -o '%i|%T|%r'} lines into id → {@code STATE} or {@code STATE (reason)}. */
    static Map<String, String> parseSqueue(String text) {
        Map<String, String> states = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\|", -1);
            if (f.length == 3 && !f[0].isEmpty()) {
                String reason = f[2].trim();
                states.put(f[0], f[1] + (reason.isEmpty() || reason.equals("None") ? "" : " (" + reason + ")"));
            }
        }
        return states;
    }
}
