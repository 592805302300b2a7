package org.initbench.init.builtin;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Convolution;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.initbench.Seeds;
import org.initbench.init.Fans;
import org.initbench.model.Layer;
import org.initbench.model.ModelGraph;
import org.initbench.model.ModelGraph.Leaf;
import org.initbench.model.ModelGraph.Node;
import org.initbench.model.ModelGraph.Sequence;
import org.initbench.model.ModelGraph.Sum;
import org.initbench.model.MomentRule;
import org.initbench.model.Moments;
import org.initbench.model.Network;

/**
 * AutoInit's analytic propagation of (mean, variance) through a {@link ModelGraph} in forward order
 * (Bingham and Miikkulainen 2023, init-methods.md §3.3), choosing each conv and linear weight
 * variance Var(W) = 1/(fan_in·E[x²]) from the moments of its input. {@link #predict} exposes the
 * predicted output moments of every leaf and sum, keyed by node name (layer paths for conv, linear
 * and norm layers), for the diagnostics to print beside measured values.
 *
 * <p>Rules: conv/linear → (0, ρ) where ρ is the mean fraction of kernel taps that fall inside the
 * input rather than on zero padding (1 for linear and unpadded convs; with {@code compensatePadding}
 * Var(W) is divided by ρ and the output is (0, 1)); batch norm → (0, 1), γ/β ignored; ReLU and
 * ReLU6 → clipped-normal moments; k×k max-pool → max of k² i.i.d. normals with the input's moments;
 * global average pool over H·W → (μ, v/(H·W)); flatten, identity → unchanged; add → (Σμ, Σv);
 * custom blocks → their {@link MomentRule}.
 *
 * <p>{@link #predictGiven} runs the same rules with the weights a network already has instead of
 * AutoInit's choice (for the diagnostics' {@code --predict} on any init): conv/linear → (mean b,
 * fan_in·E[W²]·E[x²]·ρ + Var b), which holds for zero-mean weights drawn independently of the
 * input; batch norm in training mode → (mean β, mean γ² + Var β), per-channel moments pooled.
 */
public final class AutoInitPropagation {
    /** Receives each conv and linear layer's chosen weight variance, in forward order. */
    @FunctionalInterface
    public interface WeightSink {
        void accept(Layer layer, double weightVariance);
    }

    /**
     * Realized statistics of one layer's parameters, pooled over the tensor: for conv and linear the
     * weight's mean square and the bias's mean and variance (0 without bias); for batch norm the
     * same of γ and β.
     */
    public record LayerParams(double weightMeanSquare, double biasMean, double biasVariance) {}

    /** The realized parameter statistics of a conv, linear or batch-norm layer. */
    @FunctionalInterface
    public interface ParamSource {
        LayerParams of(Layer layer);
    }

    private static final double RELU6_CAP = 6;

    /** Samples per node in {@code sampled} mode: second moments within about 1%. */
    static final int SAMPLES = 1 << 16;

    private static final long SAMPLE_SEED = 0x5EED_A17L;

    private final boolean compensatePadding;
    private final boolean sampled;
    private final WeightSink sink;
    private final ParamSource given;
    private final Map<String, Moments> predicted = new LinkedHashMap<>();

    private AutoInitPropagation(boolean compensatePadding, boolean sampled, WeightSink sink, ParamSource given) {
        this.compensatePadding = compensatePadding;
        this.sampled = sampled;
        this.sink = sink;
        this.given = given;
    }

    /** Predicted output moments of every node of {@code net}'s graph (default options). */
    public static Map<String, Moments> predict(Network net, Moments input) {
        return predict(net, input, false);
    }

    /** As {@link #predict(Network, Moments)}; {@code sampled} as in {@link #run}. */
    public static Map<String, Moments> predict(Network net, Moments input, boolean sampled) {
        return run(net, input, false, sampled, (layer, v) -> { });
    }

    /**
     * Propagates {@code input} through {@code net}, reporting weight variances to {@code sink}.
     *
     * @param compensatePadding divide each conv's Var(W) by its valid-tap fraction ρ
     * @param sampled carry each activation's marginal distribution as a fixed-seed sample instead
     *     of assuming it normal wherever a nonlinearity or pooling needs a distribution
     */
    public static Map<String, Moments> run(Network net, Moments input, boolean compensatePadding, boolean sampled,
            WeightSink sink) {
        AutoInitPropagation p = new AutoInitPropagation(compensatePadding, sampled, sink, null);
        p.visit(ModelGraph.of(net).root(), p.normal("input", input));
        return Collections.unmodifiableMap(p.predicted);
    }

    /**
     * Predicted output moments of every node of {@code net}'s graph for the parameters it has (see
     * the class comment), keyed as {@link #predict}; {@code sampled} as in {@link #run}. Batch norm
     * is taken in training mode (batch statistics).
     */
    public static Map<String, Moments> predictGiven(Network net, Moments input, boolean sampled, ParamSource params) {
        AutoInitPropagation p = new AutoInitPropagation(false, sampled, (layer, v) -> { }, params);
        p.visit(ModelGraph.of(net).root(), p.normal("input", input));
        return Collections.unmodifiableMap(p.predicted);
    }

    /** Moments, and in sampled mode a sample of the marginal distribution. */
    private record Dist(Moments moments, double[] sample) {}

    private Dist visit(Node node, Dist in) {
        Dist out = in;
        if (node instanceof Sequence s) {
            for (Node c : s.children()) {
                out = visit(c, out);
            }
            return out;
        }
        if (node instanceof Sum s) {
            double mean = 0;
            double var = 0;
            double[] sum = sampled ? new double[SAMPLES] : null;
            for (Node b : s.branches()) {
                Dist d = visit(b, in);
                mean += d.moments().mean();
                var += d.moments().variance();
                for (int i = 0; sampled && i < SAMPLES; i++) {
                    sum[i] += d.sample()[i];
                }
            }
            out = sampled ? of(sum) : new Dist(new Moments(mean, var), null);
        } else {
            out = sampled ? sampledLeaf((Leaf) node, in) : new Dist(leaf((Leaf) node, in.moments()), null);
        }
        predicted.put(node.name(), out.moments());
        return out;
    }

    private Dist sampledLeaf(Leaf l, Dist in) {
        double[] x = in.sample();
        double[] y = new double[SAMPLES];
        switch (l.op()) {
            case RELU, RELU6 -> {
                double cap = l.op() == ModelGraph.Op.RELU ? Double.POSITIVE_INFINITY : RELU6_CAP;
                for (int i = 0; i < SAMPLES; i++) {
                    y[i] = Math.min(Math.max(x[i], 0), cap);
                }
            }
            case MAX_POOL -> {
                int n = window(l);
                SplittableRandom rng = new SplittableRandom(Seeds.derive(SAMPLE_SEED, l.name()));
                for (int i = 0; i < SAMPLES; i++) {
                    double m = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < n; j++) {
                        m = Math.max(m, x[rng.nextInt(SAMPLES)]);
                    }
                    y[i] = m;
                }
            }
            case FLATTEN, IDENTITY -> y = x;
            default -> {
                return normal(l.name(), leaf(l, in.moments()));
            }
        }
        return of(y);
    }

    private Dist normal(String name, Moments m) {
        if (!sampled) {
            return new Dist(m, null);
        }
        SplittableRandom rng = new SplittableRandom(Seeds.derive(SAMPLE_SEED, name));
        double[] y = new double[SAMPLES];
        double sd = Math.sqrt(m.variance());
        for (int i = 0; i < SAMPLES; i++) {
            y[i] = m.mean() + sd * rng.nextGaussian();
        }
        return new Dist(m, y);
    }

    private static Dist of(double[] y) {
        double s = 0;
        double s2 = 0;
        for (double v : y) {
            s += v;
            s2 += v * v;
        }
        double mean = s / y.length;
        return new Dist(new Moments(mean, Math.max(0, s2 / y.length - mean * mean)), y);
    }

    private static int window(Leaf l) {
        Shape s = l.inputShape();
        return Math.toIntExact(s.get(2) / l.outputShape().get(2) * (s.get(3) / l.outputShape().get(3)));
    }

    private Moments leaf(Leaf l, Moments in) {
        Shape s = l.inputShape();
        return switch (l.op()) {
            case CONV, LINEAR -> weighted(l, in);
            case BATCH_NORM -> given == null ? Moments.STANDARD : affine(given.of(l.layer()), 1);
            case RELU -> GaussianMoments.clipped(in, 0, Double.POSITIVE_INFINITY);
            case RELU6 -> GaussianMoments.clipped(in, 0, RELU6_CAP);
            case MAX_POOL -> GaussianMoments.maxOf(in, window(l));
            case GLOBAL_AVG_POOL -> new Moments(in.mean(), in.variance() / (s.get(2) * s.get(3)));
            case FLATTEN, IDENTITY -> in;
            case CUSTOM -> ((MomentRule) l.block()).propagate(in, s);
        };
    }

    private Moments weighted(Leaf l, Moments in) {
        double q = in.secondMoment();
        double rho = l.block() instanceof Convolution c ? validFraction(c, l.inputShape()) : 1;
        if (given != null) {
            return affine(given.of(l.layer()), Fans.of(l.layer()).fanIn() * q * rho);
        }
        if (!(q > 0)) {
            throw new IllegalStateException("autoinit: the input of " + l.name() + " is identically zero");
        }
        double var = 1 / (Fans.of(l.layer()).fanIn() * q);
        if (compensatePadding) {
            var /= rho;
        }
        sink.accept(l.layer(), var);
        return new Moments(0, Fans.of(l.layer()).fanIn() * var * q * rho);
    }

    /** (mean b, gain·E[W²] + Var b): a weighted sum of gain "unit inputs" plus a per-channel bias. */
    private static Moments affine(LayerParams p, double gain) {
        return new Moments(p.biasMean(), gain * p.weightMeanSquare() + p.biasVariance());
    }

    /** Mean fraction, over output positions, of kernel taps that read the input (not padding). */
    static double validFraction(Convolution c, Shape in) {
        double rho = 1;
        for (int d = 0; d < c.getKernelShape().dimension(); d++) {
            long size = in.get(2 + d);
            long k = c.getKernelShape().get(d);
            long stride = c.getStride().get(d);
            long pad = c.getPadding().get(d);
            long dil = c.getDilation().get(d);
            long outSize = (size + 2 * pad - dil * (k - 1) - 1) / stride + 1;
            long valid = 0;
            for (long o = 0; o < outSize; o++) {
                for (long j = 0; j < k; j++) {
                    long i = o * stride - pad + j * dil;
                    valid += (i >= 0 && i < size) ? 1 : 0;
                }
            }
            rho *= (double) valid / (outSize * k);
        }
        return rho;
    }
}
