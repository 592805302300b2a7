package org.initbench.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;

/**
 * One host-side batch: images N x C x 32 x 32 float32 row-major, normalized; labels.
 *
 * @param size number of images N (equals labels.length)
 */
public record HostBatch(float[] images, int[] labels, int size, int channels) implements Batch {

    /** Side length of every batch image. */
    public static final int SIDE = 32;

    public HostBatch {
        if (labels.length != size || images.length != size * channels * SIDE * SIDE) {
            throw new IllegalArgumentException("inconsistent batch: size " + size + ", labels " + labels.length
                    + ", images " + images.length);
        }
    }

    /**
     * Copies the batch to {@code manager}'s device (a host-to-device copy on a GPU); the images
     * channels-last in memory by default ({@link BatchInput}).
     */
    @Override
    public NDList arrays(NDManager manager) {
        NDArray x = BatchInput.images(manager, this);
        long[] y = Arrays.stream(labels, 0, size).asLongStream().toArray();
        return new NDList(x, manager.create(y).toType(DataType.INT64, false));
    }
}
