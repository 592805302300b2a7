package org.initbench.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.initbench.init.InitRegistry;
import org.initbench.init.TorchPython;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.initbench.model.Norm;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code initbench export} against the PyTorch twin ({@code pytorch/load_export.py} on Debian's torch): the file
 * loads with {@code load_state_dict(strict=True)} and every value arrives bit for bit; and for every arch and norm
 * the twin's state_dict keys, order, shapes and dtypes are the export's. Skipped, with the reason, without a Python
 * that has torch.
 */
class WeightsExportTorchTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static String python;
    private static Path script;

    @BeforeAll
    static void torch() {
        python = TorchPython.interpreter();
        String problem = TorchPython.problem(python);
        Assumptions.assumeTrue(problem == null, () -> "PyTorch cross-check skipped: " + problem);
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("pytorch/load_export.py"))) {
            dir = dir.getParent();
        }
        Assumptions.assumeTrue(dir != null, "pytorch/load_export.py not found above the working directory");
        script = dir.resolve("pytorch/load_export.py");
    }

    @ParameterizedTest(name = "{0} {3} width {2} on {1} with {4}, branch scalar {5}")
    @CsvSource({
        "resnet20, cifar10, 0.25, bn, kaiming-normal, false",
        "vgg11, fashion-mnist, 0.125, bn, orthogonal, false",
        "mobilenetv2, cifar100, 0.25, bn, pytorch-default, false",
        "resnet20, cifar10, 0.25, none, fixup-original, false",
        "resnet20, cifar10, 0.25, none, skipinit, true",
        "mobilenetv2, cifar100, 0.25, bn, rezero, true",
        "resnet20, cifar10, 0.25, weightnorm, kaiming-normal, true",
    })
    void exportLoadsIntoTheTwinBitForBit(String arch, String dataset, double width, String norm, String init,
            boolean alpha, @TempDir Path tmp) throws Exception {
        TrainSpec spec = new TrainSpec(arch, dataset, init, 5, Recipe.SEED.withWidth(width).withNorm(norm)
                .withBranchScalar(alpha));
        List<Entry> expected = expected(spec);
        for (String ext : List.of(".safetensors", ".npz")) {
            Path file = tmp.resolve("w" + ext);
            WeightsExport.Written w = WeightsExport.initial(spec, InitRegistry.load(), null, file, null, false);
            assertThat(w.tensors()).isEqualTo(expected.size());
            String[] shape = datasetShape(dataset);
            List<Entry> loaded = new ArrayList<>();
            List<String> args = new ArrayList<>(List.of("load", file.toString(), arch, shape[0], shape[1],
                    Double.toString(width), norm));
            if (alpha) {
                args.add("alpha");
            }
            for (String line : python(args.toArray(String[]::new))) {
                JsonNode n = JSON.readTree(line);
                loaded.add(new Entry(n.get("key").asText(), n.get("dtype").asText(), n.get("shape").toString(),
                        n.get("sha256").asText()));
            }
            assertThat(loaded).as(ext).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void twinStateDictKeysOrderAndShapesAreTheExports() throws Exception {
        List<String> models = new ArrayList<>();
        for (String arch : List.of("resnet20", "resnet32", "resnet44", "resnet56", "resnet110", "vgg11", "vgg13",
                "vgg16", "vgg19", "mobilenetv2")) {
            models.add(arch + ":3:10:0.25:bn");
        }
        models.add("plaincnn:3:10:0.25:none");
        models.add("resnet20:3:10:0.25:none");
        models.add("resnet20:3:10:0.25:weightnorm");
        for (String norm : List.of("bn", "none", "weightnorm")) {
            models.add("resnet20:3:10:0.25:" + norm + ":alpha");
        }
        models.add("mobilenetv2:3:10:0.25:bn:alpha");
        List<String> lines = python(prepend("keys", models));
        assertThat(lines).hasSize(models.size());
        for (int i = 0; i < models.size(); i++) {
            String[] m = models.get(i).split(":");
            JsonNode twin = JSON.readTree(lines.get(i));
            List<String> torchKeys = new ArrayList<>();
            twin.get("entries").forEach(e -> torchKeys.add(e.get("key").asText() + " " + e.get("dtype").asText()
                    + " " + e.get("shape")));
            Network net = Models.build(m[0], 3, 10, Double.parseDouble(m[3]), Norm.parse(m[4]), m.length > 5);
            List<String> ours = new ArrayList<>();
            try (NDManager mgr = NDManager.newBaseManager()) {
                Models.materialize(net, mgr);
                for (NDArray a : WeightsExport.stateDict(net, 0, mgr)) {
                    ours.add(a.getName() + " " + (a.getDataType() == DataType.INT64 ? "int64" : "float32") + " "
                            + JSON.writeValueAsString(a.getShape().getShape()));
                }
            }
            assertThat(ours).as(models.get(i)).containsExactlyElementsOf(torchKeys);
        }
    }

    /** One state_dict entry: its key, dtype, shape (JSON) and the SHA-256 of its little-endian bytes. */
    record Entry(String key, String dtype, String shape, String sha256) {}

    /** The entries of the initial weights of {@code spec}, built here as a run builds them. */
    private static List<Entry> expected(TrainSpec spec) throws Exception {
        TrainSpec resolved = TrainingRun.validate(spec, InitRegistry.load());
        Network net = TrainingRun.network(resolved);
        List<Entry> out = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            TrainingRun.initialize(net, resolved, InitRegistry.load().resolve(resolved.init()), null);
            NDList dict = WeightsExport.stateDict(net, 0, m);
            for (NDArray a : dict) {
                ByteBuffer b;
                String dtype;
                if (a.getDataType() == DataType.INT64) {
                    long[] v = a.toLongArray();
                    b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                    b.asLongBuffer().put(v);
                    dtype = "int64";
                } else {
                    float[] v = a.toFloatArray();
                    b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                    b.asFloatBuffer().put(v);
                    dtype = "float32";
                }
                out.add(new Entry(a.getName(), dtype, JSON.writeValueAsString(a.getShape().getShape()),
                        sha256(b.array())));
            }
        }
        return out;
    }

    private static String sha256(byte[] b) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static String[] datasetShape(String dataset) {
        org.initbench.data.DatasetName d = org.initbench.data.DatasetName.parse(dataset);
        return new String[] {Integer.toString(d.channels()), Integer.toString(d.numClasses())};
    }

    private static String[] prepend(String first, List<String> rest) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(rest);
        return all.toArray(String[]::new);
    }

    /** Runs the script; its stdout lines, or a failure with its output. */
    private static List<String> python(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(python, script.toString()));
        cmd.addAll(List.of(args));
        Path err = Files.createTempFile("load-export", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + Files.readString(err)).isZero();
            return out.lines().toList();
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
