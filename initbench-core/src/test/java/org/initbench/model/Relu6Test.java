package org.initbench.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class Relu6Test {

    /** hardtanh(x, 0, 6) and its gradient (PyTorch's nn.ReLU6: strict masks at both ends). */
    private static final float[] X = {-3f, 0f, 1e-7f, 2.5f, 5.999999f, 6f, 6.000001f, 40f};

    @Test
    void valuesAreHardtanhsAndGradientsItsOnEveryPointButExactlySix() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[][] r = valueAndGradient(m, X, x -> Relu6.apply(x, true));
            assertThat(r[0]).containsExactly(0f, 0f, 1e-7f, 2.5f, 5.999999f, 6f, 6f, 6f);
            // exact 0 gets hardtanh's 0 (relu's strict mask); exact 6 gets 1 (clamp's inclusive mask; hardtanh: 0)
            assertThat(r[1]).containsExactly(0f, 0f, 1f, 1f, 1f, 1f, 0f, 0f);
            // the same values outside training (clamp), and a NaN activation stays NaN there too
            for (boolean training : new boolean[] {true, false}) {
                assertThat(Relu6.apply(m.create(new float[] {Float.NaN}), training).getFloat(0)).isNaN();
                assertThat(Relu6.apply(m.create(X), training).toFloatArray()).containsExactly(r[0]);
            }
        }
    }

    @Test
    void equalsDjlsRelu6OnRandomActivations() {
        SplittableRandom rnd = new SplittableRandom(7);
        float[] x = new float[4096];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextGaussian() * 5 + 2);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            float[][] ours = valueAndGradient(m, x, a -> Relu6.apply(a, true));
            float[][] djl = valueAndGradient(m, x, Activation::relu6);
            assertThat(ours[0]).containsExactly(djl[0]);
            assertThat(ours[1]).containsExactly(djl[1]);
            assertThat(ours[1]).contains(0f, 1f);
        }
    }

    @Test
    void modelGraphReadsTheBlockAsRelu6() {
        // stem and head, each of the 17 depthwise convs, and the 16 expansions (block 0 has none)
        assertThat(ModelGraph.of(Models.build("mobilenetv2", 1, 10, 0.25)).leaves())
                .filteredOn(l -> l.op() == ModelGraph.Op.RELU6).hasSize(2 + 17 + 16);
    }

    private static float[][] valueAndGradient(NDManager m, float[] values, UnaryOperator<NDArray> f) {
        NDArray x = m.create(values);
        x.setRequiresGradient(true);
        NDArray y;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            y = f.apply(x);
            gc.backward(y.sum());
        }
        return new float[][] {y.toFloatArray(), x.getGradient().toFloatArray()};
    }
}
