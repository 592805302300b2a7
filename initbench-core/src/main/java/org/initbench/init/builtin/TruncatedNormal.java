package org.initbench.init.builtin;

import java.util.List;
import java.util.Map;
import org.initbench.BadInputException;
import org.initbench.init.InitOption;
import org.initbench.init.InitStrategy;

/**
 * A truncated normal, PyTorch's {@code trunc_normal_(W, mean, std, a, b)}: N(mean, σ²) restricted
 * to the <em>absolute</em> bounds [a, b] (not multiples of σ), drawn by inverse CDF as torch does:
 * p ~ U(Φ(α), Φ(β)), w = mean + σ·Φ⁻¹(p), clamped to [a, b], with α, β = (a − mean)/σ, (b −
 * mean)/σ. Applied to every Conv2d and Linear weight (shortcut projections and the classifier
 * included); biases 0; BN γ = 1, β = 0. Defaults are torch's: mean {@value #DEFAULT_MEAN}, std
 * {@value #DEFAULT_STD}, a = {@value #DEFAULT_A}, b = {@value #DEFAULT_B}, correct = {@value
 * #DEFAULT_CORRECT}.
 *
 * <p>{@code correct=false} (torch): σ = std, so the realized std is std·f(α, β), f = the truncated
 * std factor (0.8796 for ±2σ; ≈ 1 when the bounds lie far out, e.g. std 0.02 within ±2).
 * {@code correct=true} (the Keras/JAX VarianceScaling idea, for the actual bounds): σ is std divided
 * by the factor of the bounds it truncates at, i.e. σ solves σ·f((a − mean)/σ, (b − mean)/σ) = std,
 * so the realized std equals std while the bounds stay [a, b]. Keras's constant 0.87962566 is the
 * special case of bounds at ±2σ; with absolute bounds σ must be solved for (bisection). A std at or
 * above that of U[a, b], (b − a)/√12, cannot be reached and is refused.
 */
public final class TruncatedNormal extends Scheme {
    static final String DEFAULT_MEAN = "0";
    static final String DEFAULT_STD = "1";
    static final String DEFAULT_A = "-2";
    static final String DEFAULT_B = "2";
    static final String DEFAULT_CORRECT = "false";

    public TruncatedNormal() {
        super("truncated-normal",
                "W ~ N(mean, std²) truncated to absolute [a, b] (torch trunc_normal_), optionally "
                + "variance-corrected; biases 0; BN γ=1, β=0",
                "PyTorch torch.nn.init.trunc_normal_; correction as Keras VarianceScaling (0.87962566)",
                InitOption.number("mean", DEFAULT_MEAN, "mean before truncation"),
                InitOption.number("std", DEFAULT_STD, "std before truncation, or after if correct"),
                InitOption.number("a", DEFAULT_A, "absolute lower bound"),
                InitOption.number("b", DEFAULT_B, "absolute upper bound"),
                InitOption.choice("correct", DEFAULT_CORRECT, "solve σ so the realized std equals std",
                        List.of("false", "true")));
    }

    @Override
    public InitStrategy create(Map<String, String> options) {
        double mean = number(options, "mean");
        double std = number(options, "std");
        double a = number(options, "a");
        double b = number(options, "b");
        if (!(std > 0) || !(a < b)) {
            throw new BadInputException("init 'truncated-normal': needs std > 0 and a < b, got std="
                    + std + ", a=" + a + ", b=" + b);
        }
        double sigma = Boolean.parseBoolean(options.get("correct")) ? corrected(mean, std, a, b) : std;
        boolean mirror = (a - mean) + (b - mean) > 0;
        double lo = (mirror ? mean - b : a - mean) / sigma;
        double hi = (mirror ? mean - a : b - mean) / sigma;
        double pLo = Gaussians.cdf(lo);
        double pHi = Gaussians.cdf(hi);
        if (!(pHi > pLo)) {
            throw new BadInputException("init 'truncated-normal': [" + a + ", " + b
                    + "] holds no probability mass of N(" + mean + ", " + sigma + "²)");
        }
        return EveryWeight.strategy((ctx, layer) -> EveryWeight.draw(ctx, layer, "weight", rng -> {
            double z = Gaussians.inverseCdf(pLo + (pHi - pLo) * rng.nextDouble());
            return Math.min(b, Math.max(a, mean + sigma * (mirror ? -z : z)));
        }));
    }

    /** The σ whose truncation to [a, b] has std {@code std}. */
    static double corrected(double mean, double std, double a, double b) {
        if (std >= (b - a) / Math.sqrt(12)) {
            throw new BadInputException("init 'truncated-normal': correct=true cannot reach std=" + std
                    + " inside [" + a + ", " + b + "]; it must be below (b-a)/√12 = "
                    + (b - a) / Math.sqrt(12));
        }
        double lo = std;
        double hi = 2 * std;
        while (realized(mean, hi, a, b) < std && hi < std * 1e12) {
            lo = hi;
            hi *= 2;
        }
        for (int i = 0; i < 200 && lo < hi; i++) {
            double mid = 0.5 * (lo + hi);
            if (realized(mean, mid, a, b) < std) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    private static double realized(double mean, double sigma, double a, double b) {
        return sigma * Gaussians.truncatedStdFactor((a - mean) / sigma, (b - mean) / sigma);
    }
}
