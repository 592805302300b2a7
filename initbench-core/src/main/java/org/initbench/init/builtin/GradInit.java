package org.initbench.init.builtin;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.initbench.BadInputException;
import org.initbench.Seeds;
import org.initbench.init.InitContext;
import org.initbench.init.InitOption;
import org.initbench.init.InitStrategy;
import org.initbench.init.SampleBatch;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.initbench.model.Network;

/**
 * Zhu, Ni, Xu, Kong, Huang, Goldstein 2021, "GradInit: Learning to Initialize Neural Networks for Stable and
 * Efficient Training", NeurIPS 2021, arXiv:2102.08098 (reference zhuchen03/gradinit {@code gradinit_utils.py},
 * {@code gradinit_optimizers.py}, {@code launch/run_gradinit.sh}). Data-dependent: needs labelled training
 * images (the run's sample batch).
 *
 * <p>Every trainable tensor θ_i (conv/linear weight and bias, BN γ and β, Fixup's scalars; on a
 * weight-normalized layer g and the bias, not the direction v) gets a scale α_i, starting at 1 over the {@code
 * base} init (kaiming-normal: the reference models' conv rule) so that θ_i = α_i·θ⁰_i. Each of {@code iters}
 * (390) iterations draws three half-batches A, B, C of ⌊min(batch, pool)/2⌋ images from the sample pool
 * (A ∪ B a reshuffle of the pool, C another draw: the reference's consecutive loader batches), BN on batch
 * statistics as the reference ({@code track_running_stats=False}; running statistics end at 0/1), and
 *
 * <pre>
 * g = ∇L(θ; A ∪ B)
 * if ‖g‖ > γ:  minimize ‖g‖       ∂‖g‖/∂θ = H·g/‖g‖           (the constraint step)
 * else:        minimize L(θ − η·g/‖g‖; A ∪ C)/η                (the objective step)
 * ∂/∂α_i = ⟨∂/∂θ_i, θ_i⟩/α_i, clipped to [−1, 1]
 * </pre>
 *
 * then one Adam step on the α's (lr {@code lr}, β = (0.9, 0.999), ε = 1e-8; separate first moments for the
 * two kinds of step, one second moment, as the reference's {@code RescaleAdam}), α_i ≥ 0.01 for weights (γ
 * and scalar multipliers included) and ≥ 0 for biases; a tensor that is zero (a zero bias) stays zero. As in
 * the reference code the gradient step of the objective is a constant ({@code gstep.data}): its gradient is
 * ∇L at the stepped point, no second derivative. Only the constraint step needs one, and it is taken as the
 * reference takes it ({@code autograd.grad(loss, params, create_graph=True)}, then {@code gnorm.backward()}):
 * double backward, by {@code torch.autograd.grad} in a TorchScript module ({@link
 * SecondOrder#crossEntropyNormGradient}), so one forward pass on A ∪ B gives ‖g‖, g and, when ‖g‖ > γ,
 * ∂‖g‖/∂θ exactly.
 *
 * <p>Precision: every pass (g, ∂‖g‖/∂θ, the objective's gradient) runs in float32, as the reference's; the
 * α's, θ⁰ and the products ⟨∂/∂θ_i, θ_i⟩ are float64 ({@code precision=float64} runs the passes in float64
 * too, a check several times slower on a CPU: float64 convolutions have no oneDNN kernels). Measured
 * 2026-12-07 (kaiming-normal, α = 1, 128 Gaussian images, BN on batch statistics) against float64 double
 * backward: the float32 H·g is off by 4.4e-4 (relative L2 norm; 1.2e-4 for the per-tensor ⟨H·g, θ_i⟩ that
 * enter ∂/∂α) on resnet20 at width 0.25 and by 6.5e-3 (1.4e-3) on resnet56 at width 0.5, no ∂/∂α changing
 * sign: float32 rounding, the same as DJL's own float32 double backward. Earlier versions took H·g as a
 * central difference of gradients ({@link SecondOrder#hessianVector}, every pass in float64, relative step
 * 1e-9), which no type fixes: a step moves ReLU inputs across 0, and each unit that changes sign adds a
 * jump of the gradient divided by the step. In float32 the best relative step (1e-2) was 90 % off on
 * resnet20 (22 % for ⟨H·g, θ_i⟩), and float64 at the same step was off by as much (the kinks, not rounding);
 * in float64 at 1e-9 it matched to 1e-6 on resnet20 but was 488× off on resnet56 at width 0.5 (a kink
 * crossed; 28 of 173 ∂/∂α of the wrong sign). Cost ({@code initbench bench --inits gradinit:iters=N
 * --threads 1}, AMD EPYC Zen 5, the other core busy, batch 128; every iteration there a constraint step):
 * about 0.33 s an iteration on resnet20 at width 0.25 (0.64 s with the float64 difference) and 1.8 s on
 * resnet56 at width 0.5 (4.7 s); docs/init-strategies.md has the runs.
 *
 * <p>Defaults: the reference's CIFAR script ({@code run_gradinit.sh}: η = 0.1, γ = 1, normalized gradient,
 * α_min = 0.01, 390 iterations, gradient clip 1, α learning rate 1e-3 as for its BN ResNet-110 (1e-1 for
 * VGG-19-BN)) and {@code train_cifar.py} (batch 128 split into halves of 64). Unlike the reference, which
 * streams a fresh epoch of data, initbench draws every batch from the one sample batch a run gives its
 * init (the run's batch size, one augmentation): the scales are fit to those images.
 */
public final class GradInit extends Scheme {
    static final String ID = "gradinit";
    static final String DEFAULT_BASE = "kaiming-normal";
    static final String DEFAULT_ITERS = "390";
    static final String DEFAULT_BATCH = "128";
    static final String DEFAULT_LR = "0.001";
    static final String DEFAULT_ETA = "0.1";
    static final String DEFAULT_GAMMA = "1";
    static final String DEFAULT_MIN_SCALE = "0.01";
    static final String DEFAULT_GRAD_CLIP = "1";
    static final String DEFAULT_PRECISION = "float32";
    static final List<String> PRECISIONS = List.of("float32", "float64");
    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double ADAM_EPS = 1e-8;

    public GradInit() {
        super(ID, "GradInit: per-tensor scales α fit by Adam so one normalized SGD step lowers the loss most,"
                        + " under ‖g‖ ≤ γ; folded into the weights",
                "Zhu et al. 2021, GradInit: Learning to Initialize Neural Networks for Stable and Efficient"
                        + " Training, NeurIPS 2021, arXiv:2102.08098",
                () -> List.of(Bases.option(ID, DEFAULT_BASE),
                        InitOption.number("iters", DEFAULT_ITERS, "scale-fitting iterations"),
                        InitOption.number("batch", DEFAULT_BATCH, "images per loss (two halves)"),
                        InitOption.number("lr", DEFAULT_LR, "Adam learning rate of the scales"),
                        InitOption.number("eta", DEFAULT_ETA, "the SGD step whose result is minimized"),
                        InitOption.number("gamma", DEFAULT_GAMMA, "gradient-norm bound"),
                        InitOption.number("min-scale", DEFAULT_MIN_SCALE, "lower bound of a weight's scale"),
                        InitOption.number("grad-clip", DEFAULT_GRAD_CLIP, "clip of a scale's gradient (0: none)"),
                        InitOption.choice("precision", DEFAULT_PRECISION, "type of every pass: float32 as the"
                                + " reference, or float64 (a check; several times slower on a CPU)", PRECISIONS)));
    }

    @Override
    public boolean dataDependent() {
        return true;
    }

    @Override
    public InitStrategy create(Map<String, String> options) {
        InitStrategy base = Bases.resolve(ID, options.get("base"));
        Settings s = new Settings(count(options, "iters", 0), count(options, "batch", 2),
                number(options, "lr"), number(options, "eta"), number(options, "gamma"),
                number(options, "min-scale"), number(options, "grad-clip"),
                DataType.valueOf(options.get("precision").toUpperCase(Locale.ROOT)));
        if (s.lr < 0 || s.eta <= 0 || s.gamma <= 0 || s.minScale < 0 || s.gradClip < 0) {
            throw new BadInputException("init 'gradinit': needs lr >= 0, eta > 0, gamma > 0, min-scale >= 0 and"
                    + " grad-clip >= 0, got " + options);
        }
        return ctx -> {
            SampleBatch pool = ctx.sampleBatch();
            if (pool == null) {
                throw new BadInputException("gradinit needs data: a sample batch of labelled training images");
            }
            Network net = ctx.network();
            if (pool.channels() != net.inChannels() || pool.height() != net.imageSize()
                    || pool.width() != net.imageSize()) {
                throw new BadInputException("gradinit: sample images are " + pool.channels() + "x" + pool.height()
                        + "x" + pool.width() + ", the model takes " + net.inChannels() + "x" + net.imageSize()
                        + "x" + net.imageSize());
            }
            for (int label : pool.labels()) {
                if (label < 0 || label >= net.numClasses()) {
                    throw new BadInputException("gradinit: sample label " + label + " outside the model's "
                            + net.numClasses() + " classes");
                }
            }
            base.initialize(ctx);
            fit(ctx, pool, ctx.dryRun() ? s.dry() : s);
            restoreRunningStats(ctx);
        };
    }

    /** A whole-number option in [min, 10^7]. */
    private static int count(Map<String, String> options, String name, int min) {
        double v = number(options, name);
        if (v != Math.rint(v) || v < min || v > 1e7) {
            throw new BadInputException("init 'gradinit': " + name + " must be a whole number >= " + min + ", got "
                    + options.get(name));
        }
        return (int) v;
    }

    /** BN running statistics back to 0/1 (the passes ran BN on batch statistics). */
    private static void restoreRunningStats(InitContext ctx) {
        ctx.network().layers().stream().filter(l -> l.kind() == LayerKind.BATCH_NORM).forEach(l -> {
            ctx.fill(l, "running_mean", 0f);
            ctx.fill(l, "running_var", 1f);
        });
    }

    /**
     * The validated options.
     *
     * @param dtype the type of every pass
     */
    private record Settings(int iters, int batch, double lr, double eta, double gamma, double minScale,
            double gradClip, DataType dtype) {
        /** A dry run's settings ({@link InitContext#dryRun()}): at most one iteration. */
        Settings dry() {
            return new Settings(Math.min(1, iters), batch, lr, eta, gamma, minScale, gradClip, dtype);
        }
    }

    private static void fit(InitContext ctx, SampleBatch pool, Settings s) {
        Network net = ctx.network();
        List<Parameter> trainable = net.trainableParameters();
        int n = trainable.size();
        boolean[] scaled = new boolean[n];
        double[] floor = new double[n];
        for (Layer l : net.layers()) {
            l.parameters().forEach((name, p) -> {
                int i = trainable.indexOf(p);
                if (i >= 0 && !name.equals("weight_v")) {
                    scaled[i] = true;
                    floor[i] = name.equals("bias") ? 0 : s.minScale;
                }
            });
        }
        double[] alpha = new double[n];
        java.util.Arrays.fill(alpha, 1);
        double[] objAvg = new double[n];
        double[] consAvg = new double[n];
        double[] sqAvg = new double[n];
        int objSteps = 0;
        int consSteps = 0;
        int half = Math.max(1, Math.min(s.batch, pool.size()) / 2);
        SplittableRandom rng = new SplittableRandom(Seeds.derive(ctx.seed(), ID + "-batches"));
        try (NDManager m = NDManager.newBaseManager()) {
            List<NDArray> theta0 = new ArrayList<>();
            for (NDArray v : SecondOrder.values(net, m)) {
                theta0.add(v.toType(DataType.FLOAT64, true));
                v.close();
            }
            for (int i = 0; i < n; i++) {
                scaled[i] &= SecondOrder.dot(theta0.get(i), theta0.get(i)) > 0;
            }
            for (int it = 0; it < s.iters; it++) {
                int[] order = permutation(pool.size(), rng);
                int[] other = permutation(pool.size(), rng);
                int[] first = new int[2 * half];
                int[] second = new int[2 * half];
                for (int k = 0; k < half; k++) {
                    first[k] = order[k % pool.size()];
                    first[half + k] = order[(half + k) % pool.size()];
                    second[k] = first[k];
                    second[half + k] = other[k % pool.size()];
                }
                double[] d = new double[n];
                boolean constraint;
                try (NDManager step = m.newSubManager()) {
                    List<NDArray> theta = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        NDArray t = theta0.get(i).mul(alpha[i]);
                        t.attach(step);
                        theta.add(t);
                    }
                    NDList batch1 = batch(pool, first, step);
                    SecondOrder.NormGradient at = SecondOrder.crossEntropyNormGradient(net, batch1.get(0),
                            batch1.get(1), true, s.dtype).at(theta, s.gamma, step);
                    constraint = at.normGradient() != null;
                    List<NDArray> target;
                    double divide;
                    if (constraint) {
                        target = at.normGradient();
                        divide = 1;
                    } else {
                        double shift = at.norm() > 0 ? -s.eta / at.norm() : 0;
                        NDList batch2 = batch(pool, second, step);
                        target = SecondOrder.crossEntropyGradient(net, batch2.get(0), batch2.get(1), true, s.dtype)
                                .at(SecondOrder.axpy(theta, shift, at.gradient(), step), step);
                        divide = s.eta;
                    }
                    for (int i = 0; i < n; i++) {
                        if (scaled[i]) {
                            d[i] = SecondOrder.dot(target.get(i), theta.get(i)) / (divide * alpha[i]);
                        }
                    }
                }
                if (constraint) {
                    consSteps++;
                } else {
                    objSteps++;
                }
                for (int i = 0; i < n; i++) {
                    if (!scaled[i] || alpha[i] == 0) {
                        continue;
                    }
                    double grad = s.gradClip > 0 ? Math.max(-s.gradClip, Math.min(s.gradClip, d[i])) : d[i];
                    double[] avg = constraint ? consAvg : objAvg;
                    avg[i] = BETA1 * avg[i] + (1 - BETA1) * grad;
                    sqAvg[i] = BETA2 * sqAvg[i] + (1 - BETA2) * grad * grad;
                    double correction1 = 1 - Math.pow(BETA1, constraint ? consSteps : objSteps);
                    double correction2 = 1 - Math.pow(BETA2, consSteps + objSteps);
                    double denom = Math.sqrt(sqAvg[i] / correction2) + ADAM_EPS;
                    alpha[i] = Math.max(alpha[i] - s.lr / correction1 * avg[i] / denom, floor[i]);
                }
            }
            for (Layer l : net.layers()) {
                for (var e : l.parameters().entrySet()) {
                    int i = trainable.indexOf(e.getValue());
                    if (i >= 0 && scaled[i] && alpha[i] != 1) {
                        try (NDArray v = theta0.get(i).mul(alpha[i]); NDArray f = v.toType(DataType.FLOAT32, false)) {
                            ctx.set(l, e.getKey(), f.toFloatArray());
                        }
                    }
                }
            }
        }
    }

    /** The pool images {@code idx} and their labels, on {@code m}. */
    private static NDList batch(SampleBatch pool, int[] idx, NDManager m) {
        int per = pool.channels() * pool.height() * pool.width();
        float[] x = new float[idx.length * per];
        long[] y = new long[idx.length];
        for (int k = 0; k < idx.length; k++) {
            System.arraycopy(pool.images(), idx[k] * per, x, k * per, per);
            y[k] = pool.labels()[idx[k]];
        }
        return new NDList(m.create(x, new Shape(idx.length, pool.channels(), pool.height(), pool.width())),
                m.create(y));
    }

    private static int[] permutation(int size, SplittableRandom rng) {
        int[] p = new int[size];
        for (int i = 0; i < size; i++) {
            p[i] = i;
        }
        for (int i = size - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
