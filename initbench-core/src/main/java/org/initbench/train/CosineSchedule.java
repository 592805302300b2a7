package org.initbench.train;

import org.initbench.BadInputException;

/**
 * Cosine annealing stepped once per epoch, as {@code torch.optim.lr_scheduler.CosineAnnealingLR(
 * T_max=epochs, eta_min=0)} with {@code scheduler.step()} after each epoch: {@code lr_e = lr0·(1 +
 * cos(π·e/E))/2} for epoch e = 0..E−1. With a warm-up of W epochs (not the seed's recipe; 0 there), step t
 * (counted from 0 over the whole run, S steps per epoch) trains at {@code lr_e · min(1, (t + 1)/(W·S))}: the
 * per-step linear "gradual warmup" of Goyal et al. 2017 (arXiv:1706.02677, §2.2) from lr_e/(W·S) to lr_e,
 * multiplied into the cosine, as a per-iteration {@code LambdaLR} chained with the per-epoch cosine would.
 *
 * @param baseLr lr0
 * @param epochs E
 * @param warmupEpochs W, 0 = none
 */
public record CosineSchedule(double baseLr, int epochs, int warmupEpochs) {

    public CosineSchedule {
        if (warmupEpochs < 0 || warmupEpochs > epochs) {
            throw new BadInputException("--warmup-epochs must be in [0, epochs = " + epochs + "], got " + warmupEpochs);
        }
    }

    /** No warm-up (the seed's recipe). */
    public CosineSchedule(double baseLr, int epochs) {
        this(baseLr, epochs, 0);
    }

    /** The epoch's cosine learning rate (the peak of its steps under warm-up). */
    public double lr(int epoch) {
        return baseLr * (1 + Math.cos(Math.PI * epoch / epochs)) / 2;
    }

    /** The learning rate of step {@code step} (from 0) of {@code epoch}, which has {@code stepsPerEpoch} steps. */
    public double lr(int epoch, int step, int stepsPerEpoch) {
        if (warmupEpochs == 0) {
            return lr(epoch);
        }
        double t = (double) epoch * stepsPerEpoch + step;
        return lr(epoch) * Math.min(1, (t + 1) / ((double) warmupEpochs * stepsPerEpoch));
    }
}
