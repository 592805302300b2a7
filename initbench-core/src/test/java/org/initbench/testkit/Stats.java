package org.initbench.testkit;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/**
 * Sample moments, CDFs and the one-sample Kolmogorov–Smirnov test for statistics tests of init
 * schemes. The normal CDF here is Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7,
 * negligible against a KS critical value of order 1e-2), written independently of the main code's.
 */
public final class Stats {
    /** The KS test's significance level. */
    public static final double KS_ALPHA = 0.001;

    private Stats() {}

    public static double mean(float[] x) {
        double s = 0;
        for (float v : x) {
            s += v;
        }
        return s / x.length;
    }

    /** Population standard deviation (divides by n). */
    public static double std(float[] x) {
        double m = mean(x);
        double s = 0;
        for (float v : x) {
            s += (v - m) * (v - m);
        }
        return Math.sqrt(s / x.length);
    }

    /**
     * The half-width of a z-standard-error band for the sample std of n draws of a distribution
     * with std {@code sigma} and kurtosis {@code kurtosis} (3 for a normal, 1.8 for a uniform): SE ≈
     * σ·√((κ − 1)/(4n)).
     */
    public static double stdTolerance(double sigma, double kurtosis, int n, double z) {
        return z * sigma * Math.sqrt((kurtosis - 1) / (4.0 * n));
    }

    /** The half-width of a z-standard-error band for the sample mean: z·σ/√n. */
    public static double meanTolerance(double sigma, int n, double z) {
        return z * sigma / Math.sqrt(n);
    }

    /** The one-sample KS statistic D = sup |F_n(x) − F(x)| of the sample against {@code cdf}. */
    public static double ksStatistic(float[] sample, DoubleUnaryOperator cdf) {
        double[] x = new double[sample.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = sample[i];
        }
        Arrays.sort(x);
        int n = x.length;
        double d = 0;
        for (int i = 0; i < n; i++) {
            double f = cdf.applyAsDouble(x[i]);
            d = Math.max(d, Math.max((i + 1.0) / n - f, f - (double) i / n));
        }
        return d;
    }

    /**
     * Asymptotic critical value of D at {@link #KS_ALPHA}: √(−ln(α/2)/2)/√n (1.9495/√n); a sample
     * from the CDF exceeds it with probability α.
     */
    public static double ksCritical(int n) {
        return Math.sqrt(-Math.log(KS_ALPHA / 2) / 2) / Math.sqrt(n);
    }

    /** Whether the sample passes the KS test against {@code cdf} at {@link #KS_ALPHA}. */
    public static boolean ksAccepts(float[] sample, DoubleUnaryOperator cdf) {
        return ksStatistic(sample, cdf) < ksCritical(sample.length);
    }

    /** CDF of N(mean, std²). */
    public static DoubleUnaryOperator normalCdf(double mean, double std) {
        return x -> phi((x - mean) / std);
    }

    /** CDF of U(a, b). */
    public static DoubleUnaryOperator uniformCdf(double a, double b) {
        return x -> x <= a ? 0 : x >= b ? 1 : (x - a) / (b - a);
    }

    /** CDF of N(mean, sigma²) truncated to [a, b]. */
    public static DoubleUnaryOperator truncatedNormalCdf(double mean, double sigma, double a, double b) {
        double lo = phi((a - mean) / sigma);
        double z = phi((b - mean) / sigma) - lo;
        return x -> x <= a ? 0 : x >= b ? 1 : (phi((x - mean) / sigma) - lo) / z;
    }

    /** Standard normal CDF Φ via erf (Abramowitz and Stegun 7.1.26). */
    public static double phi(double x) {
        double u = Math.abs(x) / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * u);
        double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741
                + t * (-1.453152027 + t * 1.061405429))));
        double erf = 1 - poly * Math.exp(-u * u);
        return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }
}
