package org.initbench.init.builtin;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.initbench.BadInputException;
import org.initbench.model.Network;
import org.initbench.model.ScriptModule;

/**
 * Second derivatives for the schemes that tune an init through the loss's curvature: the gradient of the
 * gradient norm by double backward ({@link #crossEntropyNormGradient}: GradInit's constraint step), and
 * Hessian-vector products by central finite differences of gradients ({@link #hessianVector}):
 *
 * <pre>
 * H·v ≈ (∇L(θ + h·v̂) − ∇L(θ − h·v̂))·‖v‖ / (2h),   v̂ = v/‖v‖,   h = step·(1 + ‖θ‖)
 * </pre>
 *
 * exact for a quadratic loss whatever h (up to rounding), with error O(h²) for a smooth one. A ReLU network
 * is not smooth: each unit whose input changes sign between θ − h·v̂ and θ + h·v̂ adds a jump of the
 * gradient divided by 2h, so the difference matches double backward only for steps at which no unit does,
 * and how small that is depends on the network. Measured (float64, 128 Gaussian images, batch statistics):
 * relative step 1e-9 matched to 1e-6 on resnet20 at width 0.25, and was 488× off on resnet56 at width 0.5
 * (1e-11 matched there); in float32 no step came within 20 %.
 *
 * <p>Double backward: DJL 0.35.1's engine call does take libtorch's {@code create_graph} flag ({@code
 * JniUtils.backward(y, seed, keepGraph, createGraph)}), and on a quadratic it gives H·v and even the third
 * derivative exactly; but the differentiable gradient it leaves in a leaf's {@code .grad} holds the graph
 * that holds the leaf (libtorch's own warning: a reference cycle until {@code .grad} is reset to None, which
 * DJL cannot do: {@code zeroGrad} only zeroes in place). Measured on resnet20 (batch 64, one H·g per pass):
 * resident memory grew by about 230 MB per pass, and libtorch crashed (SIGSEGV) after 6 to 14 passes.
 * {@code torch.autograd.grad} returns the derivatives instead and writes no {@code .grad}; DJL has no
 * binding for it, so a TorchScript module that calls it ({@value #NORM_GRADIENT_MODULE}) takes the loss
 * that DJL's blocks computed inside a {@link GradientCollector} (libtorch's graph, whoever built it) with
 * the leaves. Measured over 100 passes each on resnet20 (width 0.25, batch 128, float32): resident memory
 * grew by 0.3 MB a pass, as with plain first-order passes (42 MB over 100 of those). ({@link MetaInit}, which
 * needs a third derivative, takes its derivatives the same way, with a module of its own.)
 *
 * <p>A {@link Gradient} evaluates ∇L at given parameter values on {@link Leaves}: leaf copies of a network's
 * trainable parameters that the blocks see in place of the parameters (the other parameters, BN running
 * statistics, come from the model, or are cast with the leaves to float64), so the model's own gradients are
 * never touched.
 */
final class SecondOrder {
    /** The TorchScript module of {@link #crossEntropyNormGradient}, a resource next to this class. */
    static final String NORM_GRADIENT_MODULE = "norm-gradient.pt";
    private static final ScriptModule NORM_GRADIENT = new ScriptModule(SecondOrder.class, NORM_GRADIENT_MODULE);

    private SecondOrder() {}

    /** ∇L at parameter values θ (one array per tensor); the result lives on {@code manager}. */
    @FunctionalInterface
    interface Gradient {
        List<NDArray> at(List<NDArray> theta, NDManager manager);
    }

    /**
     * H·v at θ by the central difference above; zero where ‖v‖ = 0.
     *
     * @param step the relative step: h = step·(1 + ‖θ‖)
     */
    static List<NDArray> hessianVector(Gradient gradient, List<NDArray> theta, List<NDArray> v, double step,
            NDManager manager) {
        double vnorm = norm(v);
        if (vnorm == 0) {
            return v.stream().map(NDArray::zerosLike).toList();
        }
        double h = step * (1 + norm(theta));
        List<NDArray> plus;
        List<NDArray> minus;
        try (NDManager tmp = manager.newSubManager()) {
            plus = gradient.at(axpy(theta, h / vnorm, v, tmp), manager);
            minus = gradient.at(axpy(theta, -h / vnorm, v, tmp), manager);
        }
        List<NDArray> out = new ArrayList<>();
        for (int i = 0; i < plus.size(); i++) {
            out.add(plus.get(i).sub(minus.get(i)).muli(vnorm / (2 * h)));
            plus.get(i).close();
            minus.get(i).close();
        }
        return out;
    }

    /** θ + a·v, on {@code manager}. */
    static List<NDArray> axpy(List<NDArray> theta, double a, List<NDArray> v, NDManager manager) {
        List<NDArray> out = new ArrayList<>();
        for (int i = 0; i < theta.size(); i++) {
            try (NDArray step = v.get(i).mul(a)) {
                NDArray r = theta.get(i).add(step);
                r.attach(manager);
                out.add(r);
            }
        }
        return out;
    }

    /** Σ a_i·b_i over all elements of all tensors, in float64. */
    static double dot(List<NDArray> a, List<NDArray> b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) {
            s += dot(a.get(i), b.get(i));
        }
        return s;
    }

    /** ⟨a, b⟩ over all elements, in float64. */
    static double dot(NDArray a, NDArray b) {
        try (NDManager tmp = a.getManager().newSubManager()) {
            NDArray a64 = a.toType(DataType.FLOAT64, true);
            NDArray b64 = b.toType(DataType.FLOAT64, true);
            a64.attach(tmp);
            b64.attach(tmp);
            NDArray s = a64.mul(b64).sum();
            return s.getDouble();
        }
    }

    static double norm(List<NDArray> v) {
        return Math.sqrt(dot(v, v));
    }

    /** Mean cross-entropy of logits against integer labels, as {@code nn.CrossEntropyLoss()} (the training step's). */
    static NDArray crossEntropy(NDArray logits, NDArray labels, int numClasses) {
        return logits.logSoftmax(1).mul(labels.oneHot(numClasses, logits.getDataType())).sum(new int[] {1}).mean()
                .neg();
    }

    /**
     * The gradient of the mean cross-entropy of {@code net} on one batch, at given values of its trainable
     * parameters ({@link Network#trainableParameters()} order).
     *
     * @param training batch norm on batch statistics (its running statistics are then updated: callers
     *     restore them) or on running statistics
     * @param dtype the type the pass runs in: float32, or float64 (leaves, BN running statistics and the
     *     input cast), where a difference of gradients needs the precision
     */
    static Gradient crossEntropyGradient(Network net, NDArray x, NDArray labels, boolean training, DataType dtype) {
        return (theta, manager) -> {
            List<NDArray> out = new ArrayList<>();
            try (NDManager pass = manager.newSubManager();
                    GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                Leaves leaves = new Leaves(net, theta, dtype, pass);
                gc.backward(crossEntropy(net, leaves, x, labels, training, dtype, pass));
                for (NDArray q : leaves.leaves()) {
                    out.add(onto(q.getGradient(), theta.get(out.size()).getDataType(), manager));
                }
            }
            return out;
        };
    }

    /**
     * ‖g‖, g = ∇L and, where ‖g‖ exceeds a bound, ∂‖g‖/∂θ = H·g/‖g‖ at θ: what the reference code computes
     * for GradInit's gradient-norm constraint (zhuchen03/gradinit {@code gradinit_utils.py}: {@code
     * autograd.grad(loss, params, create_graph=True)}, then {@code gnorm.backward()}).
     *
     * @param norm ‖g‖, in the pass's type
     * @param gradient g (θ's types), on the caller's manager
     * @param normGradient ∂‖g‖/∂θ (θ's types), or null where ‖g‖ ≤ the bound
     */
    record NormGradient(double norm, List<NDArray> gradient, List<NDArray> normGradient) {}

    /** {@link NormGradient} at parameter values θ; the arrays live on {@code manager}. */
    @FunctionalInterface
    interface NormGradientAt {
        NormGradient at(List<NDArray> theta, double bound, NDManager manager);
    }

    /**
     * {@link NormGradient} of the mean cross-entropy of {@code net} on one batch, by one forward pass and
     * libtorch's double backward, both derivatives through {@code torch.autograd.grad} in a TorchScript module
     * ({@value #NORM_GRADIENT_MODULE}, written by {@code scripts/make-norm-gradient.py}). That function returns
     * the gradients instead of adding them to the leaves' {@code .grad}, so nothing holds the
     * differentiable first gradient after the call and the graphs are freed with the pass: no reference
     * cycle, unlike DJL's {@code backward(create_graph)} (class comment). Arguments as {@link
     * #crossEntropyGradient}.
     */
    static NormGradientAt crossEntropyNormGradient(Network net, NDArray x, NDArray labels, boolean training,
            DataType dtype) {
        return (theta, bound, manager) -> {
            try (NDManager pass = manager.newSubManager();
                    GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                Leaves leaves = new Leaves(net, theta, dtype, pass);
                NDList args = new NDList(leaves.leaves().size() + 2);
                args.add(crossEntropy(net, leaves, x, labels, training, dtype, pass));
                args.add(pass.create(bound));
                args.addAll(leaves.leaves());
                NDList result = NORM_GRADIENT.call("forward", args, pass);
                int n = theta.size();
                List<NDArray> g = new ArrayList<>();
                List<NDArray> normGradient = result.size() > n + 1 ? new ArrayList<>() : null;
                for (int i = 0; i < n; i++) {
                    DataType type = theta.get(i).getDataType();
                    g.add(onto(result.get(1 + i), type, manager));
                    if (normGradient != null) {
                        normGradient.add(onto(result.get(1 + n + i), type, manager));
                    }
                }
                return new NormGradient(result.get(0).toType(DataType.FLOAT64, false).getDouble(), g, normGradient);
            }
        };
    }

    /** The mean cross-entropy of one forward pass on {@code leaves}, its graph on {@code pass}; finite. */
    private static NDArray crossEntropy(Network net, Leaves leaves, NDArray x, NDArray labels, boolean training,
            DataType dtype, NDManager pass) {
        NDArray in = x.toType(dtype, true);
        in.attach(pass);
        NDArray logits = net.block().forward(leaves, new NDList(in), training).singletonOrThrow();
        NDArray loss = crossEntropy(logits, labels, net.numClasses());
        double value = loss.toType(DataType.FLOAT64, false).getDouble();
        if (!Double.isFinite(value)) {
            throw new BadInputException("the loss is not finite (" + value
                    + ") during the init's passes; try smaller steps");
        }
        return loss;
    }

    /** A copy of {@code v} as {@code type}, on {@code manager}. */
    private static NDArray onto(NDArray v, DataType type, NDManager manager) {
        NDArray out = v.getDataType() == type ? v.duplicate() : v.toType(type, false);
        out.attach(manager);
        return out;
    }

    /** The current values of the trainable parameters, copied to {@code manager}. */
    static List<NDArray> values(Network net, NDManager manager) {
        List<NDArray> out = new ArrayList<>();
        for (Parameter p : net.trainableParameters()) {
            NDArray v;
            try (NDArray detached = p.getArray().stopGradient()) {
                v = detached.duplicate();
            }
            v.attach(manager);
            out.add(v);
        }
        return out;
    }

    /**
     * Leaf copies (of type {@code dtype}) of given values of the trainable parameters, handed to the blocks
     * in place of the parameters; with float64, the other parameters (BN running statistics) are handed out
     * as float64 copies too.
     */
    static final class Leaves extends ParameterStore {
        private final List<NDArray> leaves = new ArrayList<>();
        private final Map<String, NDArray> byId = new HashMap<>();

        Leaves(Network net, List<NDArray> values, DataType dtype, NDManager manager) {
            super(manager, false);
            List<Parameter> trainable = net.trainableParameters();
            for (int i = 0; i < trainable.size(); i++) {
                NDArray q = copy(values.get(i), dtype);
                q.attach(manager);
                q.setRequiresGradient(true);
                leaves.add(q);
                byId.put(trainable.get(i).getId(), q);
            }
            if (dtype != DataType.FLOAT32) {
                net.block().getParameters().forEach(p -> {
                    if (!p.getValue().requiresGradient()) {
                        NDArray c = p.getValue().getArray().toType(dtype, true);
                        c.attach(manager);
                        byId.put(p.getValue().getId(), c);
                    }
                });
            }
        }

        /**
         * A copy of {@code v} as {@code dtype}. Not {@code v.toType(dtype, true)}: when the type does not change,
         * DJL 0.35.1's engine returns an alias of the same libtorch tensor (its {@code to} ignores the copy
         * flag), so the leaf would be the caller's array and its gradient would add up over passes at the same
         * values.
         */
        private static NDArray copy(NDArray v, DataType dtype) {
            return v.getDataType() == dtype ? v.duplicate() : v.toType(dtype, false);
        }

        /** The leaves, in {@link Network#trainableParameters()} order. */
        List<NDArray> leaves() {
            return leaves;
        }

        @Override
        public NDArray getValue(Parameter parameter, Device device, boolean training) {
            NDArray v = parameter == null ? null : byId.get(parameter.getId());
            return v != null ? v : super.getValue(parameter, device, training);
        }
    }
}
