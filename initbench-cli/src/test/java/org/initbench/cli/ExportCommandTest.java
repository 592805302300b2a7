package org.initbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.initbench.cli.CliTestSupport.exec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.initbench.data.DatasetLocator;
import org.initbench.data.DatasetName;
import org.initbench.experiment.Recipe;
import org.initbench.experiment.TrainSpec;
import org.initbench.experiment.TrainingRun;
import org.initbench.init.InitRegistry;
import org.initbench.init.SampleBatch;
import org.initbench.testkit.FakeData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code initbench export}, and {@code java:} inits on the command line ({@code inspect --init java:...}). */
class ExportCommandTest {
    @TempDir static Path data;

    @BeforeAll
    static void fakeData() {
        FakeData.writeIdxDataset(data.resolve("fashion-mnist"), 48, 24, true, 3);
    }

    static String[] export(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("export", "--arch", "resnet20", "--dataset", "fashion-mnist",
                "--width", "0.25", "--init", "kaiming-normal", "--seed", "3", "--threads", "2",
                "--out", out.toString()));
        args.addAll(Arrays.asList(extra));
        return args.toArray(String[]::new);
    }

    /** The names of the arrays in an export file, read back with DJL. */
    static List<String> names(Path file) throws IOException {
        try (NDManager m = NDManager.newBaseManager();
                InputStream in = Files.newInputStream(file)) {
            NDList list = NDList.decode(m, in);
            return list.stream().map(NDArray::getName).toList();
        }
    }

    static void assertOneLine(CliTestSupport r, String... contains) {
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).startsWith("initbench: ").contains(contains);
        assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
    }

    @Test
    void writesBothFormatsKeyedByStateDictNames(@TempDir Path tmp) throws IOException {
        for (String ext : List.of("safetensors", "npz")) {
            Path out = tmp.resolve("init." + ext);
            CliTestSupport r = exec(export(out));
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).contains("wrote " + out, "initial weights of resnet20 (norm bn, width 0.25)",
                    "kaiming-normal:mode=fan_out,nonlinearity=relu,a=0", "seed 3");
            if (ext.equals("npz")) {
                assertThat(names(out)).startsWith("conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean",
                        "bn1.running_var", "bn1.num_batches_tracked").contains("fc.weight", "fc.bias");
            }
            assertThat(out).isNotEmptyFile();
        }
    }

    @Test
    void neverOverwritesWithoutForce(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("w.npz");
        Files.writeString(out, "keep");
        assertOneLine(exec(export(out)), "exists", "--force");
        assertThat(Files.readString(out)).isEqualTo("keep");
        assertOneLine(exec(export(out, "--arch", "resnet21", "--force")), "unknown arch 'resnet21'");
        assertThat(Files.readString(out)).isEqualTo("keep");
        CliTestSupport forced = exec(export(out, "--force"));
        assertThat(forced.exitCode()).as(forced.err()).isZero();
        assertThat(Files.size(out)).isGreaterThan(100);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"--arch=resnet21|unknown arch 'resnet21'", "--init=he|unknown init 'he'",
        "--init=kaiming-normal:mode=both|valid: fan_in, fan_out, fan_avg, fan_geo_avg", "--dataset=svhn|unknown dataset 'svhn'",
        "--norm=ln|ln", "--width=0|width"})
    void badInputExitsTwoWithOneLineAndWritesNothing(String bad, String message, @TempDir Path tmp) {
        Path out = tmp.resolve("w.safetensors");
        assertOneLine(exec(export(out, bad)), message);
        assertThat(out).doesNotExist();
    }

    /** The arrays of an export file by name, as float64 (running statistics and scalars included). */
    static Map<String, double[]> arrays(Path file) throws IOException {
        Map<String, double[]> out = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager();
                InputStream in = Files.newInputStream(file)) {
            for (NDArray a : NDList.decode(m, in)) {
                out.put(a.getName(), a.toType(DataType.FLOAT64, false).toDoubleArray());
            }
        }
        return out;
    }

    @Test
    void exportsADataDependentInitFromTheRunsSampleBatch(@TempDir Path tmp) throws IOException {
        Path base = tmp.resolve("base.npz");
        Path fit = tmp.resolve("fit.npz");
        Path again = tmp.resolve("again.npz");
        Path other = tmp.resolve("other.npz");
        String[] data16 = {"--data-dir", data.toString(), "--batch-size", "16"};
        assertThat(exec(export(base)).exitCode()).isZero();
        for (Path out : List.of(fit, again)) {
            CliTestSupport r = exec(export(out, concat(data16, "--init", "gradinit:iters=2,lr=0.1,grad-clip=0")));
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).contains("initial weights of resnet20", "gradinit:", "seed 3");
        }
        CliTestSupport r = exec(export(other, "--data-dir", data.toString(), "--batch-size", "8", "--init",
                "gradinit:iters=2,lr=0.1,grad-clip=0"));
        assertThat(r.exitCode()).as(r.err()).isZero();

        Map<String, double[]> b = arrays(base);
        Map<String, double[]> f = arrays(fit);
        assertThat(f.keySet()).containsExactlyElementsOf(b.keySet());
        int rescaled = 0;
        for (String k : b.keySet()) {
            double[] x = b.get(k);
            double[] y = f.get(k);
            if (k.endsWith("running_mean") || k.endsWith("running_var") || k.endsWith("num_batches_tracked")) {
                assertThat(y).as(k).containsExactly(x);
                continue;
            }
            double xx = 0;
            double xy = 0;
            for (int i = 0; i < x.length; i++) {
                xx += x[i] * x[i];
                xy += x[i] * y[i];
            }
            double alpha = xx == 0 ? 0 : xy / xx; // GradInit: every tensor its base times one scale α
            for (int i = 0; i < x.length; i++) {
                assertThat(y[i]).as(k).isCloseTo(alpha * x[i], within(1e-6 * (1 + Math.abs(x[i]))));
            }
            rescaled += Math.abs(alpha - 1) > 1e-4 && xx > 0 ? 1 : 0;
        }
        assertThat(rescaled).isGreaterThan(10);
        Map<String, double[]> g = arrays(again); // same seed, same sample batch: the same values (the zip's times differ)
        f.forEach((k, v) -> assertThat(g.get(k)).as(k).containsExactly(v));
        Map<String, double[]> o = arrays(other); // another batch size, another sample batch: other scales
        assertThat(o.keySet().stream().filter(k -> !Arrays.equals(o.get(k), f.get(k)))).isNotEmpty();
    }

    @Test
    void writesTheSampleBatchADataDependentInitGot(@TempDir Path tmp) throws IOException {
        Path weights = tmp.resolve("w.npz");
        Path pool = tmp.resolve("pool.npz");
        String[] lsuv = {"--data-dir", data.toString(), "--batch-size", "16", "--init", "lsuv"};
        CliTestSupport r = exec(export(weights, concat(lsuv, "--sample-batch", pool.toString())));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote " + weights, "wrote " + pool, "16 images of 1x32x32");

        TrainSpec spec = TrainingRun.validate(new TrainSpec("resnet20", "fashion-mnist", "lsuv", 3,
                Recipe.SEED.withWidth(0.25).withBatchSize(16)), InitRegistry.load());
        SampleBatch expected = TrainingRun.sampleBatch(spec,
                DatasetLocator.load(DatasetName.FASHION_MNIST, data, notice -> { }));
        try (NDManager m = NDManager.newBaseManager();
                InputStream in = Files.newInputStream(pool)) {
            NDList list = NDList.decode(m, in);
            assertThat(list.stream().map(NDArray::getName)).containsExactly("images", "labels");
            assertThat(list.get(0).getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(list.get(0).getShape()).isEqualTo(new Shape(16, 1, 32, 32));
            assertThat(list.get(0).toFloatArray()).containsExactly(expected.images());
            assertThat(list.get(1).getDataType()).isEqualTo(DataType.INT64);
            assertThat(list.get(1).toLongArray())
                    .containsExactly(Arrays.stream(expected.labels()).asLongStream().toArray());
        }

        Path kept = Files.writeString(tmp.resolve("kept.npz"), "keep"); // exists: nothing written, nothing lost
        Path w2 = tmp.resolve("w2.npz");
        assertOneLine(exec(export(w2, concat(lsuv, "--sample-batch", kept.toString()))), "exists", "--force");
        assertThat(w2).doesNotExist();
        assertThat(Files.readString(kept)).isEqualTo("keep");
        assertOneLine(exec(export(w2, "--sample-batch", tmp.resolve("p.npz").toString())), "data-free");
        assertOneLine(exec(export(w2, concat(lsuv, "--sample-batch", w2.toString()))), "cannot both go to");
        assertThat(w2).doesNotExist();
        assertThat(tmp.resolve("p.npz")).doesNotExist();
    }

    @Test
    void aDataDependentInitWithoutItsDatasetExitsTwoAndWritesNothing(@TempDir Path tmp) throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("no-data"));
        Path out = tmp.resolve("w.npz");
        assertOneLine(exec("export", "--arch", "resnet20", "--dataset", "cifar10", "--width", "0.25", "--init", "lsuv",
                "--data-dir", empty.toString(), "--out", out.toString()), "cifar10: dataset not found");
        assertThat(out).doesNotExist();
    }

    private static String[] concat(String[] a, String... b) {
        List<String> out = new ArrayList<>(Arrays.asList(a));
        out.addAll(Arrays.asList(b));
        return out.toArray(String[]::new);
    }

    @Test
    void badExtensionAndUnwritableOutputAreOneLine(@TempDir Path tmp) throws IOException {
        assertOneLine(exec(export(tmp.resolve("w.pt"))), ".safetensors", ".npz");
        assertThat(tmp.resolve("w.pt")).doesNotExist();
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertOneLine(exec(export(file.resolve("w.npz"))), "cannot write");
    }

    @Test
    void exportsARunsLastCheckpointAndRefusesARunWithoutOne(@TempDir Path tmp) throws IOException {
        Path run = tmp.resolve("run");
        CliTestSupport trained = exec("train", "--arch", "resnet20", "--dataset", "fashion-mnist", "--data-dir",
                data.toString(), "--epochs", "1", "--batch-size", "16", "--width", "0.25", "--threads", "2",
                "--init", "kaiming-normal", "--out", run.toString());
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        Path out = tmp.resolve("last.npz");
        CliTestSupport r = exec("export", "--from-run", run.toString(), "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("checkpoint after epoch 1 of resnet20");
        assertThat(names(out)).contains("layer3.2.bn2.running_var", "layer3.2.bn2.num_batches_tracked");

        assertOneLine(exec("export", "--from-run", run.toString(), "--seed", "4", "--out",
                tmp.resolve("x.npz").toString()), "drop --seed");
        Path bare = Files.createDirectories(tmp.resolve("bare"));
        Files.copy(run.resolve("spec.json"), bare.resolve("spec.json"));
        assertOneLine(exec("export", "--from-run", bare.toString(), "--out", tmp.resolve("y.npz").toString()),
                "no checkpoint");
        assertThat(tmp.resolve("y.npz")).doesNotExist();
        assertOneLine(exec("export", "--from-run", tmp.resolve("none").toString(), "--out",
                tmp.resolve("z.npz").toString()), "not a run directory");
    }

    @Test
    void inspectRunsAJavaInitAndACompileErrorIsOneLine(@TempDir Path tmp) throws IOException {
        Path init = Files.writeString(tmp.resolve("Halves.java"), """
                import org.initbench.init.InitContext;
                import org.initbench.init.InitStrategy;
                import org.initbench.model.Layer;

                public class Halves implements InitStrategy {
                    public void initialize(InitContext ctx) {
                        for (Layer layer : ctx.network().layers()) {
                            if (!ctx.initScalar(layer)) {
                                ctx.fill(layer, "weight", 0.5f);
                                if (ctx.has(layer, "bias")) {
                                    ctx.fill(layer, "bias", 0f);
                                }
                            }
                        }
                    }
                }
                """);
        String[] inspect = {"inspect", "--arch", "resnet20", "--dataset", "fashion-mnist", "--data-dir",
            data.toString(), "--width", "0.25", "--batch", "8", "--threads", "2", "--input", "gaussian"};
        List<String> ok = new ArrayList<>(Arrays.asList(inspect));
        ok.addAll(List.of("--init", "java:" + init, "--out", tmp.resolve("insp").toString()));
        CliTestSupport r = exec(ok.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("== java:" + init.toAbsolutePath() + " ==");

        Path broken = Files.writeString(tmp.resolve("Broken.java"), """
                public class Broken implements org.initbench.init.InitStrategy {
                    public void initialize(org.initbench.init.InitContext ctx) {
                        ctx.nope();
                    }
                }
                """);
        List<String> bad = new ArrayList<>(Arrays.asList(inspect));
        bad.addAll(List.of("--init", "java:" + broken, "--out", tmp.resolve("insp2").toString()));
        assertOneLine(exec(bad.toArray(String[]::new)), "Broken.java:3: error: cannot find symbol");
        assertThat(tmp.resolve("insp2")).doesNotExist();
    }
}
