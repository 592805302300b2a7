package org.initbench.train;

/**
 * One line of {@code metrics.jsonl}. Accuracies are fractions in [0, 1].
 *
 * @param epoch 1-based epoch number
 * @param lr the epoch's cosine learning rate (under a warm-up, the rate its steps ramp up to)
 * @param trainLoss mean training cross-entropy over the epoch's samples (train-mode forward)
 * @param trainAcc training accuracy of the train-mode forward passes
 * @param testLoss mean test cross-entropy (eval mode)
 * @param testAcc test accuracy (eval mode)
 * @param bestTestAcc best test accuracy so far
 * @param epochSeconds wall time of the epoch, training and evaluation
 * @param trainImagesPerSecond training images per second (training loop only)
 */
public record EpochMetrics(
        int epoch,
        double lr,
        double trainLoss,
        double trainAcc,
        double testLoss,
        double testAcc,
        double bestTestAcc,
        double epochSeconds,
        double trainImagesPerSecond) {}
