package org.initbench.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.util.Random;
import org.initbench.model.Layer;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.initbench.model.Norm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Writers on weight-normalized layers behave as torch.nn.utils.weight_norm wrapping an initialized module. */
class WeightNormInitTest {

    @Test
    void setWeightGivesThatEffectiveWeight() {
        Network net = Models.build("resnet20", 3, 10, 0.25, Norm.WEIGHTNORM);
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext ctx = new InitContext(net, 1, null);
            Layer conv = net.layers().get(0);
            assertThat(conv.weightNormalized()).isTrue();
            assertThat(ctx.has(conv, "weight")).isTrue();
            assertThat(ctx.size(conv, "weight")).isEqualTo(4 * 3 * 3 * 3);
            float[] values = new float[ctx.size(conv, "weight")];
            Random r = new Random(2);
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) r.nextGaussian();
            }
            ctx.set(conv, "weight", values);
            assertThat(conv.parameters().get("weight_v").getArray().toFloatArray()).containsExactly(values);
            float[] g = conv.parameters().get("weight_g").getArray().toFloatArray();
            assertThat(g).hasSize(4);
            for (int row = 0; row < 4; row++) {
                double sum = 0;
                for (int j = 0; j < 27; j++) {
                    sum += values[row * 27 + j] * values[row * 27 + j];
                }
                assertThat(g[row]).isCloseTo((float) Math.sqrt(sum), within(1e-5f));
            }
            float[] effective = ctx.get(conv, "weight");
            for (int i = 0; i < values.length; i++) {
                assertThat(effective[i]).isCloseTo(values[i], within(1e-5f));
            }
        }
    }

    /**
     * The same strategy and seed on plaincnn without norm and with weight norm give the same logits:
     * every effective weight equals the plain one.
     */
    @ParameterizedTest
    @ValueSource(strings = {"pytorch-default", "kaiming-normal"})
    void weightNormNetComputesThePlainNetsFunction(String init) {
        float[] plain = logits("plaincnn", Norm.NONE, init);
        float[] wn = logits("plaincnn", Norm.WEIGHTNORM, init);
        assertThat(wn).hasSameSizeAs(plain);
        for (int i = 0; i < plain.length; i++) {
            assertThat(wn[i]).isCloseTo(plain[i], within(1e-4f * (1 + Math.abs(plain[i]))));
        }
    }

    static float[] logits(String arch, Norm norm, String init) {
        Network net = Models.build(arch, 3, 10, 0.25, norm);
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, InitRegistry.load().resolve(init).strategy(), 4);
            Random r = new Random(9);
            float[] x = new float[2 * 3 * 32 * 32];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            return net.block().forward(new ParameterStore(m, false),
                    new NDList(m.create(x, net.inputShape(2))), false).singletonOrThrow().toFloatArray();
        }
    }
}
