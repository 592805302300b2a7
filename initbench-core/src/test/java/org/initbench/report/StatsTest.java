package org.initbench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * The paired statistics against reference values computed independently: SciPy 1.17.1
 * ({@code scipy.stats.ttest_rel(x, y)} with its {@code confidence_interval(0.95)}, {@code
 * scipy.stats.wilcoxon(x, y, method=...)}) and an enumeration of all 2^n sign patterns.
 */
class StatsTest {
    static final double[] Y = {92.8, 92.9, 93.0, 92.5, 93.1, 92.6, 92.9};
    static final double[] D = {0.31, -0.12, 0.55, 0.47, 0.26, 0.38, -0.05};

    @Test
    void pairedTTestConfidenceIntervalAndExactWilcoxonMatchScipy() {
        double[] x = new double[Y.length];
        for (int i = 0; i < Y.length; i++) {
            x[i] = Y[i] + D[i];
        }
        Stats.Paired p = Stats.paired(x, Y);
        assertThat(p.n()).isEqualTo(7);
        assertThat(p.meanDelta()).isCloseTo(0.25714285714285673, within(1e-12));
        assertThat(p.tTestP()).isCloseTo(0.03634783942561183, within(1e-10));
        assertThat(p.ciLow()).isCloseTo(0.022703776341088527, within(1e-9));
        assertThat(p.ciHigh()).isCloseTo(0.4915819379446249, within(1e-9));
        assertThat(p.wilcoxonP()).isCloseTo(0.078125, within(1e-12));
        assertThat(p.wilcoxonP()).isCloseTo(exactWilcoxon(D), within(1e-12));
    }

    @Test
    void wilcoxonWithTiesUsesTheCorrectedNormalApproximation() {
        double[] y = {70, 71, 72, 73, 74, 75, 76, 77};
        double[] x = {71, 72, 71, 75, 76, 78, 76.5, 76.5};
        Stats.Paired p = Stats.paired(x, y);
        // scipy.stats.wilcoxon(x, y, method='approx', correction=True)
        assertThat(p.wilcoxonP()).isCloseTo(0.09048792993126761, within(1e-9));
        assertThat(p.tTestP()).isCloseTo(0.07208237848121686, within(1e-10));
        assertThat(p.ciLow()).isCloseTo(-0.11717994889763106, within(1e-9));
        assertThat(p.ciHigh()).isCloseTo(2.117179948897631, within(1e-9));
    }

    @Test
    void fewPairsGiveNoTestAndSummaryUsesTheSampleStd() {
        Stats.Paired five = Stats.paired(new double[] {1, 2, 3, 4, 6}, new double[] {0, 0, 0, 0, 0});
        assertThat(five.wilcoxonP()).isNaN();
        assertThat(five.tTestP()).isBetween(0.0, 1.0);
        Stats.Paired one = Stats.paired(new double[] {2}, new double[] {1});
        assertThat(one.meanDelta()).isEqualTo(1);
        assertThat(one.tTestP()).isNaN();
        assertThat(one.ciLow()).isNaN();
        Stats.Paired constant = Stats.paired(new double[] {2, 3, 4}, new double[] {1, 2, 3});
        assertThat(constant.tTestP()).isNaN();
        assertThat(constant.ciLow()).isEqualTo(1.0);
        Stats.Summary s = Stats.summarize(new double[] {2, 4, 4, 4, 5, 5, 7, 9});
        assertThat(s.mean()).isEqualTo(5.0);
        assertThat(s.std()).isCloseTo(Math.sqrt(32.0 / 7), within(1e-12));
        assertThat(Stats.summarize(new double[] {3}).std()).isNaN();
    }

    /** Two-sided exact p of the signed-rank statistic by enumerating every sign pattern (no ties). */
    static double exactWilcoxon(double[] d) {
        int n = d.length;
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (a, b) -> Double.compare(Math.abs(d[a]), Math.abs(d[b])));
        int[] rank = new int[n];
        for (int r = 0; r < n; r++) {
            rank[idx[r]] = r + 1;
        }
        int wPlus = 0;
        for (int i = 0; i < n; i++) {
            if (d[i] > 0) {
                wPlus += rank[i];
            }
        }
        int total = n * (n + 1) / 2;
        int observed = Math.min(wPlus, total - wPlus);
        int atMost = 0;
        for (int mask = 0; mask < (1 << n); mask++) {
            int w = 0;
            for (int i = 0; i < n; i++) {
                if ((mask & (1 << i)) != 0) {
                    w += i + 1;
                }
            }
            if (Math.min(w, total - w) <= observed) {
                atMost++;
            }
        }
        return (double) atMost / (1 << n);
    }
}
