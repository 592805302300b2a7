package org.initbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.IValueUtils;
import java.util.List;

/**
 * Differentiable casts between float32 and bfloat16, as autocast inserts them. DJL 0.35.1's PyTorch JNI
 * cannot do this itself: its dtype table stops at bool, so {@code toType(DataType.BFLOAT16)} (or creating
 * any bf16 array) makes libtorch call {@code std::terminate}; and its cast, {@code torchTo}, runs under a
 * {@code NoGradGuard}, so even a supported cast cuts the autograd graph. The casts here run a two-line
 * TorchScript module shipped as a resource ({@code bf16-cast.pt}, written by {@code
 * scripts/make-bf16-cast.py}: float32 → bfloat16, anything else → float32) through DJL's TorchScript
 * forward in training mode, so libtorch records {@code ToCopyBackward} and a gradient flows back to the
 * float32 source in float32. Its {@code to_bf16} method casts a list in one call: a step's weight
 * casts. The module holds no tensors: it runs on whatever device the array is on.
 *
 * <p>DJL reads a bf16 tensor's dtype as {@link DataType#UNKNOWN} (it has no number for it), so {@link
 * #is} tests for that: in this project's networks no other unknown dtype occurs. Results of DJL ops on bf16
 * arrays are bf16 as in PyTorch; an op mixing a bf16 array with a float32 array of one or more dims
 * promotes to float32 (type promotion), which is why {@link ScalarBlock} and {@link WeightNormBlock} cast
 * their float32 parameters or results back to their input's dtype.
 */
public final class Bf16 {
    private static final ScriptModule MODULE = new ScriptModule(Bf16.class, "bf16-cast.pt");

    private Bf16() {}

    /** Whether {@code x} is bfloat16 (DJL's {@link DataType#UNKNOWN}, see the class comment). */
    public static boolean is(NDArray x) {
        return x.getDataType() == DataType.UNKNOWN;
    }

    /** {@code x} in bfloat16, attached to {@code into}; differentiable. */
    public static NDArray toBf16(NDArray x, NDManager into) {
        if (x.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("bf16 cast of a " + x.getDataType() + " array");
        }
        return run(x, into);
    }

    /**
     * Each of {@code xs} (float32) in bfloat16, attached to {@code into}, in one call of the module's {@code
     * to_bf16} method: the same cast as {@link #toBf16}, one trip through JNI and the TorchScript interpreter for
     * all of a step's weights instead of one each; differentiable.
     */
    public static List<NDArray> toBf16(List<NDArray> xs, NDManager into) {
        for (NDArray x : xs) {
            if (x.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException("bf16 cast of a " + x.getDataType() + " array");
            }
        }
        return xs.isEmpty() ? List.of() : MODULE.call("to_bf16", xs, into);
    }

    /** {@code x} (bfloat16) in float32, attached to {@code into}; float32 is returned as it is. */
    public static NDArray toFloat32(NDArray x, NDManager into) {
        return is(x) ? run(x, into) : x;
    }

    /** {@code value} (float32) in the dtype of {@code like}: cast to bf16 when {@code like} is bf16, else as is. */
    public static NDArray like(NDArray value, NDArray like, NDManager into) {
        return is(like) && !is(value) ? toBf16(value, into) : value;
    }

    private static NDArray run(NDArray x, NDManager into) {
        NDList out = IValueUtils.forward(MODULE.block(), new NDList(x), true);
        NDArray r = out.singletonOrThrow();
        r.attach(into);
        return r;
    }
}
