package org.initbench.init;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.initbench.BadInputException;
import org.initbench.model.Network;

/**
 * Runs {@code initbench_torch/bridge.py} (packaged from {@code pytorch/} into this jar, extracted once per JVM to a
 * private temporary directory): the twin of a {@link Network} is built after {@code torch.manual_seed(seed)}, the
 * user's {@code initialize_weights(model, config)} is called on it, and its {@code state_dict} comes back. Each
 * call works in its own temporary directory (request, result, parameters, the process' output), deleted when it
 * returns; the process is killed after {@link #TIMEOUT}. Every failure is one line.
 */
final class TorchBridge {
    /** The longest a bridge process may run. */
    static final Duration TIMEOUT = Duration.ofMinutes(10);

    private static final String RESOURCES = "python/initbench_torch/";
    private static final List<String> FILES = List.of("__init__.py", "models.py", "bridge.py");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int OUTPUT_TAIL = 300;

    private TorchBridge() {}

    /**
     * One parameter as the bridge returned it.
     *
     * @param shape its shape
     * @param values float32 values, row-major
     */
    record Tensor(Shape shape, float[] values) {}

    /**
     * What one run gave.
     *
     * @param torch the torch version, e.g. {@code 1.13.1}
     * @param tensors every {@code state_dict} entry but {@code num_batches_tracked}, by name
     */
    record Output(String torch, Map<String, Tensor> tensors) {}

    /** The extracted package's parent directory, made on first use; deleted when the JVM exits. */
    private static final class Extracted {
        static final Path DIR = extract();

        private static Path extract() {
            try {
                Path dir = Files.createTempDirectory("initbench-python");
                Path pkg = Files.createDirectory(dir.resolve("initbench_torch"));
                dir.toFile().deleteOnExit();
                pkg.toFile().deleteOnExit();
                for (String name : FILES) {
                    try (InputStream in = TorchBridge.class.getResourceAsStream(RESOURCES + name)) {
                        if (in == null) {
                            throw new IllegalStateException("resource " + RESOURCES + name + " missing from the jar");
                        }
                        Path target = pkg.resolve(name);
                        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                        target.toFile().deleteOnExit();
                    }
                }
                return dir;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot extract the torch: bridge", e);
            }
        }
    }

    /**
     * Runs {@code file}'s {@code initialize_weights} on the twin of {@code net}, torch seeded with {@code seed}
     * (as unsigned 64-bit).
     *
     * @param python the interpreter
     * @throws BadInputException when Python or torch is missing, the file fails to import, has no {@code
     *     initialize_weights} or raises, or the process fails or runs past {@link #TIMEOUT}
     */
    static Output run(String python, InitFile file, Network net, long seed) {
        Path work = null;
        try {
            work = Files.createTempDirectory("initbench-torch-init");
            writeRequest(work, file, net, seed);
            JsonNode result = execute(python, file, work);
            if (result.path("no_torch").asBoolean(false)) {
                throw new BadInputException(problem(python, "has no torch"));
            }
            if (!result.path("ok").asBoolean(false)) {
                throw new BadInputException("init " + file.id() + " " + result.path("error").asText("failed"));
            }
            return new Output(result.path("torch").asText(), readTensors(work.resolve("params.safetensors")));
        } catch (IOException e) {
            throw new UncheckedIOException("torch: init " + file.id() + ": " + e.getMessage(), e);
        } finally {
            deleteTree(work);
        }
    }

    private static void writeRequest(Path work, InitFile file, Network net, long seed) throws IOException {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("arch", net.arch());
        config.put("num_classes", net.numClasses());
        config.put("depth", net.depth());
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("file", file.path().toString());
        request.put("arch", net.arch());
        request.put("norm", net.norm().id());
        if (net.branchScalar()) {
            request.put("branch_scalar", true);
        }
        request.put("in_channels", net.inChannels());
        request.put("num_classes", net.numClasses());
        request.put("width", net.width());
        request.put("seed", new BigInteger(Long.toUnsignedString(seed)));
        request.put("config", config);
        JSON.writeValue(work.resolve("request.json").toFile(), request);
    }

    /** Starts the bridge, waits for it, and returns its result.json. */
    private static JsonNode execute(String python, InitFile file, Path work) throws IOException {
        Path log = work.resolve("output.log");
        ProcessBuilder pb = new ProcessBuilder(python, "-B", Extracted.DIR.resolve("initbench_torch/bridge.py")
                .toString(), work.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new BadInputException(problem(python, "cannot be started"), e);
        }
        try {
            p.getOutputStream().close();
            if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new BadInputException("init " + file.id() + " did not finish in " + TIMEOUT.toSeconds()
                        + " s; its Python process was killed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running init " + file.id(), e);
        } finally {
            if (p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
        Path result = work.resolve("result.json");
        if (!Files.isRegularFile(result)) {
            throw new BadInputException("init " + file.id() + ": Python '" + python + "' exited with code "
                    + p.exitValue() + " and no result: " + lastLine(log));
        }
        return JSON.readTree(result.toFile());
    }

    /** TorchPython's one-line reason, or a plain one when its probe finds nothing wrong. */
    private static String problem(String python, String what) {
        String problem = TorchPython.problem(python);
        return problem != null ? problem : "Python '" + python + "' " + what;
    }

    private static Map<String, Tensor> readTensors(Path file) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (NDManager manager = NDManager.newBaseManager();
                InputStream in = Files.newInputStream(file)) {
            for (NDArray array : NDList.decode(manager, in)) {
                out.put(array.getName(), new Tensor(array.getShape(), array.toFloatArray()));
            }
        }
        return out;
    }

    /** The output's last non-blank line, shortened: the reason a crashed process gives. */
    private static String lastLine(Path log) throws IOException {
        String output = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
        String last = output.lines().filter(l -> !l.isBlank()).reduce((a, b) -> b)
                .orElse("(no output)").strip();
        return last.length() <= OUTPUT_TAIL ? last : last.substring(0, OUTPUT_TAIL) + "...";
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a leftover temporary directory is not worth failing the run
        }
    }
}
