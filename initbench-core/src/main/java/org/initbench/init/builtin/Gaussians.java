package org.initbench.init.builtin;

/**
 * The standard normal φ, Φ and Φ⁻¹ in double precision, for the truncated normal. Φ: Marsaglia's
 * Taylor series (2004, J. Stat. Softw. 11(4)) for |x| ≤ 3, φ(x) times the Mills-ratio continued
 * fraction beyond, so the lower tail keeps its relative accuracy. Φ⁻¹: Acklam's rational
 * approximation (relative error below 1.2e-9, far finer than the float32 weights).
 */
final class Gaussians {
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
    private static final double[] A = {-3.969683028665376e+01, 2.209460984245205e+02,
        -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
    private static final double[] B = {-5.447609879822406e+01, 1.615858368580409e+02,
        -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01};
    private static final double[] C = {-7.784894002430293e-03, -3.223964580411365e-01,
        -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
    private static final double[] D = {7.784695709041462e-03, 3.224671290700398e-01,
        2.445134137142996e+00, 3.754408661907416e+00};
    private static final double P_LOW = 0.02425;

    private Gaussians() {}

    static double pdf(double x) {
        return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    }

    static double cdf(double x) {
        if (x < -3) {
            return pdf(x) * millsRatio(-x);
        }
        if (x > 3) {
            return 1 - pdf(x) * millsRatio(x);
        }
        double s = x;
        double t = 0;
        double term = x;
        double q = x * x;
        for (int i = 3; s != t; i += 2) {
            t = s;
            term *= q / i;
            s = t + term;
        }
        return 0.5 + s * pdf(x);
    }

    /** (1 − Φ(x))/φ(x) for x ≥ 3: 1/(x + 1/(x + 2/(x + 3/(x + …)))), evaluated backwards. */
    private static double millsRatio(double x) {
        double f = x;
        for (int k = 300; k >= 1; k--) {
            f = x + k / f;
        }
        return 1 / f;
    }

    static double inverseCdf(double p) {
        if (p <= 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (p >= 1) {
            return Double.POSITIVE_INFINITY;
        }
        if (p < P_LOW) {
            return tail(Math.sqrt(-2 * Math.log(p)));
        }
        if (p > 1 - P_LOW) {
            return -tail(Math.sqrt(-2 * Math.log1p(-p)));
        }
        double q = p - 0.5;
        double r = q * q;
        return (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
                / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
    }

    private static double tail(double q) {
        return (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
                / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
    }

    /**
     * std(X)/σ for X ~ N(μ, σ²) truncated to [μ + α·σ, μ + β·σ]: √(1 + (αφ(α) − βφ(β))/Z − ((φ(α) −
     * φ(β))/Z)²), Z = Φ(β) − Φ(α); 0.87962566 for α, β = ∓2.
     */
    static double truncatedStdFactor(double alpha, double beta) {
        boolean mirror = alpha + beta > 0;
        double lo = mirror ? -beta : alpha;
        double hi = mirror ? -alpha : beta;
        double z = cdf(hi) - cdf(lo);
        double m = (pdf(lo) - pdf(hi)) / z;
        return Math.sqrt(1 + (lo * pdf(lo) - hi * pdf(hi)) / z - m * m);
    }
}
