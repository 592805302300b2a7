package org.initbench.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.junit.jupiter.api.Test;

/** The declared statistics of the built-ins, on the full-width ResNet-56 and VGG-16-BN. */
class BuiltinStatisticsTest {

    @Test
    void kaimingNormalFanOut() {
        check("resnet56", "kaiming-normal", (l) -> Math.sqrt(2.0 / Fans.of(l).fanOut()), false);
    }

    @Test
    void kaimingNormalFanInLeakyRelu() {
        check("vgg16bn", "kaiming-normal:mode=fan_in,nonlinearity=leaky_relu,a=0.1",
                (l) -> Math.sqrt(2.0 / 1.01) / Math.sqrt(Fans.of(l).fanIn()), false);
    }

    @Test
    void pytorchDefaultIsUniformOverOneOverSqrtFanIn() {
        check("vgg16bn", "pytorch-default", (l) -> 1.0 / Math.sqrt(3.0 * Fans.of(l).fanIn()), true);
    }

    interface Std {
        double of(Layer l);
    }

    private static void check(String arch, String spec, Std expected, boolean uniformBias) {
        Network net = Models.build(arch, 3, 100);
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, InitRegistry.load().resolve(spec).strategy(), 5);
            for (Layer l : net.layers()) {
                if (l.kind() == LayerKind.BATCH_NORM) {
                    assertThat(l.parameters().get("weight").getArray().toFloatArray()).containsOnly(1f);
                    assertThat(l.parameters().get("bias").getArray().toFloatArray()).containsOnly(0f);
                    continue;
                }
                float[] w = l.parameters().get("weight").getArray().toFloatArray();
                if (w.length < 2000) {
                    continue;
                }
                double mean = 0;
                double sq = 0;
                for (float v : w) {
                    mean += v;
                    sq += (double) v * v;
                }
                mean /= w.length;
                double std = Math.sqrt(sq / w.length - mean * mean);
                double target = expected.of(l);
                assertThat(std).as(l.path()).isCloseTo(target, within(target * 6 / Math.sqrt(w.length)));
                assertThat(mean).as(l.path()).isCloseTo(0, within(target * 6 / Math.sqrt(w.length)));
                if (l.hasBias()) {
                    float[] b = l.parameters().get("bias").getArray().toFloatArray();
                    double bound = 1 / Math.sqrt(Fans.of(l).fanIn());
                    for (float v : b) {
                        if (uniformBias) {
                            assertThat((double) Math.abs(v)).isLessThanOrEqualTo(bound);
                        } else {
                            assertThat(v).isZero();
                        }
                    }
                }
            }
        }
    }
}
