package org.initbench.init.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;
import org.initbench.BadInputException;
import org.initbench.init.InitContext;
import org.initbench.init.InitRegistry;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.initbench.model.ModelGraph;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.initbench.model.Norm;
import org.initbench.model.Role;
import org.junit.jupiter.api.Test;

/**
 * zer-o: ZerO's Algorithms 1 and 2 exactly (identity, partial identity, truncated Hadamard at the centre tap), the
 * residual branch ends at zero (γ = 0 under BN), and the values of the authors' code with {@code scale=code}.
 */
class ZerOTest {

    @Test
    void squareConvIsTheCentreIdentityAndTheBranchEndBnIsZero() {
        Initialized z = Initialized.of("resnet20", 10, 1.0, "zer-o", 1);
        Layer conv1 = z.layer("layer1.0.conv1");
        float[] w = z.get(conv1, "weight");
        for (int o = 0; o < 16; o++) {
            for (int i = 0; i < 16; i++) {
                for (int t = 0; t < 9; t++) {
                    assertThat(w[(o * 16 + i) * 9 + t]).isEqualTo(o == i && t == 4 ? 1f : 0f);
                }
            }
        }
        assertThat(z.get(z.layer("layer1.0.conv2"), "weight")).containsExactly(w);
        assertThat(z.get(z.layer("layer1.0.bn2"), "weight")).containsOnly(0f);
        assertThat(z.get(z.layer("layer1.0.bn1"), "weight")).containsOnly(1f);
        assertThat(z.get(z.layer("layer2.0.shortcut.1"), "weight")).as("shortcut BN").containsOnly(1f);
    }

    /** 16 → 32: m = 5, the paper's c = 2^-2; entry (o, i) = c·(−1)^popcount(o AND i), only at the centre tap. */
    @Test
    void wideningConvIsTheTruncatedHadamardAtTheCentre() {
        Initialized z = Initialized.of("resnet20", 10, 1.0, "zer-o", 1);
        float[] w = z.get(z.layer("layer2.0.conv1"), "weight");
        assertThat(w).hasSize(32 * 16 * 9);
        assertThat(w[(0 * 16 + 0) * 9 + 4]).isEqualTo(0.25f);
        assertThat(w[(1 * 16 + 1) * 9 + 4]).isEqualTo(-0.25f);
        assertThat(w[(2 * 16 + 1) * 9 + 4]).isEqualTo(0.25f);
        assertThat(w[(3 * 16 + 1) * 9 + 4]).isEqualTo(-0.25f);
        assertThat(w[(31 * 16 + 15) * 9 + 4]).isEqualTo(0.25f);
        int nonZero = 0;
        for (int j = 0; j < w.length; j++) {
            if (w[j] != 0) {
                nonZero++;
                assertThat(j % 9).as("only the centre tap").isEqualTo(4);
            }
        }
        assertThat(nonZero).isEqualTo(32 * 16);
        // the stem, 3 → 16: m = 4, c = 2^-1.5
        float[] stem = z.get(z.layer("conv1"), "weight");
        assertThat(stem[(5 * 3 + 1) * 9 + 4]).isEqualTo((float) -Math.pow(2, -1.5));
        assertThat(stem[(6 * 3 + 1) * 9 + 4]).isEqualTo((float) Math.pow(2, -1.5));
    }

    @Test
    void classifierIsThePartialIdentityAndBiasesAreZero() {
        Initialized z = Initialized.of("vgg11", 10, 0.25, "zer-o", 1);
        Layer fc = z.layer("classifier");
        float[] w = z.get(fc, "weight");
        for (int o = 0; o < 10; o++) {
            for (int i = 0; i < fc.inChannels(); i++) {
                assertThat(w[o * fc.inChannels() + i]).isEqualTo(o == i ? 1f : 0f);
            }
        }
        assertThat(z.get(fc, "bias")).containsOnly(0f);
        assertThat(z.get(z.layer("features.0"), "bias")).containsOnly(0f);
    }

    @Test
    void mobileNetDepthwiseIsTheIdentityAndSkipProjectionsEndAtZeroGamma() {
        Initialized z = Initialized.of("mobilenetv2", 10, 0.25, "zer-o", 1);
        int skips = 0;
        for (Layer l : z.net().layers()) {
            if (l.role() == Role.DEPTHWISE && l.kind() == LayerKind.CONV) {
                float[] w = z.get(l, "weight");
                for (int c = 0; c < l.outChannels(); c++) {
                    assertThat(java.util.Arrays.copyOfRange(w, c * 9, c * 9 + 9))
                            .containsExactly(0, 0, 0, 0, 1, 0, 0, 0, 0);
                }
            }
            if (l.role() == Role.PROJECT && l.kind() == LayerKind.BATCH_NORM) {
                assertThat(z.get(l, "weight")).containsOnly(l.residual() ? 0f : 1f);
                skips += l.residual() ? 1 : 0;
            }
        }
        assertThat(skips).isPositive();
    }

    /** SHA-256 (first 16 hex digits) of the float32 little-endian weights the authors' code gives for these shapes. */
    @Test
    void scaleCodeEqualsTheAuthorsCode() {
        Initialized z = Initialized.of("resnet20", 10, 1.0, "zer-o:scale=code", 1);
        Map<String, String> reference = Map.of(
                "layer2.0.conv1", "1e661efa2415dfa7",
                "layer3.0.conv2", "3af5642920de0851",
                "fc", "8ed54462dfed057a",
                "conv1", "bdcd2b1d74d0d502",
                "layer2.0.shortcut.0", "32d0b15402f37afe");
        reference.forEach((path, sha) -> {
            Layer l = z.layer(path);
            assertThat(sha16(z.get(l, "weight"))).as(path).isEqualTo(sha);
        });
        float[] paper = Initialized.of("resnet20", 10, 1.0, "zer-o", 1).get(z.layer("layer2.0.conv1"), "weight");
        float[] code = z.get(z.layer("layer2.0.conv1"), "weight");
        assertThat(paper[4] / code[4]).isCloseTo((float) Math.sqrt(2), within(1e-6f));
    }

    @Test
    void normFreeBranchEndsAreZeroAndEveryIdentityBlockIsTheIdentity() {
        Network net = Models.build("resnet20", 3, 10, 0.25, Norm.NONE);
        SplittableRandom rng = new SplittableRandom(5);
        float[] x = new float[Math.toIntExact(net.inputShape(2).size())];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        int[] checked = {0};
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, InitRegistry.load().resolve("zer-o").strategy(), 1);
            for (Layer l : net.layers()) {
                if (l.role() == Role.BRANCH_LAST && l.kind() == LayerKind.CONV) {
                    assertThat(l.parameters().get("weight").getArray().toFloatArray()).containsOnly(0f);
                }
            }
            float[][] skip = {null};
            ModelGraph.of(net).forward(new ParameterStore(m, false), m.create(x, net.inputShape(2)), true, (node, y) -> {
                if (node instanceof ModelGraph.Leaf leaf && leaf.op() == ModelGraph.Op.IDENTITY) {
                    skip[0] = y.toFloatArray();
                } else if (node instanceof ModelGraph.Sum && skip[0] != null) {
                    assertThat(y.toFloatArray()).as(node.name()).containsExactly(skip[0]);
                    checked[0]++;
                    skip[0] = null;
                } else if (node instanceof ModelGraph.Sum) {
                    skip[0] = null;
                }
                return true;
            });
        }
        assertThat(checked[0]).as("identity-shortcut blocks of resnet20").isEqualTo(7);
    }

    @Test
    void weightNormBranchEndsHaveZeroGAndTheKernelAsDirection() {
        Map<String, float[]> v = ResidualSchemesTest.init("resnet20", 0.25, Norm.WEIGHTNORM, "zer-o", 1);
        assertThat(v.get("layer1.0.conv2.weight_g")).containsOnly(0f);
        assertThat(v.get("layer1.0.conv2.weight_v")[4]).isEqualTo(1f);
        assertThat(v.get("layer1.0.conv1.weight_g")).containsOnly(1f);
        assertThat(v.get("layer1.0.conv1.bias")).containsOnly(0f);
    }

    @Test
    void theSeedDoesNotMatter() {
        Initialized a = Initialized.of("mobilenetv2", 10, 0.25, "zer-o", 1);
        Initialized b = Initialized.of("mobilenetv2", 10, 0.25, "zer-o", 2);
        a.values().forEach((k, w) -> assertThat(b.values().get(k)).as(k).containsExactly(w));
    }

    @Test
    void refusesEvenKernelsAndUnknownScales() {
        Layer even = new Layer("x.conv", LayerKind.CONV, Role.PLAIN, 0, 0, 4, 4, 2, 1, 1, false, false, null, null);
        assertThatThrownBy(() -> ZerO.kernel(even, true)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("odd kernels").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> InitRegistry.load().resolve("zer-o:scale=half"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("scale");
    }

    static String sha16(float[] w) {
        ByteBuffer b = ByteBuffer.allocate(w.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : w) {
            b.putFloat(f);
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array())).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
