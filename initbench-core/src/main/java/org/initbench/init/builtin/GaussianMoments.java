package org.initbench.init.builtin;

import org.initbench.model.Moments;

/**
 * Closed-form and quadrature moments of functions of a normal variable X ~ N(μ, σ²), used by
 * AutoInit's propagation (init-methods.md §0.2). Deterministic: no Monte Carlo.
 */
final class GaussianMoments {
    private static final int QUADRATURE_INTERVALS = 4000;
    private static final double QUADRATURE_RANGE = 9;

    private GaussianMoments() {}

    /** Standard normal density. */
    static double pdf(double z) {
        return Double.isInfinite(z) ? 0 : Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
    }

    /** Standard normal CDF via erfc (Numerical Recipes' Chebyshev fit, relative error below 1.2e-7). */
    static double cdf(double z) {
        if (Double.isInfinite(z)) {
            return z > 0 ? 1 : 0;
        }
        double x = Math.abs(z) / Math.sqrt(2);
        double t = 1 / (1 + 0.5 * x);
        double erfc = t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return z >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
    }

    /**
     * Moments of min(max(X, lo), hi) for X ~ N(in.mean, in.variance): ReLU is (0, ∞), ReLU6 (0, 6).
     * E[ReLU(X)] = μΦ(z) + σφ(z) and E[ReLU(X)²] = (μ²+σ²)Φ(z) + μσφ(z), z = μ/σ, for hi = ∞.
     */
    static Moments clipped(Moments in, double lo, double hi) {
        double mu = in.mean();
        double sigma = Math.sqrt(in.variance());
        if (sigma == 0) {
            return new Moments(Math.min(Math.max(mu, lo), hi), 0);
        }
        double a = (lo - mu) / sigma;
        double b = (hi - mu) / sigma;
        double pa = cdf(a);
        double pb = cdf(b);
        double inside = pb - pa;
        double ez = pdf(a) - pdf(b);
        double ez2 = inside + (Double.isInfinite(a) ? 0 : a * pdf(a)) - (Double.isInfinite(b) ? 0 : b * pdf(b));
        double tailLo = Double.isInfinite(lo) ? 0 : pa;
        double tailHi = Double.isInfinite(hi) ? 0 : 1 - pb;
        double mean = (tailLo == 0 ? 0 : lo * tailLo) + mu * inside + sigma * ez + (tailHi == 0 ? 0 : hi * tailHi);
        double second = (tailLo == 0 ? 0 : lo * lo * tailLo) + mu * mu * inside + 2 * mu * sigma * ez
                + sigma * sigma * ez2 + (tailHi == 0 ? 0 : hi * hi * tailHi);
        return new Moments(mean, Math.max(0, second - mean * mean));
    }

    /**
     * Moments of the max of {@code n} i.i.d. N(μ, σ²): μ + σ·M with M the max of n standard normals,
     * whose density nφ(z)Φ(z)^(n-1) is integrated by Simpson's rule (n=4: mean 1.02938, variance
     * 0.49172).
     */
    static Moments maxOf(Moments in, int n) {
        double h = 2 * QUADRATURE_RANGE / QUADRATURE_INTERVALS;
        double m1 = 0;
        double m2 = 0;
        for (int i = 0; i <= QUADRATURE_INTERVALS; i++) {
            double z = -QUADRATURE_RANGE + i * h;
            double w = (i == 0 || i == QUADRATURE_INTERVALS) ? 1 : (i % 2 == 1 ? 4 : 2);
            double density = n * pdf(z) * Math.pow(cdf(z), n - 1);
            m1 += w * z * density;
            m2 += w * z * z * density;
        }
        m1 *= h / 3;
        m2 *= h / 3;
        double sigma = Math.sqrt(in.variance());
        return new Moments(in.mean() + sigma * m1, in.variance() * Math.max(0, m2 - m1 * m1));
    }
}
