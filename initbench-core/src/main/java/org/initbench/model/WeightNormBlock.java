package org.initbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A weight-normalized conv (k x k, padding k/2) or linear layer with bias (Salimans and Kingma
 * 2016): w = g · v/‖v‖, the norm over every dim but 0, exactly as {@code
 * torch.nn.utils.weight_norm(module, dim=0)}. Parameters {@code weight_v} (the weight's shape),
 * {@code weight_g} ([out, 1, 1, 1] for conv, [out, 1] for linear, as PyTorch stores it) and {@code
 * bias}. The effective weight is computed inside the autograd graph on every forward, so gradients
 * reach g and v as in PyTorch.
 *
 * <p>One guard PyTorch lacks: ‖v‖ is computed as √(Σv² + {@link Float#MIN_NORMAL}), so an all-zero
 * row (g = 0, v = 0, where PyTorch yields NaN) gives a zero weight and finite gradients; for any
 * other row the result is PyTorch's to float precision.
 *
 * <p>On a bf16 input (mixed precision) w is still computed in float32 from the float32 parameters; w and
 * the bias are then cast to bf16 for the conv or linear, as autocast casts a layer's weight.
 */
final class WeightNormBlock extends AbstractBlock {
    private final boolean conv;
    private final int out;
    private final int kernel;
    private final int stride;
    private final int groups;
    private final Parameter v;
    private final Parameter g;
    private final Parameter bias;

    private WeightNormBlock(boolean conv, int in, int out, int kernel, int stride, int groups) {
        this.conv = conv;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.groups = groups;
        Shape vShape = conv ? new Shape(out, in / groups, kernel, kernel) : new Shape(out, in);
        Shape gShape = conv ? new Shape(out, 1, 1, 1) : new Shape(out, 1);
        v = addParameter(param("weight_v", Parameter.Type.WEIGHT, vShape));
        g = addParameter(param("weight_g", Parameter.Type.WEIGHT, gShape));
        bias = addParameter(param("bias", Parameter.Type.BIAS, new Shape(out)));
    }

    static WeightNormBlock conv(int in, int out, int kernel, int stride, int groups) {
        return new WeightNormBlock(true, in, out, kernel, stride, groups);
    }

    static WeightNormBlock linear(int in, int out) {
        return new WeightNormBlock(false, in, out, 1, 1, 1);
    }

    private static Parameter param(String name, Parameter.Type type, Shape shape) {
        return Parameter.builder().setName(name).setType(type).optShape(shape).optRequiresGrad(true).build();
    }

    /**
     * The effective weight g · v/‖v‖, it and every intermediate attached to {@code scope}. In DJL an
     * operation's result joins the manager of the array it is called on, so ops called on the parameters
     * would leave two weight-sized arrays per layer and step in the model's manager, never freed (a VGG-16
     * weight-norm run at width 0.5 grew to 17.5 GB and was OOM-killed in its seventh epoch). The results
     * of the two ops called on the parameters (v² and g/‖v‖) are attached to {@code scope}; every other op
     * is called on an array already there.
     */
    static NDArray effectiveWeight(NDArray v, NDArray g, NDManager scope) {
        int[] axes = new int[v.getShape().dimension() - 1];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i + 1;
        }
        NDArray squared = v.square();
        squared.attach(scope);
        NDArray norm = squared.sum(axes, true).add(Float.MIN_NORMAL).sqrt();
        NDArray scale = g.div(norm);
        scale.attach(scope);
        return scale.mul(v);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = effectiveWeight(ps.getValue(v, x.getDevice(), training),
                ps.getValue(g, x.getDevice(), training), x.getManager());
        NDArray b = ps.getValue(bias, x.getDevice(), training);
        if (Bf16.is(x)) { // mixed precision: w computed in float32, the conv or linear in bf16
            w = Bf16.toBf16(w, x.getManager());
            b = Bf16.toBf16(b, x.getManager());
        }
        if (!conv) {
            return Linear.linear(x, w, b);
        }
        return Conv2d.conv2d(x, w, b, new Shape(stride, stride), new Shape(kernel / 2, kernel / 2),
                new Shape(1, 1), groups);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        if (!conv) {
            return new Shape[] {new Shape(s.get(0), out)};
        }
        int pad = kernel / 2;
        long h = (s.get(2) + 2L * pad - kernel) / stride + 1;
        long w = (s.get(3) + 2L * pad - kernel) / stride + 1;
        return new Shape[] {new Shape(s.get(0), out, h, w)};
    }
}
