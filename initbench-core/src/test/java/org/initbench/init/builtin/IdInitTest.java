package org.initbench.init.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import java.util.Map;
import java.util.SplittableRandom;
import org.initbench.BadInputException;
import org.initbench.init.InitContext;
import org.initbench.init.InitRegistry;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.initbench.model.Norm;
import org.initbench.model.Role;
import org.junit.jupiter.api.Test;

/**
 * idinit: the padded identity IDI_τ, its patch-maintain placement in k×k kernels, IDIZ_ε on residual branch ends
 * (γ = ε under BN), and the refusals.
 */
class IdInitTest {

    @Test
    void paddedIdentityStacksOrFoldsIdentities() {
        assertThat(IdentityKernels.padded(4, 2, 1f)).containsExactly(1, 0, 0, 1, 1, 0, 0, 1);
        assertThat(IdentityKernels.padded(2, 5, 2f)).containsExactly(2, 0, 2, 0, 2, 0, 2, 0, 2, 0);
        assertThat(IdentityKernels.padded(3, 3, 1f)).containsExactly(1, 0, 0, 0, 1, 0, 0, 0, 1);
    }

    /** 16 → 32: outputs 0..15 = input d at the centre, outputs 16..31 = input d − 16 at the top-left tap. */
    @Test
    void wideningConvKeepsThePatch() {
        Initialized z = Initialized.of("resnet20", 10, 1.0, "idinit", 1);
        float[] w = z.get(z.layer("layer2.0.conv1"), "weight");
        for (int o = 0; o < 32; o++) {
            for (int i = 0; i < 16; i++) {
                for (int t = 0; t < 9; t++) {
                    boolean on = i == o % 16 && t == (o < 16 ? 4 : 0);
                    assertThat(w[(o * 16 + i) * 9 + t]).as("(%d, %d, %d)", o, i, t).isEqualTo(on ? 1f : 0f);
                }
            }
        }
        // the stem, 3 → 16: copy j = o / 3 of input o % 3 at the taps centre, 0, 1, 2, 3, 5
        float[] stem = z.get(z.layer("conv1"), "weight");
        int[] taps = {4, 0, 1, 2, 3, 5};
        for (int o = 0; o < 16; o++) {
            assertThat(stem[(o * 3 + o % 3) * 9 + taps[o / 3]]).isEqualTo(1f);
        }
        assertThat(sum(stem)).isEqualTo(16f);
        float[] centre = Initialized.of("resnet20", 10, 1.0, "idinit:conv=centre", 1).get(z.layer("conv1"), "weight");
        assertThat(centre[(15 * 3 + 0) * 9 + 4]).isEqualTo(1f);
        assertThat(sum(centre)).isEqualTo(16f);
    }

    /** Through the engine's conv: channel d is passed through, channel 64 + d is input d shifted down-right by one. */
    @Test
    void aWideningConvOutputsShiftedCopies() {
        Initialized z = Initialized.of("vgg11", 10, 1.0, "idinit", 1);
        Layer l = z.layer("features.4");
        assertThat(l.inChannels()).isEqualTo(64);
        assertThat(l.outChannels()).isEqualTo(128);
        SplittableRandom rng = new SplittableRandom(3);
        float[] x = new float[64 * 36];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray in = m.create(x, new Shape(1, 64, 6, 6));
            NDArray y = Conv2d.conv2d(in, m.create(z.get(l, "weight"), l.weightShape()), null, new Shape(1, 1),
                    new Shape(1, 1), new Shape(1, 1), 1).singletonOrThrow();
            for (int d = 0; d < 64; d++) {
                assertThat(y.get(new NDIndex("0, {}", d)).toFloatArray())
                        .containsExactly(in.get(new NDIndex("0, {}", d)).toFloatArray());
                assertThat(y.get(new NDIndex("0, {}, 1:, 1:", 64 + d)).toFloatArray())
                        .containsExactly(in.get(new NDIndex("0, {}, :5, :5", d)).toFloatArray());
                assertThat(y.get(new NDIndex("0, {}, 0, :", 64 + d)).toFloatArray()).containsOnly(0f);
            }
        }
    }

    @Test
    void branchEndsAreEpsilonTimesTheIdentity() {
        Map<String, float[]> free = ResidualSchemesTest.init("resnet20", 0.25, Norm.NONE, "idinit", 1);
        float[] end = free.get("layer1.0.conv2.weight");
        assertThat(end[4]).isEqualTo(1e-6f);
        assertThat(sum(end)).isCloseTo(4e-6f, within(1e-12f));
        assertThat(free.get("layer1.0.conv1.weight")[4]).isEqualTo(1f);

        Initialized bn = Initialized.of("resnet20", 10, 0.25, "idinit:epsilon=0.001", 1);
        assertThat(bn.get(bn.layer("layer1.0.bn2"), "weight")).containsOnly(0.001f);
        assertThat(bn.get(bn.layer("layer1.0.conv2"), "weight")[4]).isEqualTo(1f);
        assertThat(bn.get(bn.layer("layer2.0.shortcut.1"), "weight")).containsOnly(1f);
        Initialized mobile = Initialized.of("mobilenetv2", 10, 0.25, "idinit", 1);
        for (Layer l : mobile.net().layers()) {
            if (l.role() == Role.PROJECT && l.kind() == LayerKind.BATCH_NORM) {
                assertThat(mobile.get(l, "weight")).as(l.path()).containsOnly(l.residual() ? 1e-6f : 1f);
            }
        }

        Map<String, float[]> wn = ResidualSchemesTest.init("resnet20", 0.25, Norm.WEIGHTNORM, "idinit:epsilon=0", 1);
        assertThat(wn.get("layer1.0.conv2.weight_g")).containsOnly(0f);
        assertThat(wn.get("layer1.0.conv2.weight_v")[4]).as("a direction that can learn").isEqualTo(1f);
        Map<String, float[]> wnEps = ResidualSchemesTest.init("resnet20", 0.25, Norm.WEIGHTNORM, "idinit", 1);
        float[] eff = InitContext.effectiveWeight(wnEps.get("layer1.0.conv2.weight_v"), wnEps.get("layer1.0.conv2.weight_g"));
        assertThat(eff).containsExactly(end);
    }

    /** 64 → 10: logit r sums features r, r + 10, …; the net's only narrowing layer besides MobileNetV2's projections. */
    @Test
    void classifierFoldsTheFeaturesOntoTheLogits() {
        Initialized z = Initialized.of("resnet20", 10, 1.0, "idinit", 1);
        float[] w = z.get(z.layer("fc"), "weight");
        for (int r = 0; r < 10; r++) {
            for (int q = 0; q < 64; q++) {
                assertThat(w[r * 64 + q]).isEqualTo(q % 10 == r ? 1f : 0f);
            }
        }
        assertThat(z.get(z.layer("fc"), "bias")).containsOnly(0f);
        Initialized tau = Initialized.of("resnet20", 10, 1.0, "idinit:tau=0.5", 1);
        assertThat(tau.get(tau.layer("fc"), "weight")[0]).isEqualTo(0.5f);
    }

    @Test
    void theSeedDoesNotMatter() {
        Initialized a = Initialized.of("mobilenetv2", 10, 0.25, "idinit", 1);
        Initialized b = Initialized.of("mobilenetv2", 10, 0.25, "idinit", 2);
        a.values().forEach((k, w) -> assertThat(b.values().get(k)).as(k).containsExactly(w));
    }

    @Test
    void refusesNonPositiveTauNegativeEpsilonAndEvenKernels() {
        for (String spec : new String[] {"idinit:tau=0", "idinit:tau=-1", "idinit:epsilon=-1e-6"}) {
            assertThatThrownBy(() -> InitRegistry.load().resolve(spec).strategy())
                    .as(spec).isInstanceOf(BadInputException.class).hasMessageContaining("tau must be > 0")
                    .hasMessageNotContaining("\n");
        }
        Layer even = new Layer("x.conv", LayerKind.CONV, Role.PLAIN, 0, 0, 4, 8, 4, 1, 1, false, false, null, null);
        assertThatThrownBy(() -> IdInit.kernel(even, 1f, true)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("x.conv is 4×4");
    }

    private static float sum(float[] w) {
        float s = 0;
        for (float v : w) {
            s += v;
        }
        return s;
    }
}
