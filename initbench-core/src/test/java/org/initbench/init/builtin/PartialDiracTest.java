package org.initbench.init.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.initbench.init.InitContext;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.initbench.model.Norm;
import org.initbench.model.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * partial-dirac (airbench): in every conv but the stem the first min(C_out, C_in) filters per group are exactly
 * the Dirac identity and the others the base's draw, so the conv passes its input through on those channels.
 */
class PartialDiracTest {

    @ParameterizedTest
    @ValueSource(strings = {"resnet20", "mobilenetv2", "vgg11bn"})
    void firstFiltersAreTheIdentityAndTheRestTheBaseDraw(String arch) {
        Initialized dirac = Initialized.of(arch, 10, 0.25, "partial-dirac", 4);
        Initialized base = Initialized.of(arch, 10, 0.25, "pytorch-default", 4);
        int identities = 0;
        int baseRows = 0;
        for (Layer l : dirac.net().layers()) {
            float[] w = dirac.get(l, "weight");
            float[] b = base.get(l, "weight");
            if (l.kind() != LayerKind.CONV || l.role() == Role.STEM) {
                assertThat(Arrays.equals(w, b)).as("%s is the base's", l.path()).isTrue();
                continue;
            }
            int k = l.kernel();
            int outG = l.outChannels() / l.groups();
            int inG = l.inChannels() / l.groups();
            int row = inG * k * k;
            for (int o = 0; o < l.outChannels(); o++) {
                float[] filter = Arrays.copyOfRange(w, o * row, (o + 1) * row);
                int d = o % outG;
                if (d < Math.min(outG, inG)) {
                    float[] expected = new float[row];
                    expected[d * k * k + (k / 2) * k + k / 2] = 1f;
                    assertThat(filter).as("%s filter %d", l.path(), o).containsExactly(expected);
                    identities++;
                } else {
                    assertThat(filter).as("%s filter %d", l.path(), o)
                            .containsExactly(Arrays.copyOfRange(b, o * row, (o + 1) * row));
                    baseRows++;
                }
            }
        }
        assertThat(identities).isPositive();
        assertThat(baseRows).as("widening convs keep base filters").isPositive();
    }

    /** Through the engine's own conv: output channel d = input channel d (subsampled by the stride). */
    @ParameterizedTest
    @ValueSource(strings = {"resnet20", "mobilenetv2"})
    void aConvPassesItsInputThroughTheDiracChannels(String arch) {
        Initialized dirac = Initialized.of(arch, 10, 0.25, "partial-dirac", 8);
        int checked = 0;
        try (NDManager m = NDManager.newBaseManager()) {
            for (Layer l : dirac.net().layers()) {
                if (l.kind() != LayerKind.CONV || l.role() == Role.STEM) {
                    continue;
                }
                int k = l.kernel();
                int s = l.stride();
                NDArray x = m.create(gaussian(l.inChannels() * 64, checked), new Shape(1, l.inChannels(), 8, 8));
                NDArray w = m.create(dirac.get(l, "weight"), l.weightShape());
                NDArray y = Conv2d.conv2d(x, w, null, new Shape(s, s), new Shape(k / 2, k / 2), new Shape(1, 1),
                        l.groups()).singletonOrThrow();
                int through = Math.min(l.outChannels() / l.groups(), l.inChannels() / l.groups());
                for (int g = 0; g < l.groups(); g++) {
                    for (int d = 0; d < through; d++) {
                        int out = g * (l.outChannels() / l.groups()) + d;
                        int in = g * (l.inChannels() / l.groups()) + d;
                        float[] actual = y.get(new NDIndex("0, {}", out)).toFloatArray();
                        float[] expected = x.get(new NDIndex("0, {}, ::{}, ::{}", in, s, s)).toFloatArray();
                        assertThat(actual).as("%s channel %d", l.path(), out).containsExactly(expected);
                    }
                }
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(5);
    }

    @Test
    void depthwiseBaseLeavesDepthwiseConvsToTheBase() {
        Initialized dirac = Initialized.of("mobilenetv2", 10, 0.25, "partial-dirac:depthwise=base", 4);
        Initialized base = Initialized.of("mobilenetv2", 10, 0.25, "pytorch-default", 4);
        List<Layer> depthwise = dirac.net().layers().stream().filter(l -> l.role() == Role.DEPTHWISE).toList();
        assertThat(depthwise).isNotEmpty();
        for (Layer l : depthwise) {
            assertThat(dirac.get(l, "weight")).containsExactly(base.get(l, "weight"));
        }
        Layer expand = dirac.net().layers().stream().filter(l -> l.role() == Role.EXPAND).findFirst().orElseThrow();
        assertThat(dirac.get(expand, "weight")[0]).isEqualTo(1f);
    }

    /** Weight norm: conv biases 0 (the stem's too) and the Dirac rows as the effective weight. */
    @Test
    void weightNormalizedConvsGetZeroBiasAndDiracEffectiveRows() {
        Map<String, float[]> v = ResidualSchemesTest.init("resnet20", 0.25, Norm.WEIGHTNORM, "partial-dirac", 3);
        assertThat(v.get("conv1.bias")).containsOnly(0f);
        assertThat(v.get("layer1.0.conv1.bias")).containsOnly(0f);
        float[] w = InitContext.effectiveWeight(v.get("layer1.0.conv1.weight_v"), v.get("layer1.0.conv1.weight_g"));
        assertThat(w[4]).isCloseTo(1f, within(1e-6f));
        assertThat(w[0]).isZero();
        assertThat(v.get("fc.bias")).doesNotContain(0f);
    }

    private static float[] gaussian(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return v;
    }
}
