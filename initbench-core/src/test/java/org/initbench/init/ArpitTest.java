package org.initbench.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.initbench.Seeds;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.initbench.model.Norm;
import org.junit.jupiter.api.Test;

/** arpit: g per layer on a weight-normalized resnet20, directions, and its none/bn variants. */
class ArpitTest {

    @Test
    void gainsOnWeightNormResnet20() {
        Network net = Models.build("resnet20", 3, 10, 1.0, Norm.WEIGHTNORM);
        Map<String, Double> expected = new LinkedHashMap<>();
        expected.put("conv1", Math.sqrt(2.0 * 27 / 144));
        expected.put("layer1.0.conv1", Math.sqrt(2.0));
        expected.put("layer1.2.conv2", Math.sqrt(1.0 / 3));
        expected.put("layer2.0.conv1", 1.0);
        expected.put("layer2.0.conv2", Math.sqrt(1.0 / 3));
        expected.put("layer2.0.shortcut.0", Math.sqrt(16.0 / 32));
        expected.put("layer2.1.conv1", Math.sqrt(2.0));
        expected.put("layer3.0.shortcut.0", Math.sqrt(32.0 / 64));
        expected.put("layer3.2.conv2", Math.sqrt(1.0 / 3));
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, InitRegistry.load().resolve("arpit").strategy(), 8);
            int checked = 0;
            for (Layer l : net.layers()) {
                float[] g = l.parameters().get("weight_g").getArray().toFloatArray();
                float[] bias = l.parameters().get("bias").getArray().toFloatArray();
                if (l.kind() == LayerKind.LINEAR) {
                    float[] v = l.parameters().get("weight_v").getArray().toFloatArray();
                    assertThat(max(v)).isLessThanOrEqualTo(0.125f);
                    assertThat(g[0]).isCloseTo((float) rowNorm(v, 0, 64), within(1e-5f));
                    assertThat(max(bias)).isLessThanOrEqualTo(0.125f).isPositive();
                    continue;
                }
                assertThat(bias).as(l.path()).containsOnly(0f);
                Double want = expected.get(l.path());
                if (want != null) {
                    assertThat(g).as(l.path()).containsOnly((float) (double) want);
                    checked++;
                }
            }
            assertThat(checked).isEqualTo(expected.size());
            Layer conv = net.layers().stream().filter(l -> l.path().equals("layer1.1.conv1")).findFirst().orElseThrow();
            float[] v = conv.parameters().get("weight_v").getArray().toFloatArray();
            for (int i = 0; i < 16; i++) {
                for (int j = 0; j < 16; j++) {
                    double dot = 0;
                    for (int k = 0; k < 144; k++) {
                        dot += (double) v[i * 144 + k] * v[j * 144 + k];
                    }
                    assertThat(dot).isCloseTo(i == j ? 1 : 0, within(1e-5));
                }
            }
            assertThat(v).containsExactly(Orthogonals.matrix(
                    new SplittableRandom(Seeds.derive(8, "layer1.1.conv1.weight")), 16, 144, 1.0));
        }
    }

    @Test
    void depthwiseGainCountsOneGroupsOutputs() {
        Network net = Models.build("mobilenetv2", 3, 10, 0.25, Norm.WEIGHTNORM);
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, InitRegistry.load().resolve("arpit").strategy(), 8);
            Layer dw = net.layers().stream().filter(l -> l.path().equals("blocks.1.dw.conv")).findFirst().orElseThrow();
            assertThat(dw.parameters().get("weight_g").getArray().toFloatArray()).containsOnly((float) Math.sqrt(2));
        }
    }

    /** Without WN the effective weights are the same, so the function is the WN net's (scalars neutral). */
    @Test
    void normFreeNetComputesTheWeightNormNetsFunction() {
        float[] none = WeightNormInitTest.logits("resnet20", Norm.NONE, "arpit");
        float[] wn = WeightNormInitTest.logits("resnet20", Norm.WEIGHTNORM, "arpit");
        for (int i = 0; i < none.length; i++) {
            assertThat(wn[i]).isCloseTo(none[i], within(1e-4f * (1 + Math.abs(none[i]))));
        }
        float[] gaussian = WeightNormInitTest.logits("resnet20", Norm.NONE, "arpit:direction=gaussian");
        assertThat(gaussian).isNotEqualTo(none);
    }

    /** On BN nets: the repo's proposed_init without WN, N(0, 2/fan_out) everywhere; BN 1/0. */
    @Test
    void batchNormVariantIsHeFanOut() {
        Network net = Models.build("resnet20", 3, 10, 0.25);
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, InitRegistry.load().resolve("arpit").strategy(), 8);
            for (Layer l : net.layers()) {
                float[] w = l.parameters().get("weight").getArray().toFloatArray();
                switch (l.kind()) {
                    case BATCH_NORM -> {
                        assertThat(w).containsOnly(1f);
                        assertThat(l.parameters().get("bias").getArray().toFloatArray()).containsOnly(0f);
                    }
                    case CONV -> {
                        SplittableRandom r = new SplittableRandom(Seeds.derive(8, l.path() + ".weight"));
                        double std = Math.sqrt(2.0 / Fans.of(l).fanOut());
                        for (int i = 0; i < 8; i++) {
                            assertThat(w[i]).isEqualTo((float) (r.nextGaussian() * std));
                        }
                    }
                    default -> { }
                }
            }
        }
    }

    private static float max(float[] a) {
        float m = 0;
        for (float x : a) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    private static double rowNorm(float[] v, int row, int cols) {
        double s = 0;
        for (int j = 0; j < cols; j++) {
            s += (double) v[row * cols + j] * v[row * cols + j];
        }
        return Math.sqrt(s);
    }
}
