package org.initbench.train;

/**
 * Receives a run's progress: notices, per-batch updates and per-epoch metrics. Only notices are
 * required; {@code line -> {}} is a silent listener.
 */
@FunctionalInterface
public interface TrainListener {
    /** A line the user should see (dataset fallback, restart of an unfinished run, ...). */
    void notice(String line);

    /**
     * After each training batch.
     *
     * @param epoch 1-based epoch
     * @param epochs total epochs
     * @param batch 1-based batch within the epoch
     * @param batches batches per epoch
     * @param loss running mean training loss of the epoch
     * @param accuracy running training accuracy of the epoch
     * @param imagesPerSecond training images per second so far in the epoch
     * @param etaSeconds estimated seconds left in the run
     */
    default void batch(int epoch, int epochs, int batch, int batches, double loss, double accuracy,
            double imagesPerSecond, double etaSeconds) {}

    /** After each epoch's evaluation. */
    default void epoch(EpochMetrics metrics, int epochs) {}
}
