package org.initbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * ReLU6, {@code min(max(x, 0), 6)}, in the ops whose backward is cheapest in libtorch 2.7.1. In
 * training, {@code r = relu(x)} then {@code where(r > 6, 6, r)}: the backward is {@code relu}'s
 * threshold mask and one {@code where}. Outside training, a single {@code clamp(x, 0, 6)}, whose
 * backward is never taken. DJL's {@link Activation#relu6} computes {@code minimum(relu(x), 6)}, and the
 * backward of {@code minimum} against a broadcast scalar (or of {@code clamp}, four kernels and two
 * fresh mask tensors) made ReLU6 about a third of a MobileNetV2 train step (docs/performance.md,
 * {@code bench --profile}).
 *
 * <p>Values equal PyTorch's {@code nn.ReLU6} ({@code hardtanh(x, 0, 6)}), NaN included (it passes
 * through, so a diverging run still shows in its loss). Gradients: 1 on (0, 6) and 0 below 0 and
 * above 6, as {@code hardtanh}; 0 at exactly 0 ({@code relu}'s strict mask), as {@code hardtanh},
 * which matters where a BN with γ = 0 feeds it exact zeros; 1 at exactly 6, where {@code hardtanh}
 * gives 0 and DJL's {@code minimum} gives ½ (an activation lands exactly on 6.0f only by chance). A bf16
 * input gives a bf16 output.
 */
public final class Relu6 extends AbstractBlock {
    /** The name {@link ModelGraph} shows, as for DJL's own ReLU6 block. */
    public static final String NAME = "ReLU6";

    private static final float SIX = 6f;

    /** ReLU6 of {@code x}; {@code training} picks the form whose backward is cheap. */
    public static NDArray apply(NDArray x, boolean training) {
        if (!training) {
            return x.clip(0, SIX);
        }
        NDArray r = Activation.relu(x);
        NDArray six = r.getManager().create(SIX);
        if (Bf16.is(r)) { // a float32 six would promote the result to float32
            six = Bf16.toBf16(six, r.getManager());
        }
        return NDArrays.where(r.gt(SIX), six.broadcast(r.getShape()), r);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(apply(inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    public String toString() {
        return NAME + "()";
    }
}
