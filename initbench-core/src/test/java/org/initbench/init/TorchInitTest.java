package org.initbench.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.initbench.model.Norm;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code torch:} inits: the seed's {@code initialize_weights} run on the PyTorch twin and loaded into the Java model. */
class TorchInitTest {
    /** A seed above 2^63, so the bridge must pass it on as unsigned. */
    private static final long SEED = -3L;

    @BeforeEach
    void needsTorch() {
        TorchTesting.assumeTorch();
    }

    private static String spec(String fixture) {
        return "torch:" + TorchTesting.fixture(fixture);
    }

    @Test
    void resolvesToTheFilesIdWithoutOptions() {
        ResolvedInit r = InitRegistry.load().resolve(spec("custom_init.py"));
        assertThat(r.id()).isEqualTo("torch:" + TorchTesting.fixture("custom_init.py"));
        assertThat(r.options()).isEmpty();
        assertThat(r.dataDependent()).isFalse();
        assertThat(r.source().kind()).isEqualTo(InitFile.Kind.TORCH);
        assertThat(r.source().sha256()).hasSize(64);
        assertThat(r.strategy()).isInstanceOf(TorchInit.class);
    }

    /** The seed-shaped file: its argparse main does not run; BN 1/0, convs at the fan_out rule, fc N(0, 0.01). */
    @Test
    void seedShapedFileLoadsIntoResnet20() {
        Network net = Models.build("resnet20", 3, 10, 0.25, Norm.BN);
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, InitRegistry.load().resolve(spec("custom_init.py")).strategy(), SEED);
            for (Layer l : net.layers()) {
                float[] w = l.parameters().get("weight").getArray().toFloatArray();
                if (l.kind() == LayerKind.BATCH_NORM) {
                    assertThat(w).as(l.path()).containsOnly(1f);
                    assertThat(l.parameters().get("bias").getArray().toFloatArray()).containsOnly(0f);
                    continue;
                }
                double target = l.kind() == LayerKind.LINEAR ? 0.01 : Math.sqrt(2.0 / Fans.of(l).fanOut());
                assertThat(std(w)).as(l.path()).isCloseTo(target, within(target * 5 / Math.sqrt(w.length)));
                if (l.kind() == LayerKind.LINEAR) {
                    assertThat(l.parameters().get("bias").getArray().toFloatArray()).containsOnly(0f);
                }
            }
        }
    }

    /** The values are PyTorch's for that seed, to the bit: the twin run here by hand, not through the bridge. */
    @Test
    void valuesAreExactlyTheTwinsForTheSeed() throws Exception {
        Map<String, float[]> java = TorchTesting.values("resnet20", 3, 10, 0.25, Norm.BN, spec("custom_init.py"),
                SEED);
        String script = String.join("\n",
                "import importlib.util, sys",
                "sys.path.insert(0, sys.argv[1])",
                "import torch",
                "from initbench_torch import models",
                "torch.manual_seed(int(sys.argv[3]))",
                "net = models.build('resnet20', 3, 10, 0.25, 'bn')",
                "spec = importlib.util.spec_from_file_location('fixture', sys.argv[2])",
                "mod = importlib.util.module_from_spec(spec)",
                "spec.loader.exec_module(mod)",
                "mod.initialize_weights(net, {'arch': 'resnet20', 'num_classes': 10, 'depth': 22})",
                "sd = net.state_dict()",
                "for k in ('conv1.weight', 'layer3.2.conv2.weight', 'fc.weight'):",
                "    print(k, ' '.join(repr(v) for v in sd[k].flatten().tolist()))");
        Process p = new ProcessBuilder(TorchPython.interpreter(), "-B", "-c", script,
                Path.of("..", "pytorch").toAbsolutePath().toString(), TorchTesting.fixture("custom_init.py").toString(),
                Long.toUnsignedString(SEED)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        List<String> lines = out.lines().toList();
        assertThat(lines).hasSize(3);
        for (String line : lines) {
            String[] parts = line.split(" ");
            float[] expected = new float[parts.length - 1];
            for (int i = 1; i < parts.length; i++) {
                expected[i - 1] = (float) Double.parseDouble(parts[i]);
            }
            assertThat(java.get(parts[0])).as(parts[0]).containsExactly(expected);
        }
    }

    @Test
    void sameSeedSameValuesOtherSeedOthers() {
        Map<String, float[]> a = TorchTesting.values("plaincnn", 1, 10, 0.25, Norm.NONE, spec("custom_init.py"), 7);
        Map<String, float[]> b = TorchTesting.values("plaincnn", 1, 10, 0.25, Norm.NONE, spec("custom_init.py"), 7);
        Map<String, float[]> c = TorchTesting.values("plaincnn", 1, 10, 0.25, Norm.NONE, spec("custom_init.py"), 8);
        a.forEach((k, v) -> assertThat(b.get(k)).as(k).containsExactly(v));
        assertThat(c.get("features.0.weight")).isNotEqualTo(a.get("features.0.weight"));
    }

    /** BN works for every arch: each parameter of the inventory is found in the twin's state_dict, by name. */
    @ParameterizedTest
    @ValueSource(strings = {"resnet20", "resnet32", "resnet44", "resnet56", "resnet110", "vgg11", "vgg13", "vgg16",
        "vgg19", "mobilenetv2"})
    void everyArchLoadsUnderBatchNorm(String arch) {
        Map<String, float[]> v = TorchTesting.values(arch, 3, 100, 0.125, Norm.BN, spec("torch_kaiming_normal.py"), 1);
        assertThat(v).isNotEmpty();
    }

    /** Norm-free ResNet (Fixup's scalars keep their defaults 0 and 1, the file touches only convs and linears). */
    @Test
    void normFreeResnetLoadsItsScalars() {
        Map<String, float[]> v = TorchTesting.values("resnet20", 3, 10, 0.25, Norm.NONE,
                spec("torch_kaiming_normal.py"), 1);
        assertThat(v.get("layer1.0.bias1a.bias")).containsExactly(0f);
        assertThat(v.get("layer2.1.scale.weight")).containsExactly(1f);
    }

    /** Weight norm: weight_v and weight_g arrive as the file leaves them (here the default: g = ‖v‖ per row). */
    @Test
    void weightNormLoadsVAndG() {
        Map<String, float[]> v = TorchTesting.values("vgg11", 3, 10, 0.25, Norm.WEIGHTNORM, spec("torch_noop.py"), 1);
        float[] wv = v.get("features.0.weight_v");
        float[] g = v.get("features.0.weight_g");
        assertThat(g).hasSize(16);
        int cols = wv.length / g.length;
        for (int row = 0; row < g.length; row++) {
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += (double) wv[row * cols + j] * wv[row * cols + j];
            }
            assertThat((double) g[row]).isCloseTo(Math.sqrt(sum), within(1e-5));
        }
        assertThat(v.get("classifier.bias")).isNotEmpty();
    }

    /** The file's own directory is on sys.path: a sibling module imports. */
    @Test
    void siblingImportsWork(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("my_helpers.py"), "BN_GAMMA = 0.5\n");
        Path file = dir.resolve("my_init.py");
        Files.writeString(file, String.join("\n",
                "import torch.nn as nn",
                "from my_helpers import BN_GAMMA",
                "def initialize_weights(model, config):",
                "    for m in model.modules():",
                "        if isinstance(m, nn.BatchNorm2d):",
                "            nn.init.constant_(m.weight, BN_GAMMA)",
                ""));
        Map<String, float[]> v = TorchTesting.values("resnet20", 3, 10, 0.25, Norm.BN, "torch:" + file, 1);
        assertThat(v.get("bn1.weight")).containsOnly(0.5f);
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).as("no __pycache__ beside the file")
                    .containsExactlyInAnyOrder("my_helpers.py", "my_init.py");
        }
    }

    /** The torch version and interpreter are reported, before and after a run. */
    @Test
    void reportsTheTorchVersion() {
        TorchInit init = (TorchInit) InitRegistry.load().resolve(spec("torch_noop.py")).strategy();
        String version = TorchPython.torchVersion(TorchPython.interpreter());
        assertThat(init.provenance()).containsEntry("torch", version)
                .containsEntry("python", TorchPython.interpreter());
        Network net = Models.build("plaincnn", 1, 10, 0.25, Norm.NONE);
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, init, 3);
        }
        assertThat(init.provenance()).containsEntry("torch", version);
        assertThat(version).matches("\\d+\\.\\d+.*");
    }

    private static double std(float[] w) {
        double mean = 0;
        for (float v : w) {
            mean += v;
        }
        mean /= w.length;
        double sq = 0;
        for (float v : w) {
            sq += (v - mean) * (v - mean);
        }
        return Math.sqrt(sq / w.length);
    }
}
