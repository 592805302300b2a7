package org.initbench.train;

/**
 * Cosine annealing stepped once per epoch, as {@code torch.optim.lr_scheduler.CosineAnnealingLR(
 * T_max=epochs, eta_min=0)} with {@code scheduler.step()} after each epoch: {@code lr_e = lr0·(1 +
 * cos(π·e/E))/2} for epoch e = 0..E−1.
 *
 * @param baseLr lr0
 * @param epochs E
 */
public record CosineSchedule(double baseLr, int epochs) {

    public double lr(int epoch) {
        return baseLr * (1 + Math.cos(Math.PI * epoch / epochs)) / 2;
    }
}
