package org.initbench.model;

/**
 * Mean and variance of one activation, pooled over every element of a layer's output (batch,
 * channels and positions): the quantities AutoInit propagates and the diagnostics measure.
 *
 * @param mean E[x]
 * @param variance Var[x]
 */
public record Moments(double mean, double variance) {
    /** Zero mean, unit variance: a normalized input or a batch-norm output. */
    public static final Moments STANDARD = new Moments(0, 1);

    public Moments {
        if (!Double.isFinite(mean) || !(variance >= 0) || Double.isInfinite(variance)) {
            throw new IllegalArgumentException("bad moments: mean " + mean + ", variance " + variance);
        }
    }

    /** E[x²] = Var[x] + E[x]². */
    public double secondMoment() {
        return variance + mean * mean;
    }
}
