package org.initbench.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.initbench.experiment.Recipe;
import org.initbench.experiment.RunDirectory;
import org.initbench.experiment.RunResult;
import org.initbench.experiment.TrainSpec;
import org.initbench.train.EpochMetrics;

/**
 * Writes fake run directories in the real format ({@link RunDirectory}): spec.json, metrics.jsonl
 * and, unless the run is still going, result.json. Accuracy curves rise towards a level with seeded
 * noise; losses fall.
 */
public final class FakeRuns {
    private FakeRuns() {}

    /** A small recipe: batch 128, momentum 0.9, wd 5e-4, 2000/500 subsets, width 0.25, bn. */
    public static TrainSpec spec(String arch, String init, long seed, int epochs, double lr) {
        return new TrainSpec(arch, "fashion-mnist", init, seed, Recipe.SEED.withEpochs(epochs).withLr(lr)
                .withTrainSubset(2000).withTestSubset(500).withWidth(0.25).withNorm("bn"));
    }

    /**
     * Writes a run with {@code epochsDone} epochs of metrics whose test accuracy approaches {@code
     * level} (a fraction); {@code status} null = no result.json (running), else done / diverged /
     * failed.
     */
    public static Path write(Path dir, TrainSpec spec, int epochsDone, double level, String status) {
        try {
            RunDirectory d = RunDirectory.create(dir, true);
            d.writeJson(RunDirectory.SPEC, spec);
            SplittableRandom rnd = new SplittableRandom(spec.seed() * 7919 + spec.init().hashCode() + spec.arch().hashCode());
            double best = 0;
            int bestEpoch = 0;
            double last = 0;
            for (int e = 1; e <= epochsDone; e++) {
                double acc = Math.min(1, Math.max(0, level * (1 - Math.exp(-e / 1.2)) + 0.01 * (rnd.nextDouble() - 0.5)));
                acc = Math.round(acc * 2000) / 2000.0; // a 2000-image test set
                double trainLoss = 2.3 * Math.exp(-e / 2.0) + 0.05 * rnd.nextDouble();
                double testLoss = 2.3 * Math.exp(-e / 2.5) + 0.05 * rnd.nextDouble();
                if (acc > best) {
                    best = acc;
                    bestEpoch = e;
                }
                last = acc;
                d.appendMetrics(new EpochMetrics(e, spec.recipe().lr(), trainLoss, acc + 0.02, testLoss, acc, best, 1.5, 400));
            }
            if (status != null) {
                String reason = RunResult.DONE.equals(status) ? null : "loss NaN at epoch " + (epochsDone + 1);
                d.writeJson(RunDirectory.RESULT, new RunResult(status, reason, epochsDone, best, bestEpoch, last,
                        1.5 * epochsDone, 400, 900));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
