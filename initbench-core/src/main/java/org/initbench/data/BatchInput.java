package org.initbench.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;

/**
 * The native image tensor of a host batch, logically {@code N×C×H×W} as every block expects, in
 * PyTorch's memory format {@code channels_last} ({@code N×H×W×C} in memory) by default: libtorch's
 * oneDNN convolutions then run in the nhwc format end to end (BN, ReLU, pooling and adds keep it),
 * instead of reordering every activation between plain NCHW and oneDNN's blocked format around each
 * convolution, which took a large part of a step. The values, shapes and semantics are the same;
 * only kernels (and so float rounding) may differ. The system property {@code
 * initbench.channelsLast=false} restores the {@code contiguous} memory format (plain NCHW; to
 * measure the difference, see {@code docs/performance.md}).
 */
public final class BatchInput {
    /** The system property that turns channels-last batches off ({@code false}). */
    public static final String CHANNELS_LAST_PROPERTY = "initbench.channelsLast";

    private static final boolean CHANNELS_LAST = !"false".equals(System.getProperty(CHANNELS_LAST_PROPERTY));

    private BatchInput() {}

    /** Whether batches are handed to the model in the channels-last memory format. */
    public static boolean channelsLast() {
        return CHANNELS_LAST;
    }

    /** The batch's images on {@code m}, shape {@code (N, C, 32, 32)}. */
    public static NDArray images(NDManager m, HostBatch b) {
        int n = b.size();
        int c = b.channels();
        int side = HostBatch.SIDE;
        if (!CHANNELS_LAST) {
            return m.create(FloatBuffer.wrap(b.images()), new Shape(n, c, side, side));
        }
        return m.create(FloatBuffer.wrap(toNhwc(b.images(), n, c, side * side)), new Shape(n, side, side, c))
                .transpose(0, 3, 1, 2);
    }

    /**
     * {@code x} ({@code N×C×H×W}, contiguous) in the configured memory format: unchanged, or a
     * channels-last copy (the transposed view reshaped, which copies it in {@code N×H×W×C} order,
     * transposed back), for batches made on the device.
     */
    public static NDArray inMemoryFormat(NDArray x) {
        if (!CHANNELS_LAST) {
            return x;
        }
        Shape s = x.getShape();
        Shape nhwc = new Shape(s.get(0), s.get(2), s.get(3), s.get(1));
        return x.transpose(0, 2, 3, 1).reshape(s.get(0), -1).reshape(nhwc).transpose(0, 3, 1, 2);
    }

    /** {@code N×C×P} planes to {@code N×P×C} pixels. */
    static float[] toNhwc(float[] nchw, int n, int c, int pixels) {
        float[] out = new float[n * c * pixels];
        for (int i = 0; i < n; i++) {
            int base = i * c * pixels;
            for (int ch = 0; ch < c; ch++) {
                int src = base + ch * pixels;
                int dst = base + ch;
                for (int p = 0; p < pixels; p++) {
                    out[dst + p * c] = nchw[src + p];
                }
            }
        }
        return out;
    }
}
