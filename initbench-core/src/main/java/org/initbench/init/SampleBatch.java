package org.initbench.init;

import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * One batch of (normalized) training images and their labels for data-dependent strategies such as
 * LSUV and GradInit: row-major {@code size x channels x height x width} floats and {@code size} class
 * indices, kept on the host so {@link InitContext} stays free of engine state.
 */
public record SampleBatch(float[] images, int[] labels, int size, int channels, int height, int width) {
    /**
     * Classes of the labels of a {@link #gaussian(int, int, long)} batch: every dataset here has at least
     * this many, so its labels are valid for any of them.
     */
    public static final int GAUSSIAN_CLASSES = 10;

    public SampleBatch {
        if (size < 1 || (long) size * channels * height * width != images.length) {
            throw new IllegalArgumentException("sample batch of " + images.length + " floats is not "
                    + size + "x" + channels + "x" + height + "x" + width);
        }
        if (labels.length != size) {
            throw new IllegalArgumentException("sample batch of " + size + " images has " + labels.length + " labels");
        }
    }

    /**
     * A batch of i.i.d. N(0, 1) 32x32 images with labels uniform over {@link #GAUSSIAN_CLASSES} classes: for
     * structure-only dry runs and tests.
     */
    public static SampleBatch gaussian(int size, int channels, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[size * channels * 32 * 32];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        int[] y = new int[size];
        for (int i = 0; i < size; i++) {
            y[i] = rng.nextInt(GAUSSIAN_CLASSES);
        }
        return new SampleBatch(x, y, size, channels, 32, 32);
    }

    /** {@code (size, channels, height, width)}. */
    public Shape shape() {
        return new Shape(size, channels, height, width);
    }
}
