package org.initbench.init.builtin;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.initbench.BadInputException;
import org.initbench.Seeds;
import org.initbench.init.InitContext;
import org.initbench.init.InitOption;
import org.initbench.init.InitStrategy;
import org.initbench.model.Layer;
import org.initbench.model.Network;
import org.initbench.model.ScriptModule;

/**
 * Dauphin and Schoenholz 2019, "MetaInit: Initializing learning by learning to initialize", NeurIPS 2019 (the
 * paper's PyTorch listing; TF2 reference google-research/rigl {@code rigl/rigl_tf2/metainit.py}). Data-free:
 * random N(0, 1) inputs and uniformly random labels, a fresh batch of {@code batch} (128) each step.
 *
 * <p>Starting from {@code base} (kaiming-normal), the norm of every conv and linear weight (the listing's
 * "parameters with at least two dimensions") is tuned by {@code steps} (500) steps to lower the gradient
 * quotient of the cross-entropy L over all N trainable parameters θ (the listing's {@code model.parameters()}:
 * biases, BN γ and β, Fixup's and branch scalars included):
 *
 * <pre>
 * g = ∇L,   Hg = ∇(‖g‖²/2),   GQ = (1/N)·Σ_k |(g_k − (Hg)_k)/(g_k + eps·s_k) − 1|,   s_k = +1 if g_k ≥ 0 else −1
 * </pre>
 *
 * (s held constant, eps 1e-5). Each step, per tuned tensor w: d = sign(⟨w, ∂GQ/∂w⟩), m ← momentum·m − lr·d,
 * w ← w·(‖w‖ + m)/‖w‖ (lr 0.1, momentum 0.9, m starting at 0: the listing's defaults, as its signature
 * {@code metainit(model, criterion, x_size, y_size, lr=0.1, momentum=0.9, steps=500, eps=1e-5)}). The other
 * tensors keep the base's values; a zero weight stays zero (the listing would divide by its norm). BN runs
 * in eval mode, as the listing's {@code model.eval()}: on running statistics 0/1, so a BN layer is its affine
 * map (the TF2 code runs {@code training=True}).
 *
 * <p>Derivatives: by double backward, as the listing ({@code torch.autograd.grad} with {@code create_graph} for
 * g, again for Hg, once more for ∂GQ/∂θ), every pass in float32. DJL 0.35.1 has no {@code autograd.grad}, and
 * its double backward ({@code JniUtils.backward} with {@code createGraph}) leaves a reference cycle between a
 * parameter and its differentiable {@code .grad} ({@link SecondOrder}'s javadoc: +230 MB per pass, then a
 * crash); so the loss, computed by the model's DJL forward inside a gradient collector (libtorch's graph), is
 * handed with the parameter leaves to a TorchScript module shipped as a resource ({@code metainit-quotient.pt},
 * written by {@code scripts/make-metainit-quotient.py}), whose {@code quotient} method takes the three
 * derivatives with {@code torch.autograd.grad} (which writes no {@code .grad}) and returns GQ and ∂GQ/∂θ. Memory
 * stays flat over the passes ({@code MetaInitTest}).
 *
 * <p>Deviations from the listing: on a weight-normalized layer the tuned tensor is g (its norm scales the
 * effective weight as the plain layer's norm does; the listing would also tune v, whose norm the function
 * ignores); the labels are drawn from the run's seed (stream {@code metainit-inputs}), so the result is
 * deterministic for a seed. The listing allows a norm to cross zero (a sign flip of the tensor) and so does
 * this.
 *
 * <p>Cost, measured 2026-12-07 with {@code initbench bench --inits metainit:steps=5 --steps 1 --repeats 1 --warmup 0
 * --threads 1} on an AMD EPYC family 26 (Zen 5, 2 cores, 1 thread, load 4–5 from other work), batch 128, BN
 * models: resnet20 at width 0.25 9.4 s for 5 steps, 1.9 s a step (15 steps 21.4 s: about 1.2 s a step after the
 * first), resnet56 at width 0.5 33.9 s, 6.8 s a step (peak RSS 2.2 GiB); a step costs about 3–4 train steps, so
 * the default 500 steps take 10–16 minutes on resnet20 and about an hour on resnet56 at width 0.5 there.
 */
public final class MetaInit extends Scheme {
    static final String ID = "metainit";
    static final String DEFAULT_BASE = "kaiming-normal";
    static final String DEFAULT_STEPS = "500";
    static final String DEFAULT_BATCH = "128";
    static final String DEFAULT_LR = "0.1";
    static final String DEFAULT_MOMENTUM = "0.9";
    static final String DEFAULT_EPS = "1e-5";
    private static final ScriptModule MODULE = new ScriptModule(MetaInit.class, "metainit-quotient.pt");

    public MetaInit() {
        super(ID, "MetaInit: the norm of each conv/linear weight tuned by signed momentum steps to lower the"
                        + " gradient quotient |(g − Hg)/g − 1| on random inputs (double backward)",
                "Dauphin, Schoenholz 2019, MetaInit: Initializing learning by learning to initialize, NeurIPS 2019",
                () -> List.of(Bases.option(ID, DEFAULT_BASE),
                        InitOption.number("steps", DEFAULT_STEPS, "norm-tuning steps"),
                        InitOption.number("batch", DEFAULT_BATCH, "random inputs per step"),
                        InitOption.number("lr", DEFAULT_LR, "step size on the norms"),
                        InitOption.number("momentum", DEFAULT_MOMENTUM, "momentum of the norm steps"),
                        InitOption.number("eps", DEFAULT_EPS, "ε of the quotient's denominator")));
    }

    /** The validated options. */
    record Settings(int steps, int batch, double lr, double momentum, double eps) {
        /** A dry run's settings ({@link InitContext#dryRun()}): at most one step. */
        Settings dry() {
            return new Settings(Math.min(1, steps), batch, lr, momentum, eps);
        }
    }

    @Override
    public InitStrategy create(Map<String, String> options) {
        InitStrategy base = Bases.resolve(ID, options.get("base"));
        Settings s = new Settings(count(options, "steps", 0), count(options, "batch", 1), number(options, "lr"),
                number(options, "momentum"), number(options, "eps"));
        if (s.lr < 0 || s.momentum < 0 || s.momentum >= 1 || s.eps <= 0) {
            throw new BadInputException("init 'metainit': needs lr >= 0, 0 <= momentum < 1 and eps > 0, got "
                    + options);
        }
        return ctx -> {
            base.initialize(ctx);
            tune(ctx, ctx.dryRun() ? s.dry() : s);
        };
    }

    /** A whole-number option in [min, 10^7]. */
    private static int count(Map<String, String> options, String name, int min) {
        double v = number(options, name);
        if (v != Math.rint(v) || v < min || v > 1e7) {
            throw new BadInputException("init 'metainit': " + name + " must be a whole number >= " + min + ", got "
                    + options.get(name));
        }
        return (int) v;
    }

    /** A tuned tensor: a conv or linear layer's weight (weight_g when weight-normalized) and its index in θ. */
    private record Tuned(Layer layer, String name, int index) {}

    /** Tunes the weights' norms in place (class javadoc); returns GQ of each step, before its update. */
    static double[] tune(InitContext ctx, Settings s) {
        Network net = ctx.network();
        List<Tuned> tuned = new ArrayList<>();
        for (Layer l : net.layers()) {
            if (l.kind().weighted()) {
                String name = l.weightNormalized() ? "weight_g" : "weight";
                tuned.add(new Tuned(l, name, net.trainableParameters().indexOf(l.parameters().get(name))));
            }
        }
        double[] memory = new double[tuned.size()];
        double[] trace = new double[s.steps];
        SplittableRandom rng = new SplittableRandom(Seeds.derive(ctx.seed(), ID + "-inputs"));
        int side = net.imageSize();
        try (NDManager m = NDManager.newBaseManager()) {
            List<NDArray> theta = SecondOrder.values(net, m);
            for (int step = 0; step < s.steps; step++) {
                float[] x = new float[s.batch * net.inChannels() * side * side];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) rng.nextGaussian();
                }
                long[] y = new long[s.batch];
                for (int i = 0; i < s.batch; i++) {
                    y[i] = rng.nextInt(net.numClasses());
                }
                double[] d = new double[tuned.size()];
                try (NDManager pass = m.newSubManager()) {
                    NDArray in = pass.create(x, new Shape(s.batch, net.inChannels(), side, side));
                    Quotient q = quotient(net, theta, in, pass.create(y), s.eps, pass);
                    trace[step] = q.value();
                    if (!Double.isFinite(q.value())) {
                        throw new BadInputException("metainit: the gradient quotient is not finite (" + q.value()
                                + ") at step " + step + "; try a smaller lr or another base");
                    }
                    for (int j = 0; j < tuned.size(); j++) {
                        int i = tuned.get(j).index();
                        d[j] = SecondOrder.dot(theta.get(i), q.gradient().get(i));
                    }
                }
                for (int j = 0; j < tuned.size(); j++) {
                    NDArray w = theta.get(tuned.get(j).index());
                    double norm = Math.sqrt(SecondOrder.dot(w, w));
                    if (norm > 0) {
                        memory[j] = s.momentum * memory[j] - s.lr * Math.signum(d[j]);
                        w.muli((norm + memory[j]) / norm);
                    }
                }
            }
            for (Tuned t : tuned) {
                ctx.set(t.layer(), t.name(), theta.get(t.index()).toFloatArray());
            }
        }
        return trace;
    }

    /** The gradient quotient and its gradient with respect to θ (one array per trainable tensor). */
    record Quotient(double value, List<NDArray> gradient) {}

    /**
     * GQ of {@code net} at parameter values θ ({@link Network#trainableParameters()} order) on one batch, and
     * ∂GQ/∂θ, BN in eval mode; the gradient lives on {@code into}.
     */
    static Quotient quotient(Network net, List<NDArray> theta, NDArray x, NDArray labels, double eps,
            NDManager into) {
        try (NDManager pass = into.newSubManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            DataType dtype = theta.get(0).getDataType();
            SecondOrder.Leaves leaves = new SecondOrder.Leaves(net, theta, dtype, pass);
            NDArray in = x.toType(dtype, true); // on the pass's manager, so are the activations and the graph
            in.attach(pass);
            NDArray logits = net.block().forward(leaves, new NDList(in), false).singletonOrThrow();
            NDArray loss = SecondOrder.crossEntropy(logits, labels, net.numClasses());
            return quotient(loss, leaves.leaves(), eps, into);
        }
    }

    /**
     * GQ of {@code loss} (computed from the {@code params}, which require gradients, inside a gradient
     * collector) and ∂GQ/∂params, by the module's {@code quotient} method; the gradient lives on {@code into}.
     */
    static Quotient quotient(NDArray loss, List<NDArray> params, double eps, NDManager into) {
        try (NDManager tmp = into.newSubManager()) {
            List<NDArray> xs = new ArrayList<>();
            xs.add(loss);
            xs.add(tmp.create(eps).toType(loss.getDataType(), false));
            xs.addAll(params);
            List<NDArray> out = MODULE.call("quotient", xs, tmp);
            List<NDArray> gradient = out.subList(1, out.size());
            gradient.forEach(a -> a.attach(into));
            return new Quotient(out.get(0).toType(DataType.FLOAT64, false).getDouble(),
                    List.copyOf(gradient));
        }
    }

    /**
     * g = ∇loss and H·g = ∇(‖g‖²/2) by double backward (the module's {@code hessian_gradient} method, the same
     * derivatives {@code quotient} takes): g_1..g_n then (Hg)_1..(Hg)_n, on {@code into}.
     */
    static List<NDArray> hessianGradient(NDArray loss, List<NDArray> params, NDManager into) {
        List<NDArray> xs = new ArrayList<>();
        xs.add(loss);
        xs.addAll(params);
        return MODULE.call("hessian_gradient", xs, into);
    }
}
