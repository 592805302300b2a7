package org.initbench.init.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.initbench.BadInputException;
import org.initbench.init.InitContext;
import org.initbench.init.InitRegistry;
import org.initbench.init.SampleBatch;
import org.initbench.model.Layer;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.initbench.model.Norm;
import org.junit.jupiter.api.Test;

/**
 * MetaInit's derivatives (double backward through the TorchScript module) against closed forms, and the scheme:
 * it lowers the gradient quotient, changes only weight norms, is deterministic for a seed, and its passes leave no
 * memory behind.
 */
class MetaInitTest {
    static final double[][] A = SecondOrderTest.A;
    static final double[] C = SecondOrderTest.C;
    static final double[] THETA = SecondOrderTest.THETA;
    /** κ of the cubic term; zero entries keep those coordinates quadratic. */
    static final double[] K = {0.7, 0, -1.2, 0.4, 2};

    /**
     * L = ½θᵀAθ + cᵀθ + Σ κ_k θ_k³/6 by DJL ops on θ given as two leaf tensors (2 and 3 elements), in the
     * collector's graph.
     */
    static NDArray cubic(List<NDArray> leaves, double[] kappa, NDManager m) {
        NDArray t = NDArrays.concat(new NDList(leaves));
        NDArray a = m.create(Arrays.stream(A).flatMapToDouble(Arrays::stream).toArray(), new Shape(5, 5));
        NDArray quad = t.mul(a.matMul(t)).sum().mul(0.5);
        NDArray lin = t.mul(m.create(C)).sum();
        NDArray cub = t.pow(3).mul(m.create(kappa)).sum().div(6);
        return quad.add(lin).add(cub);
    }

    static List<NDArray> leaves(double[] theta, NDManager m) {
        List<NDArray> out = SecondOrderTest.split(theta, m);
        out.forEach(q -> q.setRequiresGradient(true));
        return out;
    }

    /** On L = ½θᵀAθ + cᵀθ, double backward gives g = Aθ + c and H·g = A·g exactly (float64). */
    @Test
    void hessianGradientIsExactOnAQuadratic() {
        try (NDManager m = NDManager.newBaseManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            List<NDArray> theta = leaves(THETA, m);
            List<NDArray> out = MetaInit.hessianGradient(cubic(theta, new double[5], m), theta, m);
            assertThat(out).hasSize(4);
            double[] g = SecondOrderTest.add(SecondOrderTest.times(A, THETA), C);
            assertThat(SecondOrderTest.concat(out.subList(0, 2))).containsExactly(g, within(1e-12));
            assertThat(SecondOrderTest.concat(out.subList(2, 4))).containsExactly(SecondOrderTest.times(A, g), within(1e-12));
        }
    }

    /**
     * On resnet20 (width 0.25, norm-free and BN in eval mode, kaiming-normal, 8 random images), H·g by double
     * backward in float64 equals {@link SecondOrder}'s float64 central difference (relative step 1e-9, which
     * {@code SecondOrderTest} checks against DJL's own double backward): measured relative error about 5e-9.
     */
    @Test
    void convNetHessianGradientMatchesTheFiniteDifference() {
        for (Norm norm : List.of(Norm.NONE, Norm.BN)) {
            try (NDManager m = NDManager.newBaseManager()) {
                SecondOrderTest.ConvNet c = SecondOrderTest.ConvNet.of(0.25, norm, 8, m);
                Network net = c.net();
                NDArray x = c.x();
                NDArray y = c.y();
                List<NDArray> theta = c.theta(m);
                SecondOrder.Gradient grad = SecondOrder.crossEntropyGradient(net, x, y, false, DataType.FLOAT64);
                double[] fd = SecondOrderTest.concat(SecondOrder.hessianVector(grad, theta, grad.at(theta, m), SecondOrderTest.FD_STEP, m));
                double[] exact;
                try (NDManager pass = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    SecondOrder.Leaves leaves = new SecondOrder.Leaves(net, theta, DataType.FLOAT64, pass);
                    NDArray in = x.toType(DataType.FLOAT64, true);
                    in.attach(pass);
                    NDArray loss = SecondOrder.crossEntropy(net.block().forward(leaves, new NDList(in), false).singletonOrThrow(), y, 10);
                    List<NDArray> out = MetaInit.hessianGradient(loss, leaves.leaves(), pass);
                    exact = SecondOrderTest.concat(out.subList(theta.size(), out.size()));
                }
                double diff = 0;
                double sq = 0;
                for (int i = 0; i < exact.length; i++) {
                    diff += (fd[i] - exact[i]) * (fd[i] - exact[i]);
                    sq += exact[i] * exact[i];
                }
                assertThat(sq).isPositive();
                assertThat(Math.sqrt(diff / sq)).as("relative error of H·g, %s", norm).isLessThan(1e-6);
            }
        }
    }

    /**
     * On the cubic, GQ equals its closed form, and ∂GQ/∂θ (through the third derivative: H depends on θ) equals a
     * central difference of that closed form: with κ = 0 the third-derivative term would be missing and the
     * comparison fails.
     */
    @Test
    void quotientAndItsGradientMatchClosedFormsOnACubic() {
        double eps = 1e-5;
        try (NDManager m = NDManager.newBaseManager()) {
            MetaInit.Quotient q;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                List<NDArray> theta = leaves(THETA, m);
                q = MetaInit.quotient(cubic(theta, K, m), theta, eps, m);
            }
            assertThat(q.value()).isCloseTo(cubicQuotient(THETA, K, eps), within(1e-12));
            double[] grad = SecondOrderTest.concat(q.gradient());
            double[] numeric = new double[THETA.length];
            double h = 1e-6;
            for (int k = 0; k < THETA.length; k++) {
                double[] plus = THETA.clone();
                double[] minus = THETA.clone();
                plus[k] += h;
                minus[k] -= h;
                numeric[k] = (cubicQuotient(plus, K, eps) - cubicQuotient(minus, K, eps)) / (2 * h);
            }
            assertThat(grad).containsExactly(numeric, within(1e-7));
            double[] noThird;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                List<NDArray> theta = leaves(THETA, m);
                noThird = SecondOrderTest.concat(MetaInit.quotient(cubic(theta, new double[5], m), theta, eps, m).gradient());
            }
            double gap = 0;
            for (int k = 0; k < numeric.length; k++) {
                gap = Math.max(gap, Math.abs(noThird[k] - numeric[k]));
            }
            assertThat(gap).as("the cubic's third derivative matters here").isGreaterThan(1e-3);
        }
    }

    /** GQ of the cubic in closed form: g = Aθ + c + κθ²/2, H = A + diag(κθ). */
    static double cubicQuotient(double[] theta, double[] kappa, double eps) {
        int n = theta.length;
        double[] g = SecondOrderTest.add(SecondOrderTest.times(A, theta), C);
        for (int k = 0; k < n; k++) {
            g[k] += kappa[k] * theta[k] * theta[k] / 2;
        }
        double[] hg = SecondOrderTest.times(A, g);
        double sum = 0;
        for (int k = 0; k < n; k++) {
            hg[k] += kappa[k] * theta[k] * g[k];
            double s = g[k] >= 0 ? 1 : -1;
            sum += Math.abs((g[k] - hg[k]) / (g[k] + eps * s) - 1);
        }
        return sum / n;
    }

    /**
     * A norm-free resnet20 (width 0.25) from kaiming-normal, whose residual sums blow up without normalization:
     * 25 steps lower the gradient quotient, measured on a fixed batch of 32 random images, a hundredfold (here
     * about 6700 before; during the steps it fell from about 6000 to 1–4 within 20 steps).
     */
    @Test
    void lowersTheGradientQuotient() {
        double before = fixedBatchQuotient("kaiming-normal");
        double after = fixedBatchQuotient("metainit:steps=25,batch=16");
        assertThat(after).as("GQ after (before: %s)", before).isLessThan(0.01 * before);
    }

    private static double fixedBatchQuotient(String spec) {
        Network net = Models.build("resnet20", 3, 10, 0.25, Norm.NONE);
        SampleBatch batch = SampleBatch.gaussian(32, 3, 99);
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, InitRegistry.load().resolve(spec).strategy(), 0);
            NDArray x = m.create(batch.images(), batch.shape());
            NDArray y = m.create(Arrays.stream(batch.labels()).asLongStream().toArray());
            return MetaInit.quotient(net, SecondOrder.values(net, m), x, y, 1e-5, m).value();
        }
    }

    /**
     * Only conv and linear weights change, each by a positive factor of its base tensor (weight-normalized: g, v
     * kept), and the first step moves every norm by exactly lr (a signed step from zero momentum).
     */
    @Test
    void changesOnlyWeightNormsBySignedSteps() {
        for (Norm norm : List.of(Norm.BN, Norm.WEIGHTNORM)) {
            Map<String, float[]> base = values("kaiming-normal", norm, 7);
            Map<String, float[]> tuned = values("metainit:steps=1,batch=4,lr=0.05", norm, 7);
            Set<String> weights = new HashSet<>();
            for (Layer l : Models.build("resnet20", 3, 10, 0.25, norm).layers()) {
                if (l.kind().weighted()) {
                    weights.add(l.path() + (l.weightNormalized() ? ".weight_g" : ".weight"));
                }
            }
            assertThat(weights).isNotEmpty();
            for (var e : base.entrySet()) {
                float[] b = e.getValue();
                float[] t = tuned.get(e.getKey());
                if (!weights.contains(e.getKey())) {
                    assertThat(t).as(e.getKey()).containsExactly(b);
                    continue;
                }
                double nb = norm(b);
                double nt = norm(t);
                assertThat(Math.abs(nt - nb)).as("norm step of %s", e.getKey()).isCloseTo(0.05, within(1e-4));
                for (int i = 0; i < b.length; i++) {
                    assertThat((double) t[i]).isCloseTo(b[i] * nt / nb, within(1e-5));
                }
            }
        }
    }

    @Test
    void sameSeedSameValuesAnotherSeedOthers() {
        String spec = "metainit:steps=3,batch=4";
        Map<String, float[]> a = values(spec, Norm.NONE, 5);
        Map<String, float[]> b = values(spec, Norm.NONE, 5);
        Map<String, float[]> c = values(spec, Norm.NONE, 6);
        int differ = 0;
        for (var e : a.entrySet()) {
            assertThat(b.get(e.getKey())).as(e.getKey()).containsExactly(e.getValue());
            differ += Arrays.equals(e.getValue(), c.get(e.getKey())) ? 0 : 1;
        }
        assertThat(differ).isPositive();
    }

    /**
     * 25 passes (GQ and ∂GQ/∂θ on resnet20, width 0.25, batch 32): resident memory after the 5th and after the
     * 25th differ by less than 40 MB (DJL's own double backward leaked about 230 MB a pass at batch 64), and each
     * pass leaves on the caller's manager only the gradient it returns.
     */
    @Test
    void passesLeaveNoMemoryBehind() throws IOException {
        assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "resident memory from /proc");
        Network net = Models.build("resnet20", 3, 10, 0.25, Norm.NONE);
        SampleBatch batch = SampleBatch.gaussian(32, 3, 7);
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, InitRegistry.load().resolve("kaiming-normal").strategy(), 0);
            NDArray x = m.create(batch.images(), batch.shape());
            NDArray y = m.create(Arrays.stream(batch.labels()).asLongStream().toArray());
            List<NDArray> theta = SecondOrder.values(net, m);
            long warm = 0;
            for (int pass = 1; pass <= 25; pass++) {
                try (NDManager into = m.newSubManager()) {
                    MetaInit.Quotient q = MetaInit.quotient(net, theta, x, y, 1e-5, into);
                    assertThat(q.gradient()).hasSize(theta.size());
                    assertThat(into.getManagedArrays()).as("arrays left by pass %d", pass).hasSize(theta.size());
                }
                if (pass == 5) {
                    warm = residentKb();
                }
            }
            long growth = residentKb() - warm;
            assertThat(growth).as("resident growth over 20 passes, KB").isLessThan(40_000);
        }
    }

    private static long residentKb() throws IOException {
        System.gc();
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS");
    }

    @Test
    void refusesBadOptions() {
        assertThatThrownBy(() -> InitRegistry.load().resolve("metainit:steps=2.5")).isInstanceOf(BadInputException.class);
        assertThatThrownBy(() -> InitRegistry.load().resolve("metainit:momentum=1")).isInstanceOf(BadInputException.class);
        assertThatThrownBy(() -> InitRegistry.load().resolve("metainit:eps=0")).isInstanceOf(BadInputException.class);
        assertThatThrownBy(() -> InitRegistry.load().resolve("metainit:base=metainit")).isInstanceOf(BadInputException.class);
        assertThat(InitRegistry.load().resolve("metainit").spec())
                .isEqualTo("metainit:base=kaiming-normal,steps=500,batch=128,lr=0.1,momentum=0.9,eps=1e-5");
    }

    /** The trainable parameters of resnet20 (width 0.25) under {@code spec}, by path. */
    static Map<String, float[]> values(String spec, Norm norm, long seed) {
        Network net = Models.build("resnet20", 3, 10, 0.25, norm);
        Map<String, float[]> out = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, InitRegistry.load().resolve(spec).strategy(), seed);
            for (Layer l : net.layers()) {
                for (var p : l.parameters().entrySet()) {
                    if (p.getValue().requiresGradient()) {
                        out.put(l.path() + "." + p.getKey(), p.getValue().getArray().toFloatArray());
                    }
                }
            }
        }
        return out;
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }
}
