package org.initbench.perf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.initbench.BadInputException;
import org.initbench.init.TorchPython;

/**
 * Runs {@code pytorch/torch_reference.py} (eager PyTorch, the same models and training step as {@link
 * ThroughputBench}, on random data of the same shape) in a child process and reads its JSON. The
 * script is found under the initbench home ({@code -Dinitbench.home}, set by the launcher); the
 * interpreter defaults to {@value #DEFAULT_PYTHON}, Debian's, which has {@code python3-torch} (the
 * {@code python3} first on {@code PATH} may lack torch). The child inherits the environment, so the
 * launcher's tcmalloc preload applies to both sides.
 */
public final class TorchReference {
    /** Debian's interpreter, the one {@code python3-torch} installs into. */
    public static final String DEFAULT_PYTHON = TorchPython.DEFAULT;

    /** The script's path relative to the initbench home. */
    public static final String SCRIPT = "pytorch/torch_reference.py";

    /** One architecture's eager-PyTorch rates; {@code eval} is null when not measured. */
    public record ArchRate(String arch, String dataset, long params, ThroughputBench.Rate train,
            ThroughputBench.Rate eval) {}

    /** The script's environment block (torch version, threads, allocator, BLAS) and its rates. */
    public record Result(Map<String, Object> environment, List<ArchRate> results) {
        /** The rates of {@code arch}, or null. */
        public ArchRate of(String arch) {
            return results.stream().filter(r -> r.arch().equals(arch)).findFirst().orElse(null);
        }
    }

    /**
     * The reference script ran and failed on what it was asked to measure (e.g. torch 1.13 has no bf16 kernel for
     * ReLU6's backward, so MobileNetV2 under its autocast fails): one arch's comparison is missing, not the run's.
     */
    public static final class Failed extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        Failed(String message) {
            super(message);
        }
    }

    private TorchReference() {}

    /**
     * The script under {@code home} (or the {@code initbench.home} property when {@code home} is
     * null); bad input when it cannot be found.
     */
    public static Path script(Path home) {
        Path root = home;
        if (root == null) {
            String prop = System.getProperty("initbench.home");
            if (prop == null) {
                throw new BadInputException("--compare-torch needs the initbench checkout's " + SCRIPT
                        + "; run through the ./initbench launcher or set -Dinitbench.home");
            }
            root = Path.of(prop);
        }
        Path s = root.resolve(SCRIPT);
        if (!Files.isRegularFile(s)) {
            throw new BadInputException("--compare-torch: PyTorch reference script not found at " + s);
        }
        return s;
    }

    /**
     * Checks up front, before minutes of Java measurement, that {@code python} starts and imports
     * torch and numpy.
     *
     * @throws BadInputException when it does not
     */
    public static void check(String python) {
        Process p = start(List.of(python, "-c", "import torch, numpy"), python);
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        readAll(p.getInputStream());
        if (waitFor(p) != 0) {
            throw new BadInputException("--compare-torch: " + python + " cannot import torch and numpy ("
                    + lastLine(err.join()) + "); apt-get install python3-torch, or pass --python");
        }
    }

    /**
     * Runs the script and parses its output.
     *
     * @param python interpreter with torch
     * @param script the reference script
     * @param archs architectures, measured in this order
     * @param dataset data shape for every arch, or null for each arch's seed cell (as the bench does)
     * @param config batch size, warm-up, steps, repeats (width must be 1) and precision (bf16: PyTorch's own
     *     {@code torch.autocast} around forward and loss)
     * @param threads intra-op threads
     * @throws BadInputException when the interpreter cannot be started or has no torch
     */
    public static Result run(String python, Path script, List<String> archs, String dataset,
            ThroughputBench.Config config, int threads) {
        List<String> cmd = new ArrayList<>(List.of(python, script.toString(), "--arch", String.join(",", archs),
                "--batch-size", Integer.toString(config.batchSize()), "--warmup", Integer.toString(config.warmup()),
                "--steps", Integer.toString(config.steps()), "--repeats", Integer.toString(config.repeats()),
                "--threads", Integer.toString(threads), "--precision", config.precision()));
        if (dataset != null) {
            cmd.addAll(List.of("--dataset", dataset));
        }
        Process p = start(cmd, python);
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        String out = readAll(p.getInputStream());
        int code = waitFor(p);
        String stderr = err.join();
        if (code != 0) {
            if (stderr.contains("No module named 'torch'") || stderr.contains("No module named 'numpy'")) {
                throw new BadInputException("--compare-torch: " + python + " has no torch"
                        + " (apt-get install python3-torch, or pass --python with one that has it)");
            }
            throw new Failed("PyTorch reference failed (exit " + code + "): " + lastLine(stderr));
        }
        return parse(out);
    }

    private static Process start(List<String> cmd, String python) {
        try {
            return new ProcessBuilder(cmd).start();
        } catch (IOException e) {
            throw new BadInputException("--compare-torch: cannot start " + python + " (" + e.getMessage()
                    + "); install python3 and python3-torch or pass --python");
        }
    }

    private static int waitFor(Process p) {
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + p.info().command().orElse("python"), e);
        }
    }

    /** Parses the script's JSON document. */
    static Result parse(String json) {
        try {
            JsonNode doc = new ObjectMapper().readTree(json);
            @SuppressWarnings("unchecked")
            Map<String, Object> env = new ObjectMapper().convertValue(doc.get("environment"), LinkedHashMap.class);
            List<ArchRate> rates = new ArrayList<>();
            for (JsonNode r : doc.get("results")) {
                rates.add(new ArchRate(r.get("arch").asText(), r.get("dataset").asText(), r.get("params").asLong(),
                        rate(r.get("train")), r.has("eval") ? rate(r.get("eval")) : null));
            }
            return new Result(env, List.copyOf(rates));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("unreadable output of the PyTorch reference: " + e.getMessage(), e);
        }
    }

    private static ThroughputBench.Rate rate(JsonNode n) {
        return new ThroughputBench.Rate(n.get("median").asDouble(), n.get("min").asDouble(), n.get("max").asDouble(),
                n.get("repeats").asInt());
    }

    private static String readAll(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String lastLine(String s) {
        String[] lines = s.strip().split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1];
    }
}
