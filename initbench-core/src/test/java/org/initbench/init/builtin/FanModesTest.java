package org.initbench.init.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.SplittableRandom;
import org.initbench.Seeds;
import org.initbench.init.Fans;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keras {@code VarianceScaling}'s fan modes in {@link Fans#select} and the He schemes' {@code mode} option:
 * the formulas on a conv of known shape, the drawn variances on ResNet-56, and the defaults bit-identical to
 * the long fans the schemes used before fan_avg and fan_geo_avg existed.
 */
class FanModesTest {

    @Test
    void fansOfAKnownConv() {
        Fans f = Fans.of(new Shape(64, 32, 3, 3));
        assertThat(f.fanIn()).isEqualTo(288);
        assertThat(f.fanOut()).isEqualTo(576);
        assertThat(f.select("fan_in")).isEqualTo(288.0);
        assertThat(f.select("fan_out")).isEqualTo(576.0);
        assertThat(f.select("fan_avg")).isEqualTo(432.0);
        assertThat(f.select("fan_geo_avg")).isEqualTo(Math.sqrt(288.0 * 576.0));
        assertThat(f.select("fan_geo_avg")).isCloseTo(288 * Math.sqrt(2), within(1e-12));
        Fans depthwise = Fans.of(new Shape(96, 1, 3, 3));
        assertThat(depthwise.select("fan_avg")).isEqualTo((9 + 864) / 2.0);
        assertThat(depthwise.select("fan_geo_avg")).isEqualTo(Math.sqrt(9.0 * 864));
        assertThatThrownBy(() -> f.select("fan_max")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fan_geo_avg");
    }

    /** The drawn std of every big ResNet-56 layer is gain/√fan of the mode. */
    @Test
    void drawnVariancesFollowTheMode() {
        ClassicSchemesTest.check("kaiming-normal:mode=fan_avg",
                l -> ClassicSchemesTest.Law.normal(0, Math.sqrt(2 / ((Fans.of(l).fanIn() + Fans.of(l).fanOut()) / 2.0))));
        ClassicSchemesTest.check("kaiming-normal:mode=fan_geo_avg,nonlinearity=linear",
                l -> ClassicSchemesTest.Law.normal(0, 1 / Math.sqrt(Math.sqrt((double) Fans.of(l).fanIn() * Fans.of(l).fanOut()))));
        ClassicSchemesTest.check("kaiming-uniform:mode=fan_geo_avg", l -> ClassicSchemesTest.Law.symmetricUniform(
                Math.sqrt(6 / Math.sqrt((double) Fans.of(l).fanIn() * Fans.of(l).fanOut()))));
        ClassicSchemesTest.check("kaiming-uniform:mode=fan_avg,nonlinearity=linear", l -> ClassicSchemesTest.Law
                .symmetricUniform(Math.sqrt(6 / (double) (Fans.of(l).fanIn() + Fans.of(l).fanOut()))));
    }

    /**
     * Every conv and linear weight of the defaults (and of mode=fan_in/fan_out spelled out) equals, to the bit,
     * the draw scaled with the long fan as the schemes computed it before the double-valued modes.
     */
    @ParameterizedTest
    @ValueSource(strings = {"resnet20", "mobilenetv2", "vgg11bn"})
    void defaultsAreBitIdenticalToTheLongFans(String arch) {
        for (String spec : List.of("kaiming-normal", "kaiming-normal:mode=fan_in",
                "kaiming-uniform", "kaiming-uniform:mode=fan_out")) {
            boolean normal = spec.startsWith("kaiming-normal");
            boolean fanOut = spec.equals("kaiming-normal") || spec.endsWith("fan_out");
            Initialized init = Initialized.of(arch, 10, 0.25, spec, 5);
            for (Layer l : init.net().layers()) {
                if (l.kind() != LayerKind.CONV && l.kind() != LayerKind.LINEAR) {
                    continue;
                }
                long fan = fanOut ? Fans.of(l).fanOut() : Fans.of(l).fanIn();
                SplittableRandom rng = new SplittableRandom(Seeds.derive(5, l.path() + ".weight"));
                float[] w = init.get(l, "weight");
                float[] expected = new float[w.length];
                for (int i = 0; i < w.length; i++) {
                    expected[i] = normal
                            ? (float) (rng.nextGaussian() * (Math.sqrt(2.0) / Math.sqrt(fan)))
                            : (float) ((2 * rng.nextDouble() - 1) * (Math.sqrt(3.0) * Math.sqrt(2.0) / Math.sqrt(fan)));
                }
                assertThat(w).as(spec + " " + l.path()).containsExactly(expected);
            }
        }
    }
}
