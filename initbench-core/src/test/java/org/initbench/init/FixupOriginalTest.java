package org.initbench.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.util.SplittableRandom;
import org.initbench.BadInputException;
import org.initbench.Seeds;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.initbench.model.Norm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** fixup-original on the norm-free resnet56: the exact zero, scaled and neutral layers. */
class FixupOriginalTest {
    static final long SEED = 21;

    @Test
    void exactLayersOnResnet56() {
        Network net = Models.build("resnet56", 3, 100, 1.0, Norm.NONE);
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, InitRegistry.load().resolve("fixup-original").strategy(), SEED);
            double scale = Math.pow(27, -0.5);
            assertThat(scale).isEqualTo(0.19245, org.assertj.core.api.Assertions.within(1e-5));
            int conv1 = 0;
            for (Layer l : net.layers()) {
                String name = l.kind() == LayerKind.SCALAR_BIAS ? "bias" : "weight";
                float[] w = l.parameters().get(name).getArray().toFloatArray();
                switch (l.kind()) {
                    case SCALAR_BIAS -> assertThat(w).as(l.path()).containsExactly(0f);
                    case SCALE -> assertThat(w).as(l.path()).containsExactly(1f);
                    case LINEAR -> {
                        assertThat(w).containsOnly(0f);
                        assertThat(l.parameters().get("bias").getArray().toFloatArray()).containsOnly(0f);
                    }
                    case CONV -> {
                        switch (l.role()) {
                            case BRANCH_LAST -> assertThat(w).as(l.path()).containsOnly(0f);
                            case BRANCH_FIRST -> {
                                drawnFrom(l, w, Math.sqrt(2.0 / Fans.of(l).fanOut()) * scale);
                                conv1++;
                            }
                            case SHORTCUT -> drawnFrom(l, w, Math.sqrt(2.0 / Fans.of(l).fanOut()));
                            case STEM -> {
                                double bound = 1 / Math.sqrt(27);
                                SplittableRandom r = rng(l);
                                for (int i = 0; i < 8; i++) {
                                    assertThat(w[i]).isEqualTo((float) ((2 * r.nextDouble() - 1) * bound));
                                }
                            }
                            default -> throw new AssertionError(l.path());
                        }
                    }
                    default -> throw new AssertionError(l.path() + " " + l.kind());
                }
            }
            assertThat(conv1).isEqualTo(27);
            float[] logits = net.block().forward(new ParameterStore(m, false),
                    new NDList(m.randomNormal(net.inputShape(2))), false).singletonOrThrow().toFloatArray();
            assertThat(logits).as("zero classifier: zero logits at init").containsOnly(0f);
        }
    }

    /** Statistics of the scaled conv1 of stage 3 (36,864 weights each, pooled over 8 blocks). */
    @Test
    void scaledBranchConvsHaveTheDeclaredStd() {
        Network net = Models.build("resnet56", 3, 100, 1.0, Norm.NONE);
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, InitRegistry.load().resolve("fixup-original").strategy(), SEED);
            double sum = 0;
            double sq = 0;
            long n = 0;
            for (Layer l : net.layers()) {
                if (l.path().startsWith("layer3.") && l.path().endsWith("conv1") && l.stride() == 1) {
                    for (float f : l.parameters().get("weight").getArray().toFloatArray()) {
                        sum += f;
                        sq += (double) f * f;
                        n++;
                    }
                }
            }
            double std = Math.sqrt(2.0 / 576) / Math.sqrt(27);
            double sampleStd = Math.sqrt(sq / n - (sum / n) * (sum / n));
            // 5 standard errors of a normal sample std (σ/√(2n)) and of the mean (σ/√n).
            assertThat(sampleStd).isCloseTo(std, org.assertj.core.api.Assertions.within(5 * std / Math.sqrt(2.0 * n)));
            assertThat(sum / n).isCloseTo(0, org.assertj.core.api.Assertions.within(5 * std / Math.sqrt(n)));
        }
    }

    @ParameterizedTest
    @CsvSource({"resnet56, bn", "resnet20, weightnorm", "vgg11bn, none", "plaincnn, none"})
    void refusesAnythingButANormFreeResNet(String arch, String norm) {
        Network net = Models.build(arch, 3, 10, 0.25, Norm.parse(norm));
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            assertThatThrownBy(() -> InitContext.apply(net,
                    InitRegistry.load().resolve("fixup-original").strategy(), 1))
                    .isInstanceOf(BadInputException.class)
                    .hasMessageStartingWith("fixup-original needs a norm-free ResNet: --norm none");
        }
    }

    private static void drawnFrom(Layer l, float[] w, double std) {
        SplittableRandom r = rng(l);
        for (int i = 0; i < 8; i++) {
            assertThat(w[i]).as(l.path()).isEqualTo((float) (r.nextGaussian() * std));
        }
    }

    private static SplittableRandom rng(Layer l) {
        return new SplittableRandom(Seeds.derive(SEED, l.path() + ".weight"));
    }
}
