package org.initbench.init.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.initbench.init.InitContext;
import org.initbench.init.InitRegistry;
import org.initbench.init.SampleBatch;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.initbench.model.Norm;
import org.junit.jupiter.api.Test;

/**
 * The finite-difference Hessian-vector product against closed forms: H·v on a quadratic (and a cubic's
 * quadratic part), and H·g on a small conv net against libtorch's own double backward.
 */
class SecondOrderTest {
    static final double[][] A = {{4, 1, 0, 0.5, 0}, {1, 3, 0.2, 0, 0}, {0, 0.2, 2, 0, 0.3}, {0.5, 0, 0, 5, 1},
        {0, 0, 0.3, 1, 1.5}};
    static final double[] C = {0.3, -1, 0.5, 0, 2};
    static final double[] K = {0.7, 0, -1.2, 0.4, 2};
    static final double[] THETA = {1, -2, 0.5, 0.25, -1};
    /** The finite difference's relative step on resnet20 at width 0.25 (float64): no ReLU changes sign. */
    static final double FD_STEP = 1e-9;

    /** ∇ of L = ½θᵀAθ + cᵀθ + Σ κ_k θ_k³/6 over θ split into two tensors (2 and 3 elements). */
    static SecondOrder.Gradient cubic(double[] kappa) {
        return (theta, m) -> {
            double[] t = concat(theta);
            double[] g = add(times(A, t), C);
            for (int k = 0; k < t.length; k++) {
                g[k] += kappa[k] * t[k] * t[k] / 2;
            }
            return split(g, m);
        };
    }

    /**
     * The conv-net fixture of these tests and {@link MetaInitTest}'s: resnet20 at {@code width} with {@code norm},
     * materialized on a manager and initialized with kaiming-normal (init seed 5), and a Gaussian batch of {@code
     * n} images (seed 3) with its labels.
     */
    record ConvNet(Network net, NDArray x, NDArray y) {
        static ConvNet of(double width, Norm norm, int n, NDManager m) {
            Network net = Models.build("resnet20", 3, 10, width, norm);
            Models.materialize(net, m);
            InitContext.apply(net, InitRegistry.load().resolve("kaiming-normal").strategy(), 5);
            SampleBatch batch = SampleBatch.gaussian(n, 3, 3);
            return new ConvNet(net, m.create(batch.images(), batch.shape()),
                    m.create(Arrays.stream(batch.labels()).asLongStream().toArray()));
        }

        /** The parameters' values as float64 copies on {@code m} (the leaves' values of a float64 pass). */
        List<NDArray> theta(NDManager m) {
            List<NDArray> theta = new ArrayList<>();
            for (NDArray v : SecondOrder.values(net, m)) {
                theta.add(v.toType(DataType.FLOAT64, true));
            }
            return theta;
        }
    }

    @Test
    void hessianVectorIsExactOnAQuadratic() {
        try (NDManager m = NDManager.newBaseManager()) {
            double[] v = {0.5, 1, -1, 2, 0.1};
            List<NDArray> hv = SecondOrder.hessianVector(cubic(new double[5]), split(THETA, m), split(v, m), 1e-3, m);
            assertThat(concat(hv)).containsExactly(times(A, v), within(1e-9));
        }
    }

    /**
     * On resnet20 (width 0.25, eval-mode BN) the float64 difference H·g equals what libtorch's double backward
     * ({@code create_graph}, one pass) gives in float32.
     */
    @Test
    void convNetHessianGradientMatchesDoubleBackward() {
        try (NDManager m = NDManager.newBaseManager()) {
            ConvNet c = ConvNet.of(0.25, Norm.BN, 2, m);
            Network net = c.net();
            NDArray x = c.x();
            NDArray y = c.y();
            List<NDArray> theta = c.theta(m);
            SecondOrder.Gradient grad = SecondOrder.crossEntropyGradient(net, x, y, false, DataType.FLOAT64);
            List<NDArray> g = grad.at(theta, m);
            double[] fd = concat(SecondOrder.hessianVector(grad, theta, g, FD_STEP, m));
            double[] exact;
            try (NDManager pass = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                SecondOrder.Leaves leaves = new SecondOrder.Leaves(net, SecondOrder.values(net, pass), DataType.FLOAT32,
                        pass);
                NDArray loss = SecondOrder.crossEntropy(net.block().forward(leaves, new ai.djl.ndarray.NDList(x), false)
                        .singletonOrThrow(), y, 10);
                backward(loss, true);
                List<NDArray> g32 = new ArrayList<>();
                NDArray half = null;
                for (NDArray q : leaves.leaves()) {
                    NDArray gi = q.getGradient();
                    g32.add(gi.stopGradient().duplicate());
                    NDArray sq = gi.square().sum();
                    half = half == null ? sq : half.add(sq);
                }
                backward(half.mul(0.5f), false);
                List<NDArray> hg = new ArrayList<>();
                for (int i = 0; i < g32.size(); i++) {
                    hg.add(leaves.leaves().get(i).getGradient().sub(g32.get(i)));
                }
                exact = concat(hg);
            }
            double diff = 0;
            double norm = 0;
            for (int i = 0; i < exact.length; i++) {
                diff += (fd[i] - exact[i]) * (fd[i] - exact[i]);
                norm += exact[i] * exact[i];
            }
            assertThat(norm).isPositive();
            assertThat(Math.sqrt(diff / norm)).as("relative error of H·g").isLessThan(1e-3);
        }
    }

    /**
     * On resnet20 (width 0.25, batch statistics, 16 Gaussian images) the TorchScript double backward gives g
     * and ∂‖g‖/∂θ = H·g/‖g‖ as DJL's own float64 double backward ({@code create_graph}, one pass): in float64 to
     * rounding (measured: 4e-15 relative for H·g; bound 1e-10), in float32 to float32 rounding (measured:
     * 1.4e-6 here, 4.4e-4 on 128 images; bound 1e-4); under the bound only ‖g‖ and g.
     */
    @Test
    void normGradientIsDoubleBackward() {
        try (NDManager m = NDManager.newBaseManager()) {
            ConvNet c = ConvNet.of(0.25, Norm.BN, 16, m);
            Network net = c.net();
            NDArray x = c.x();
            NDArray y = c.y();
            List<NDArray> theta = c.theta(m);
            List<NDArray> g = new ArrayList<>();
            List<NDArray> hg = new ArrayList<>();
            try (NDManager pass = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                SecondOrder.Leaves leaves = new SecondOrder.Leaves(net, theta, DataType.FLOAT64, pass);
                NDArray loss = SecondOrder.crossEntropy(net.block().forward(leaves,
                        new ai.djl.ndarray.NDList(x.toType(DataType.FLOAT64, false)), true).singletonOrThrow(), y, 10);
                backward(loss, true);
                NDArray half = null;
                for (NDArray q : leaves.leaves()) {
                    NDArray gi = q.getGradient();
                    NDArray copy = gi.stopGradient().duplicate();
                    copy.attach(m);
                    g.add(copy);
                    NDArray sq = gi.square().sum();
                    half = half == null ? sq : half.add(sq);
                }
                backward(half.mul(0.5), false);
                for (int i = 0; i < g.size(); i++) {
                    NDArray h = leaves.leaves().get(i).getGradient().sub(g.get(i));
                    h.attach(m);
                    hg.add(h);
                }
            }
            double gnorm = SecondOrder.norm(g);
            assertThat(gnorm).isGreaterThan(1);
            for (DataType dtype : new DataType[] {DataType.FLOAT64, DataType.FLOAT32}) {
                double tol = dtype == DataType.FLOAT64 ? 1e-10 : 1e-4;
                SecondOrder.NormGradientAt at = SecondOrder.crossEntropyNormGradient(net, x, y, true, dtype);
                SecondOrder.NormGradient above = at.at(theta, 1, m);
                assertThat(above.norm()).as("‖g‖, %s", dtype).isCloseTo(gnorm, within(tol * gnorm));
                assertThat(relativeError(above.gradient(), g)).as("g, %s", dtype).isLessThan(tol);
                List<NDArray> scaled = above.normGradient().stream().map(a -> a.mul(above.norm())).toList();
                assertThat(relativeError(scaled, hg)).as("H·g, %s", dtype).isLessThan(tol);
                SecondOrder.NormGradient below = at.at(theta, 2 * gnorm, m);
                assertThat(below.normGradient()).isNull();
                assertThat(relativeError(below.gradient(), g)).isLessThan(tol);
            }
        }
    }

    /**
     * A pass at the values the caller passed before gives the same gradient: the leaves are copies (DJL's
     * {@code toType} of an array to its own type is the same libtorch tensor, whose {@code .grad} would add up).
     */
    @Test
    void gradientsAtTheSameValuesDoNotAddUp() {
        try (NDManager m = NDManager.newBaseManager()) {
            ConvNet c = ConvNet.of(0.125, Norm.BN, 4, m);
            Network net = c.net();
            NDArray x = c.x();
            NDArray y = c.y();
            for (DataType dtype : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
                List<NDArray> theta = new ArrayList<>();
                for (NDArray v : SecondOrder.values(net, m)) {
                    theta.add(v.toType(dtype, false));
                }
                SecondOrder.Gradient grad = SecondOrder.crossEntropyGradient(net, x, y, true, dtype);
                double[] first = concat(grad.at(theta, m));
                double[] second = concat(grad.at(theta, m));
                assertThat(second).as("%s", dtype).containsExactly(first, within(1e-6 * SecondOrder.norm(
                        grad.at(theta, m))));
                assertThat(theta.get(0).hasGradient()).as("the caller's array is no leaf").isFalse();
            }
        }
    }

    static double relativeError(List<NDArray> a, List<NDArray> b) {
        double[] u = concat(a);
        double[] v = concat(b);
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < u.length; i++) {
            diff += (u[i] - v[i]) * (u[i] - v[i]);
            norm += v[i] * v[i];
        }
        return Math.sqrt(diff / norm);
    }

    private static void backward(NDArray y, boolean createGraph) {
        try (NDArray seed = y.onesLike()) {
            JniUtils.backward((PtNDArray) y, (PtNDArray) seed, createGraph, createGraph);
        }
    }

    static double[] concat(List<NDArray> parts) {
        return parts.stream().flatMapToDouble(p -> Arrays.stream(p.toType(DataType.FLOAT64, false).toDoubleArray()))
                .toArray();
    }

    static List<NDArray> split(double[] v, NDManager m) {
        return List.of(m.create(Arrays.copyOfRange(v, 0, 2), new Shape(2)),
                m.create(Arrays.copyOfRange(v, 2, 5), new Shape(3)));
    }

    static double[] times(double[][] a, double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            for (int j = 0; j < v.length; j++) {
                out[i] += a[i][j] * v[j];
            }
        }
        return out;
    }

    static double[] add(double[] u, double[] v) {
        double[] out = u.clone();
        for (int i = 0; i < v.length; i++) {
            out[i] += v[i];
        }
        return out;
    }
}
