package org.initbench.report;

import java.nio.file.Path;
import java.util.List;
import org.initbench.data.DatasetName;
import org.initbench.experiment.RunResult;
import org.initbench.experiment.TrainSpec;
import org.initbench.train.EpochMetrics;

/**
 * One run directory as read by {@link RunScanner}.
 *
 * @param dir the run directory
 * @param path the directory relative to the runs directory ({@code /}-separated; {@code .} for the
 *     runs directory itself)
 * @param spec the run's spec; null when {@code spec.json} could not be read (then status is corrupt)
 * @param metrics the epochs in {@code metrics.jsonl}, in order (empty when corrupt or absent)
 * @param result the run's {@code result.json}; null when absent or unreadable
 * @param status what the report makes of the run
 * @param reason why a run is corrupt, diverged or failed; null otherwise
 */
public record RunRecord(
        Path dir,
        String path,
        TrainSpec spec,
        List<EpochMetrics> metrics,
        RunResult result,
        RunStatus status,
        String reason) {

    public RunRecord {
        metrics = List.copyOf(metrics);
    }

    /** The run's column, or null when its spec is unreadable. */
    public ColumnKey column() {
        return spec == null ? null : new ColumnKey(spec.arch(), spec.dataset(), spec.recipe());
    }

    /** Epochs completed: result.json's count, else the lines of metrics.jsonl. */
    public int epochsCompleted() {
        return result != null ? result.epochsCompleted() : metrics.size();
    }

    /** Best test accuracy (fraction): result.json's, else the best so far in metrics.jsonl; NaN if none. */
    public double bestTestAcc() {
        if (result != null) {
            return result.bestTestAcc();
        }
        return metrics.stream().mapToDouble(EpochMetrics::testAcc).max().orElse(Double.NaN);
    }

    /** Test accuracy (fraction) after the last completed epoch; NaN if none. */
    public double finalTestAcc() {
        if (result != null) {
            return result.finalTestAcc();
        }
        return metrics.isEmpty() ? Double.NaN : metrics.get(metrics.size() - 1).testAcc();
    }

    /** The 1-based epoch of the best test accuracy; 0 if none. */
    public int bestEpoch() {
        if (result != null) {
            return result.bestEpoch();
        }
        int best = 0;
        double acc = Double.NEGATIVE_INFINITY;
        for (EpochMetrics m : metrics) {
            if (m.testAcc() > acc) {
                acc = m.testAcc();
                best = m.epoch();
            }
        }
        return best;
    }

    /** Wall seconds: result.json's, else the sum of epoch times so far; NaN when there are none. */
    public double wallSeconds() {
        if (result != null) {
            return result.wallSeconds();
        }
        if (metrics.isEmpty()) {
            return Double.NaN;
        }
        return metrics.stream().mapToDouble(EpochMetrics::epochSeconds).sum();
    }

    /** How far above chance (1/classes) a last test accuracy may be and still count as at chance: 1 pp. */
    public static final double AT_CHANCE_MARGIN = 0.01;

    /**
     * Whether a finished run ends at chance: its last test accuracy is within {@link #AT_CHANCE_MARGIN}
     * of 1/classes. A net that collapses (for instance every ReLU dead after one exploding step) ends
     * there with a finite loss, so it finishes as {@code done}, not {@code diverged}, and its best
     * accuracy from before the collapse still enters the mean.
     */
    public boolean endsAtChance() {
        if (status != RunStatus.DONE || spec == null) {
            return false;
        }
        double chance = 1.0 / DatasetName.parse(spec.dataset()).numClasses();
        return finalTestAcc() <= chance + AT_CHANCE_MARGIN;
    }

    /** Training images per second: result.json's median, else NaN. */
    public double trainImagesPerSecond() {
        return result != null ? result.trainImagesPerSecond() : Double.NaN;
    }
}
