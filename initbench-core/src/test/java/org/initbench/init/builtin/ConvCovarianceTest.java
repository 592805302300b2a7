package org.initbench.init.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.initbench.BadInputException;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * conv-covariance: the closed form, the empirical covariance of drawn filters against it (tolerances from the
 * sample size), the depth schedule on MobileNetV2, and the base everywhere else.
 */
class ConvCovarianceTest {

    @Test
    void closedFormOnA3x3Kernel() {
        double[][] s = ConvCovariance.covariance(3, 1.0);
        double v = 1.0 / 27;
        assertThat(s[4][4]).isCloseTo(v, within(1e-15));
        assertThat(s[4][5]).as("centre and right neighbour").isCloseTo(v * Math.exp(-0.5), within(1e-15));
        assertThat(s[0][4]).as("corner and centre").isCloseTo(v * Math.exp(-1), within(1e-15));
        assertThat(s[0][8]).as("opposite corners").isCloseTo(v * Math.exp(-4), within(1e-15));
        double[][] l = ConvCovariance.cholesky(s);
        for (int i = 0; i < 9; i++) {
            for (int j = 0; j < 9; j++) {
                double llt = 0;
                for (int m = 0; m < 9; m++) {
                    llt += l[i][m] * l[j][m];
                }
                assertThat(llt).isCloseTo(s[i][j], within(1e-15));
            }
        }
    }

    /** 20,000 filters at σ = 1: every mean and covariance entry within 5 standard errors of the closed form. */
    @Test
    void empiricalCovarianceOfManyFiltersMatchesTheClosedForm() {
        int n = 20_000;
        float[] w = ConvCovariance.filters(new SplittableRandom(7), n, 3, 1.0);
        checkAgainstClosedForm(w, n, ConvCovariance.covariance(3, 1.0));
    }

    /**
     * MobileNetV2 (width 1): the 17 depthwise convs get σ from 0.5 to 1.5 linearly in depth; the last one's 960
     * filters match the closed form at σ = 1.5 (and are far from the first layer's σ = 0.5); every other
     * parameter is exactly pytorch-default's.
     */
    @Test
    void mobilenetDepthwiseFiltersFollowTheScheduleAndTheRestIsTheBase() {
        Initialized cov = Initialized.of("mobilenetv2", 10, 1, "conv-covariance", 5);
        Initialized base = Initialized.of("mobilenetv2", 10, 1, "pytorch-default", 5);
        List<Layer> depthwise = cov.net().layers().stream()
                .filter(l -> l.kind() == LayerKind.CONV && l.groups() > 1).toList();
        assertThat(depthwise).hasSize(17);
        Layer last = depthwise.get(16);
        assertThat(last.outChannels()).isEqualTo(960);
        float[] w = cov.get(last, "weight");
        checkAgainstClosedForm(w, 960, ConvCovariance.covariance(3, 1.5));
        assertThat(correlation(w, 960, 4, 5)).as("σ = 0.5 would give 0.14").isGreaterThan(0.6);
        double firstNeighbours = correlation(cov.get(depthwise.get(0), "weight"), depthwise.get(0).outChannels(), 4, 5);
        assertThat(firstNeighbours).isLessThan(correlation(w, 960, 4, 5));
        for (String key : base.values().keySet()) {
            boolean isDepthwise = depthwise.stream().anyMatch(l -> key.equals(l.path() + ".weight"));
            assertThat(java.util.Arrays.equals(cov.values().get(key), base.values().get(key)))
                    .as(key).isEqualTo(!isDepthwise);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet20", "vgg11", "plaincnn"})
    void netsWithoutDepthwiseConvsGetTheBaseUnchanged(String arch) {
        Initialized cov = Initialized.of(arch, 10, 0.25, "conv-covariance:base=kaiming-normal", 8);
        Initialized base = Initialized.of(arch, 10, 0.25, "kaiming-normal", 8);
        for (String key : base.values().keySet()) {
            assertThat(cov.values().get(key)).as(key).containsExactly(base.values().get(key));
        }
    }

    @Test
    void refusesNonPositiveOrHugeSigmaInOneLine() {
        assertThatThrownBy(() -> Initialized.of("mobilenetv2", 10, 0.25, "conv-covariance:sigma-first=0", 1))
                .isInstanceOf(BadInputException.class).hasMessageContaining("must be > 0");
        assertThatThrownBy(() -> Initialized.of("mobilenetv2", 10, 0.25, "conv-covariance:sigma-last=1000", 1))
                .isInstanceOf(BadInputException.class).hasMessageContaining("numerically singular")
                .message().doesNotContain("\n");
    }

    /**
     * Zero mean and covariance Σ, entry by entry: the sample mean of tap p has standard error √(Σ_pp/n), the
     * sample second moment of taps p, q (mean known to be 0) has standard error √((Σ_pp·Σ_qq + Σ_pq²)/n);
     * 5 standard errors each (a false alarm over the 54 checks has probability below 1e-4).
     */
    private static void checkAgainstClosedForm(float[] w, int n, double[][] sigma) {
        int taps = sigma.length;
        for (int p = 0; p < taps; p++) {
            double mean = 0;
            for (int f = 0; f < n; f++) {
                mean += w[f * taps + p];
            }
            mean /= n;
            assertThat(mean).as("mean of tap %d", p).isCloseTo(0, within(5 * Math.sqrt(sigma[p][p] / n)));
            for (int q = p; q < taps; q++) {
                double m = 0;
                for (int f = 0; f < n; f++) {
                    m += (double) w[f * taps + p] * w[f * taps + q];
                }
                m /= n;
                double se = Math.sqrt((sigma[p][p] * sigma[q][q] + sigma[p][q] * sigma[p][q]) / n);
                assertThat(m).as("covariance of taps %d, %d", p, q).isCloseTo(sigma[p][q], within(5 * se));
            }
        }
    }

    /** Sample correlation (zero mean) of taps p and q over n filters of 9 taps. */
    private static double correlation(float[] w, int n, int p, int q) {
        double pq = 0;
        double pp = 0;
        double qq = 0;
        for (int f = 0; f < n; f++) {
            pq += (double) w[f * 9 + p] * w[f * 9 + q];
            pp += (double) w[f * 9 + p] * w[f * 9 + p];
            qq += (double) w[f * 9 + q] * w[f * 9 + q];
        }
        return pq / Math.sqrt(pp * qq);
    }
}
