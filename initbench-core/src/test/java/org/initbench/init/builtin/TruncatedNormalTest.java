package org.initbench.init.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.initbench.model.Layer;
import org.initbench.testkit.Stats;
import org.junit.jupiter.api.Test;

/**
 * {@code truncated-normal} as torch's {@code trunc_normal_}: absolute bounds respected, realized
 * std 0.8796·std at ±2σ without correction and std with it, the truncated law's shape by KS.
 */
class TruncatedNormalTest {
    private static final double FACTOR_2SIGMA = 0.87962566103423978;
    /** Kurtosis of N(0,1) truncated to ±2 is 2.36; a normal's 3 bounds it (lighter tails). */
    private static final double KURTOSIS_BOUND = 3;

    @Test
    void gaussianHelpersMatchKnownValues() {
        assertThat(Gaussians.cdf(1)).isCloseTo(0.8413447460685429, within(1e-14));
        assertThat(Gaussians.cdf(-5) / 2.866515718791939e-7).isCloseTo(1, within(1e-12));
        assertThat(Gaussians.cdf(-10) / 7.619853024160527e-24).isCloseTo(1, within(1e-12));
        for (double x : new double[] {-7, -3.5, -2, -0.3, 0, 1.1, 2.5, 4}) {
            assertThat(Gaussians.inverseCdf(Gaussians.cdf(x))).as("x=" + x).isCloseTo(x, within(1e-8 * Math.max(1, Math.abs(x))));
        }
        assertThat(Gaussians.truncatedStdFactor(-2, 2)).isCloseTo(FACTOR_2SIGMA, within(1e-12));
        assertThat(Gaussians.truncatedStdFactor(-1, 3)).isEqualTo(Gaussians.truncatedStdFactor(-3, 1));
        assertThat(Gaussians.truncatedStdFactor(-40, 40)).isCloseTo(1, within(1e-12));
    }

    @Test
    void uncorrectedDefaultsGiveStdTimesTheTwoSigmaFactor() {
        check("truncated-normal", 0, 1, -2, 2, 0, FACTOR_2SIGMA);
    }

    @Test
    void asymmetricAbsoluteBoundsAreRespected() {
        // α, β = -1, 4 (mirrored internally)
        check("truncated-normal:mean=1,std=0.5,a=0.5,b=3", 1, 0.5, 0.5, 3, 1 + 0.5 * shift(-1, 4),
                0.5 * Gaussians.truncatedStdFactor(-1, 4));
    }

    @Test
    void correctedStdIsRealizedInsideTheSameBounds() {
        double sigma = TruncatedNormal.corrected(0, 1, -2, 2);
        assertThat(sigma * Gaussians.truncatedStdFactor(-2 / sigma, 2 / sigma)).isCloseTo(1, within(1e-9));
        assertThat(sigma).isGreaterThan(1 / FACTOR_2SIGMA);
        check("truncated-normal:correct=true", 0, sigma, -2, 2, 0, 1);
        double skewed = TruncatedNormal.corrected(0, 0.4, -0.5, 1.5);
        check("truncated-normal:correct=true,std=0.4,a=-0.5,b=1.5", 0, skewed, -0.5, 1.5,
                skewed * shift(-0.5 / skewed, 1.5 / skewed), 0.4);
        double small = TruncatedNormal.corrected(0, 0.02, -2, 2);
        assertThat(small).as("bounds 100σ out: nothing to correct").isCloseTo(0.02, within(1e-12));
    }

    /** Mean of N(0, 1) truncated to [α, β]: (φ(α) − φ(β))/(Φ(β) − Φ(α)), with the test's own Φ. */
    private static double shift(double alpha, double beta) {
        double z = Stats.phi(beta) - Stats.phi(alpha);
        return (Math.exp(-alpha * alpha / 2) - Math.exp(-beta * beta / 2)) / Math.sqrt(2 * Math.PI) / z;
    }

    /**
     * Checks the big ResNet-56 layers: every value in [a, b], KS against N(mean, sigma²) cut to [a,
     * b], sample mean and std within 5 standard errors of the expected ones.
     */
    private static void check(String spec, double mean, double sigma, double a, double b,
            double expectedMean, double expectedStd) {
        Initialized init = Initialized.of("resnet56", 200, 1.0, spec, 9);
        List<Layer> layers = init.weighted(ClassicSchemesTest.MIN);
        assertThat(layers).hasSize(19);
        for (Layer l : layers) {
            float[] w = init.get(l, "weight");
            for (float v : w) {
                assertThat((double) v).as(l.path()).isBetween(a, b);
            }
            ClassicSchemesTest.checkLayer(w, new ClassicSchemesTest.Law(expectedMean, expectedStd,
                    KURTOSIS_BOUND, Stats.truncatedNormalCdf(mean, sigma, a, b)), spec + " " + l.path());
        }
    }
}
