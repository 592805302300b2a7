package org.initbench.experiment;

/**
 * {@code result.json}, written last and atomically: its presence means the run is over.
 *
 * @param status {@code done}, {@code diverged}, or {@code failed} (an error stopped it: a sweep
 *     records it and retries the cell on its next pass); {@code interrupted} is only returned, never
 *     written: a {@link StopRequest} stopped the run after a checkpoint, and it resumes from there
 * @param reason why a diverged or failed run stopped; null when done
 * @param epochsCompleted epochs with a full evaluation
 * @param bestTestAcc best test accuracy over the epochs (the seed's metric)
 * @param bestEpoch the 1-based epoch of the best test accuracy (0 if none)
 * @param finalTestAcc test accuracy after the last completed epoch
 * @param wallSeconds total wall time of the run
 * @param trainImagesPerSecond median over epochs of training images per second
 * @param peakRssMib peak resident set size of the process
 */
public record RunResult(
        String status,
        String reason,
        int epochsCompleted,
        double bestTestAcc,
        int bestEpoch,
        double finalTestAcc,
        double wallSeconds,
        double trainImagesPerSecond,
        double peakRssMib) {

    public static final String DONE = "done";
    public static final String DIVERGED = "diverged";
    public static final String FAILED = "failed";
    public static final String INTERRUPTED = "interrupted";

    /** A run that an error stopped after {@code epochs} completed epochs. */
    public static RunResult failed(String reason, int epochs, double wallSeconds) {
        return new RunResult(FAILED, reason, epochs, 0, 0, 0, wallSeconds, 0, Manifest.peakRssMib());
    }

    public boolean diverged() {
        return DIVERGED.equals(status);
    }

    public boolean interrupted() {
        return INTERRUPTED.equals(status);
    }
}
