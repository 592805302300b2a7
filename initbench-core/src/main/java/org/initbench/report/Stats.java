package org.initbench.report;

import org.apache.commons.statistics.descriptive.Mean;
import org.apache.commons.statistics.descriptive.StandardDeviation;
import org.apache.commons.statistics.distribution.TDistribution;
import org.apache.commons.statistics.inference.TTest;
import org.apache.commons.statistics.inference.WilcoxonSignedRankTest;

/**
 * The report's statistics, on Apache Commons Statistics: mean and sample standard deviation
 * (n − 1), and the paired comparison of an init against the baseline over matched seeds.
 */
public final class Stats {
    /** The Wilcoxon signed-rank test is reported from this many pairs on. */
    public static final int WILCOXON_MIN_N = 6;

    private Stats() {}

    /**
     * Mean and sample standard deviation of some values.
     *
     * @param n number of values
     * @param mean their mean; NaN when n = 0
     * @param std their sample standard deviation (n − 1 denominator); NaN when n &lt; 2
     */
    public record Summary(int n, double mean, double std) {}

    public static Summary summarize(double[] v) {
        if (v.length == 0) {
            return new Summary(0, Double.NaN, Double.NaN);
        }
        double sd = v.length < 2 ? Double.NaN : StandardDeviation.of(v).getAsDouble();
        return new Summary(v.length, Mean.of(v).getAsDouble(), sd);
    }

    /**
     * A paired comparison {@code x − baseline} over matched seeds.
     *
     * @param n number of pairs
     * @param meanDelta mean of the differences
     * @param ciLow lower end of the two-sided 95% confidence interval of the mean difference (Student
     *     t with n − 1 degrees of freedom); NaN when n &lt; 2
     * @param ciHigh upper end of that interval
     * @param tTestP two-sided paired t-test p-value; NaN when n &lt; 2 or the differences do not vary
     * @param wilcoxonP two-sided Wilcoxon signed-rank p-value (exact without ties or zero differences,
     *     else the normal approximation with continuity correction, as Commons Statistics' AUTO); NaN
     *     when n &lt; {@link #WILCOXON_MIN_N} or every difference is zero
     */
    public record Paired(int n, double meanDelta, double ciLow, double ciHigh, double tTestP, double wilcoxonP) {}

    /** Compares {@code x[i]} with {@code baseline[i]} (same seed at the same index). */
    public static Paired paired(double[] x, double[] baseline) {
        if (x.length != baseline.length) {
            throw new IllegalArgumentException("paired samples of different lengths");
        }
        int n = x.length;
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = x[i] - baseline[i];
        }
        if (n == 0) {
            return new Paired(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double mean = Mean.of(d).getAsDouble();
        if (n < 2) {
            return new Paired(1, mean, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double sd = StandardDeviation.of(d).getAsDouble();
        double half = TDistribution.of(n - 1).inverseCumulativeProbability(0.975) * sd / Math.sqrt(n);
        double tp = sd > 0 ? TTest.withDefaults().pairedTest(x, baseline).getPValue() : Double.NaN;
        double wp = Double.NaN;
        boolean anyNonZero = false;
        for (double v : d) {
            anyNonZero |= v != 0;
        }
        if (n >= WILCOXON_MIN_N && anyNonZero) {
            wp = WilcoxonSignedRankTest.withDefaults().test(x, baseline).getPValue();
        }
        return new Paired(n, mean, mean - half, mean + half, tp, wp);
    }
}
