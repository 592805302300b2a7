package org.initbench.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.initbench.BadInputException;
import org.initbench.init.InitContext;
import org.initbench.init.builtin.PytorchDefault;
import org.junit.jupiter.api.Test;

/** The norm-free (Fixup) and weight-normalized variants of the models. */
class NormVariantsTest {

    /** A WN conv computes conv(x, g·v/‖v‖) + b, with g, v, b random; the reference is computed in Java. */
    @Test
    void weightNormConvEqualsPlainConvWithNormalizedWeight() {
        try (NDManager m = NDManager.newBaseManager()) {
            WeightNormBlock wn = WeightNormBlock.conv(3, 4, 3, 2, 1);
            wn.initialize(m, DataType.FLOAT32, new Shape(2, 3, 8, 8));
            Map<String, float[]> p = randomize(wn, new Random(5));
            float[] w = expectedWeight(p.get("weight_v"), p.get("weight_g"));
            NDArray x = m.randomNormal(new Shape(2, 3, 8, 8));
            NDArray actual = wn.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
            NDArray expected = Conv2d.conv2d(x, m.create(w, new Shape(4, 3, 3, 3)), m.create(p.get("bias")),
                    new Shape(2, 2), new Shape(1, 1), new Shape(1, 1), 1).singletonOrThrow();
            assertThat(actual.getShape()).isEqualTo(new Shape(2, 4, 4, 4));
            assertThat(wn.getOutputShapes(new Shape[] {new Shape(2, 3, 8, 8)})[0]).isEqualTo(actual.getShape());
            assertClose(actual.toFloatArray(), expected.toFloatArray());
        }
    }

    @Test
    void weightNormLinearEqualsPlainLinearAndGradientsReachGAndV() {
        try (NDManager m = NDManager.newBaseManager()) {
            WeightNormBlock wn = WeightNormBlock.linear(5, 3);
            wn.initialize(m, DataType.FLOAT32, new Shape(4, 5));
            Map<String, float[]> p = randomize(wn, new Random(6));
            float[] w = expectedWeight(p.get("weight_v"), p.get("weight_g"));
            NDArray x = m.randomNormal(new Shape(4, 5));
            NDArray expected = Linear.linear(x, m.create(w, new Shape(3, 5)), m.create(p.get("bias")))
                    .singletonOrThrow();
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = wn.forward(new ParameterStore(m, false), new NDList(x), true).singletonOrThrow();
                assertClose(y.toFloatArray(), expected.toFloatArray());
                gc.backward(y.square().sum());
            }
            for (var e : wn.getDirectParameters()) {
                float[] grad = e.getValue().getArray().getGradient().toFloatArray();
                double norm = 0;
                for (float f : grad) {
                    norm += f * f;
                }
                assertThat(norm).as(e.getKey()).isPositive();
            }
        }
    }

    /** An all-zero row (g = 0, v = 0) gives a zero weight, not PyTorch's NaN. */
    @Test
    void zeroRowGivesZeroWeight() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] w = WeightNormBlock.effectiveWeight(m.zeros(new Shape(2, 3)), m.zeros(new Shape(2, 1)), m)
                    .toFloatArray();
            assertThat(w).containsOnly(0f);
        }
    }

    @Test
    void fixupResNetHasTheScalarsInForwardOrder() {
        Network net = Models.build("resnet20", 3, 10, 0.25, Norm.NONE);
        List<String> first = net.layers().stream().limit(10).map(l -> l.path() + ":" + l.kind()).toList();
        assertThat(first).containsExactly("conv1:CONV", "bias1:SCALAR_BIAS", "layer1.0.bias1a:SCALAR_BIAS",
                "layer1.0.conv1:CONV", "layer1.0.bias1b:SCALAR_BIAS", "layer1.0.bias2a:SCALAR_BIAS",
                "layer1.0.conv2:CONV", "layer1.0.scale:SCALE", "layer1.0.bias2b:SCALAR_BIAS",
                "layer1.1.bias1a:SCALAR_BIAS");
        Layer shortcut = net.layers().stream().filter(l -> l.path().equals("layer2.0.shortcut.0")).findFirst()
                .orElseThrow();
        assertThat(shortcut.hasBias()).isFalse();
        assertThat(net.layers().get(net.layers().size() - 2).path()).isEqualTo("bias2");
        assertThat(net.layers()).filteredOn(l -> l.kind().scalar()).hasSize(9 * 5 + 2)
                .allSatisfy(l -> assertThat(l.parameterCount()).isEqualTo(1));
        Layer scale = net.layers().stream().filter(l -> l.kind() == LayerKind.SCALE).findFirst().orElseThrow();
        assertThat(scale.parameters()).containsOnlyKeys("weight");
        assertThat(net.layers().get(1).parameters()).containsOnlyKeys("bias");
    }

    /** With scalars at 0/1 and default convs, a Fixup ResNet's forward runs; a shifted bias moves it. */
    @Test
    void scalarsTakePartInTheForward() {
        Network net = Models.build("resnet20", 3, 10, 0.25, Norm.NONE);
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, new PytorchDefault(), 1);
            NDArray x = m.randomNormal(net.inputShape(2));
            ParameterStore ps = new ParameterStore(m, false);
            float[] before = net.block().forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray();
            Layer bias2 = net.layers().stream().filter(l -> l.path().equals("bias2")).findFirst().orElseThrow();
            bias2.parameters().get("bias").getArray().set(new float[] {1f});
            float[] after = net.block().forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray();
            assertThat(after).hasSize(20).isNotEqualTo(before);
        }
    }

    @Test
    void vggWithoutBnNumbersFeaturesLikeTorchvision() {
        Network net = Models.build("vgg11bn", 3, 10, 0.25, Norm.NONE);
        assertThat(net.layers().stream().limit(3).map(Layer::path)).containsExactly("features.0", "features.3",
                "features.6");
        assertThat(Models.build("vgg11bn", 3, 10, 0.25).layers().get(2).path()).isEqualTo("features.4");
    }

    @Test
    void badNormsAreBadInput() {
        assertThatThrownBy(() -> Norm.parse("layernorm")).isInstanceOf(BadInputException.class)
                .hasMessage("unknown norm 'layernorm'; valid: bn, none, weightnorm");
        assertThatThrownBy(() -> Models.build("plaincnn", 3, 10, 1.0, Norm.BN))
                .isInstanceOf(BadInputException.class).hasMessageContaining("valid norms for it: none, weightnorm");
        assertThat(Models.build("plaincnn", 3, 10).norm()).isEqualTo(Norm.NONE);
        assertThat(Models.build("resnet20", 3, 10).norm()).isEqualTo(Norm.BN);
    }

    private static Map<String, float[]> randomize(WeightNormBlock block, Random r) {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        for (var e : block.getDirectParameters()) {
            Parameter p = e.getValue();
            float[] v = new float[Math.toIntExact(p.getArray().size())];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) r.nextGaussian();
            }
            p.getArray().set(v);
            out.put(p.getName(), v);
        }
        return out;
    }

    private static float[] expectedWeight(float[] v, float[] g) {
        int cols = v.length / g.length;
        float[] w = new float[v.length];
        for (int i = 0; i < g.length; i++) {
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += (double) v[i * cols + j] * v[i * cols + j];
            }
            for (int j = 0; j < cols; j++) {
                w[i * cols + j] = (float) (g[i] * v[i * cols + j] / Math.sqrt(sum));
            }
        }
        return w;
    }

    private static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertThat(actual[i]).as("element " + i).isCloseTo(expected[i], within(1e-5f * (1 + Math.abs(expected[i]))));
        }
    }
}
