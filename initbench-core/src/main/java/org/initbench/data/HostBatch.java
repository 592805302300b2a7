package org.initbench.data;

/**
 * One host-side batch: images N x C x 32 x 32 float32 row-major, normalized; labels.
 *
 * @param size number of images N (equals labels.length)
 */
public record HostBatch(float[] images, int[] labels, int size, int channels) {

    /** Side length of every batch image. */
    public static final int SIDE = 32;

    public HostBatch {
        if (labels.length != size || images.length != size * channels * SIDE * SIDE) {
            throw new IllegalArgumentException("inconsistent batch: size " + size + ", labels " + labels.length
                    + ", images " + images.length);
        }
    }
}
