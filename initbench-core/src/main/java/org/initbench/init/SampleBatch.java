package org.initbench.init;

import ai.djl.ndarray.types.Shape;

/**
 * One batch of (normalized) training images for data-dependent strategies such as LSUV: row-major
 * {@code size x channels x height x width} floats, kept on the host so {@link InitContext} stays
 * free of engine state.
 */
public record SampleBatch(float[] images, int size, int channels, int height, int width) {

    public SampleBatch {
        if (size < 1 || (long) size * channels * height * width != images.length) {
            throw new IllegalArgumentException("sample batch of " + images.length + " floats is not "
                    + size + "x" + channels + "x" + height + "x" + width);
        }
    }

    /** A batch of i.i.d. N(0, 1) 32x32 images: for structure-only dry runs and tests. */
    public static SampleBatch gaussian(int size, int channels, long seed) {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        float[] x = new float[size * channels * 32 * 32];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        return new SampleBatch(x, size, channels, 32, 32);
    }

    /** {@code (size, channels, height, width)}. */
    public Shape shape() {
        return new Shape(size, channels, height, width);
    }
}
