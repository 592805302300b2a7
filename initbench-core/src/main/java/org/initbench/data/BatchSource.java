package org.initbench.data;

/**
 * The batches of one pass over a split, in order: {@link BatchLoader} (prepared on the host on a
 * background thread) or {@link DeviceBatches} (gathered on the device from a resident copy of the
 * split). Closing stops the pass and frees what it holds.
 */
public interface BatchSource extends AutoCloseable {
    /** Number of batches of the pass. */
    int batchCount();

    /** Whether a batch is left. */
    boolean hasNext();

    /** The next batch. */
    Batch next();

    @Override
    void close();
}
