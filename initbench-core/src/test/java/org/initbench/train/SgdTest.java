package org.initbench.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SGD against torch.optim.SGD (PyTorch 1.13, Debian python3-torch): p0 = [1, -2, 0.5], loss =
 * sum(a·p² + b·p) with a = [1, 0.5, 2], b = [0.3, -0.2, 0.1], momentum 0.9, learning rates 0.1,
 * 0.1, 0.05, 0.01 (a change after step 2 and 3). Expected parameters after each step were printed
 * by the script in the comment of {@link #torchSequences}; the first step checks by hand: g = 2·1·1
 * + 0.3 = 2.3, buf = 2.3, p = 1 − 0.1·2.3 = 0.77.
 */
class SgdTest {
    private static final float[] A = {1f, 0.5f, 2f};
    private static final float[] B = {0.3f, -0.2f, 0.1f};
    private static final double[] LRS = {0.1, 0.1, 0.05, 0.01};

    /*
     * for wd, nest in [(0.0, False), (0.1, False), (0.1, True), (0.0, True)]:
     *   p = nn.Parameter(tensor([1., -2., .5])); opt = SGD([p], lr=.1, momentum=.9, weight_decay=wd, nesterov=nest)
     *   for lr in [.1, .1, .05, .01]: set lr; zero_grad(); (a*p*p + b*p).sum().backward(); opt.step(); print(p)
     */
    static Stream<Arguments> torchSequences() {
        return Stream.of(
                Arguments.of(0.0, false, new double[][] {
                    {0.77, -1.78, 0.29}, {0.379, -1.3839999, -0.025}, {0.15015, -1.1265999, -0.16675},
                    {0.102954, -1.0670019, -0.186595}}),
                Arguments.of(0.1, false, new double[][] {
                    {0.76, -1.76, 0.285}, {0.3544, -1.3304, -0.03535}, {0.119668, -1.053908, -0.1772607},
                    {0.0719032, -0.9905465, -0.196537}}),
                Arguments.of(0.1, true, new double[][] {
                    {0.544, -1.544, 0.0915}, {0.075544, -0.988904, -0.1729285}, {-0.1139242, -0.7021983, -0.2126839},
                    {-0.1450551, -0.6437055, -0.2106529}}),
                Arguments.of(0.0, true, new double[][] {
                    {0.563, -1.582, 0.101}, {0.10576, -1.06522, -0.16486}, {-0.0844224, -0.7926631, -0.2086702},
                    {-0.1165435, -0.7361292, -0.207632}}));
    }

    @ParameterizedTest(name = "wd={0} nesterov={1}")
    @MethodSource("torchSequences")
    void matchesTorchOptimSgd(double wd, boolean nesterov, double[][] expected) {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter p = parameter(m);
            Sgd sgd = new Sgd(List.of(p), new SgdConfig(0.9, wd, nesterov), m);
            for (int step = 0; step < LRS.length; step++) {
                backward(m, p);
                sgd.step(LRS[step]);
                float[] actual = p.getArray().toFloatArray();
                for (int i = 0; i < 3; i++) {
                    assertThat((double) actual[i]).as("step %d element %d", step + 1, i)
                            .isCloseTo(expected[step][i], within(2e-6));
                }
            }
        }
    }

    @Test
    void gradientsAreZeroedAndStateRoundTrips() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter p = parameter(m);
            Sgd sgd = new Sgd(List.of(p), new SgdConfig(0.9, 0.1, false), m);
            backward(m, p);
            sgd.step(0.1);
            try (NDArray g = p.getArray().getGradient()) {
                assertThat(g.toFloatArray()).containsOnly(0f);
            }
            Sgd restored = new Sgd(List.of(p), new SgdConfig(0.9, 0.1, false), m);
            restored.loadState(sgd.state());
            assertThat(restored.state().get(0).toFloatArray()).containsExactly(sgd.state().get(0).toFloatArray());
        }
    }

    /**
     * Fixup's recipe (a parameter group at lr/10 for the scalars, as in its official code): a
     * one-element parameter moves exactly as plain SGD at lr·0.1 would move it, every other parameter
     * as at lr, with momentum and weight decay over several steps and a changing rate.
     */
    @Test
    void aScalarLrFactorTrainsOneElementParametersAtThatFractionOfTheRate() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter vector = parameter(m);
            Parameter scalar = scalar(m, "s");
            Sgd sgd = new Sgd(List.of(vector, scalar), new SgdConfig(0.9, 5e-4, false, SgdConfig.FIXUP_SCALAR_LR), m);
            Parameter vectorRef = parameter(m);
            Parameter scalarRef = scalar(m, "r");
            Sgd atLr = new Sgd(List.of(vectorRef), new SgdConfig(0.9, 5e-4, false), m);
            Sgd atTenth = new Sgd(List.of(scalarRef), new SgdConfig(0.9, 5e-4, false), m);
            for (double lr : LRS) {
                backward(m, vector);
                backwardScalar(m, scalar);
                sgd.step(lr);
                backward(m, vectorRef);
                backwardScalar(m, scalarRef);
                atLr.step(lr);
                atTenth.step((float) (lr * SgdConfig.FIXUP_SCALAR_LR));
            }
            assertThat(vector.getArray().toFloatArray()).containsExactly(vectorRef.getArray().toFloatArray());
            assertThat(scalar.getArray().toFloatArray()).containsExactly(scalarRef.getArray().toFloatArray());
            assertThat(scalar.getArray().getFloat(0)).isNotEqualTo(SCALAR_START);
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SgdConfig(0.9, 0, false, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static final float SCALAR_START = 0.7f;

    private static Parameter scalar(NDManager m, String name) {
        Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.BIAS).build();
        NDArray w = m.create(new float[] {SCALAR_START});
        w.setRequiresGradient(true);
        p.setArray(w);
        return p;
    }

    /** loss = 3·s² − s, so ∂loss/∂s = 6s − 1. */
    private static void backwardScalar(NDManager m, Parameter p) {
        try (NDManager step = m.newSubManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray s = p.getArray();
            gc.backward(s.mul(s).mul(3).sub(s).sum());
        }
    }

    private static Parameter parameter(NDManager m) {
        Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).build();
        NDArray w = m.create(new float[] {1f, -2f, 0.5f});
        w.setRequiresGradient(true);
        p.setArray(w);
        return p;
    }

    private static void backward(NDManager m, Parameter p) {
        try (NDManager step = m.newSubManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray w = p.getArray();
            NDArray loss = step.create(A).mul(w).mul(w).add(step.create(B).mul(w)).sum();
            gc.backward(loss);
        }
    }
}
