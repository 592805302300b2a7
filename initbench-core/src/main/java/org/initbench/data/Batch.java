package org.initbench.data;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * One batch of normalized 32x32 images and their labels, wherever it lives: on the host ({@link
 * HostBatch}) or already on the compute device ({@link DeviceBatches}).
 */
public interface Batch {
    /** Number of images N. */
    int size();

    /**
     * The batch as arrays attached to {@code manager}, on its device: images float32 N x C x 32 x 32
     * and labels int64 N.
     */
    NDList arrays(NDManager manager);
}
