package org.initbench.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleConsumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The optimized {@link Sgd} gives bit-identical parameters and momentum buffers to the plain
 * per-parameter {@link PlainSgd} (exact equality of every float, not a tolerance), over several
 * steps with learning-rate changes, with and without nesterov and weight decay, on parameters of
 * conv, BN and linear shapes. Gradients come from a fixed elementwise loss, so both copies see the
 * same gradients bit for bit.
 */
class SgdEquivalenceTest {
    private static final Shape[] SHAPES = {
        new Shape(16, 3, 3, 3), new Shape(16), new Shape(16), new Shape(32, 16, 3, 3), new Shape(10, 32), new Shape(10)
    };
    private static final double[] LRS = {0.1, 0.1, 0.05, 0.05, 0.02, 0.2, 0.003};

    @ParameterizedTest(name = "momentum={0} wd={1} nesterov={2}")
    @CsvSource({"0.9, 5e-4, false", "0.9, 5e-4, true", "0.9, 0, false", "0.9, 0, true", "0, 5e-4, false", "0, 0, false"})
    void optimizedEqualsPlainBitForBit(double momentum, double wd, boolean nesterov) {
        SgdConfig config = new SgdConfig(momentum, wd, nesterov);
        try (NDManager m = NDManager.newBaseManager()) {
            List<Parameter> a = parameters(m, "a");
            List<Parameter> b = parameters(m, "b");
            List<NDArray> coef = coefficients(m);
            Sgd fast = new Sgd(a, config, m);
            PlainSgd plain = new PlainSgd(b, config, m);
            run(m, a, coef, fast::step);
            run(m, b, coef, plain::step);
            for (int i = 0; i < a.size(); i++) {
                assertThat(a.get(i).getArray().toFloatArray()).as("parameter %d", i)
                        .containsExactly(b.get(i).getArray().toFloatArray());
                try (NDArray g = a.get(i).getArray().getGradient()) {
                    assertThat(g.toFloatArray()).as("gradient %d zeroed", i).containsOnly(0f);
                }
            }
            NDList fs = fast.state();
            NDList ps = plain.state();
            assertThat(fs).hasSize(momentum == 0 ? 0 : SHAPES.length).hasSameSizeAs(ps);
            for (int i = 0; i < fs.size(); i++) {
                assertThat(fs.get(i).toFloatArray()).as("buffer %d", i).containsExactly(ps.get(i).toFloatArray());
            }
        }
    }

    /** The LRS schedule: per step, loss = Σ c·p² + c³·p over all parameters, backward, update. */
    private static void run(NDManager m, List<Parameter> params, List<NDArray> coef, DoubleConsumer step) {
        for (double lr : LRS) {
            try (NDManager s = m.newSubManager();
                    GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = s.zeros(new Shape());
                for (int i = 0; i < params.size(); i++) {
                    NDArray p = params.get(i).getArray();
                    NDArray c = coef.get(i);
                    loss = loss.add(c.mul(p).mul(p).add(c.pow(3).mul(p)).sum());
                }
                gc.backward(loss);
            }
            step.accept(lr);
        }
    }

    private static List<Parameter> parameters(NDManager m, String prefix) {
        SplittableRandom r = new SplittableRandom(11);
        List<Parameter> out = new ArrayList<>();
        for (int i = 0; i < SHAPES.length; i++) {
            Parameter p = Parameter.builder().setName(prefix + i).setType(Parameter.Type.WEIGHT).build();
            NDArray w = m.create(gaussian(r, (int) SHAPES[i].size()), SHAPES[i]);
            w.setRequiresGradient(true);
            p.setArray(w);
            out.add(p);
        }
        return out;
    }

    private static List<NDArray> coefficients(NDManager m) {
        SplittableRandom r = new SplittableRandom(12);
        List<NDArray> out = new ArrayList<>();
        for (Shape s : SHAPES) {
            out.add(m.create(gaussian(r, (int) s.size()), s));
        }
        return out;
    }

    private static float[] gaussian(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble();
            double w = r.nextDouble();
            v[i] = (float) (Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * w));
        }
        return v;
    }
}
