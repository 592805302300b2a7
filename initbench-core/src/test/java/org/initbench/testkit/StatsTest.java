package org.initbench.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The KS helper accepts samples of the right law and rejects near misses, so tests using it can fail. */
class StatsTest {
    private static final int N = 20_000;

    private static float[] normal(double mean, double std, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[N];
        for (int i = 0; i < N; i++) {
            x[i] = (float) (mean + std * rng.nextGaussian());
        }
        return x;
    }

    @Test
    void criticalValueIsTheAsymptoticOneAtAlphaOneInAThousand() {
        assertThat(Stats.ksCritical(10_000)).isCloseTo(0.019495, within(1e-6));
    }

    @Test
    void normalCdfMatchesKnownValues() {
        assertThat(Stats.phi(0)).isCloseTo(0.5, within(1e-9));
        assertThat(Stats.phi(1)).isCloseTo(0.8413447460685429, within(2e-7));
        assertThat(Stats.phi(-1.959963984540054)).isCloseTo(0.025, within(2e-7));
    }

    @Test
    void ksAcceptsTheTrueLawAndRejectsAWrongScaleOrShape() {
        float[] x = normal(0, 1, 1);
        assertThat(Stats.ksAccepts(x, Stats.normalCdf(0, 1))).isTrue();
        assertThat(Stats.ksAccepts(x, Stats.normalCdf(0, 1.1))).isFalse();
        assertThat(Stats.ksAccepts(x, Stats.normalCdf(0.05, 1))).isFalse();
        assertThat(Stats.ksAccepts(x, Stats.uniformCdf(-Math.sqrt(3), Math.sqrt(3)))).isFalse();
    }

    @Test
    void momentsOfASmallSample() {
        float[] x = {1, 2, 3, 4};
        assertThat(Stats.mean(x)).isEqualTo(2.5);
        assertThat(Stats.std(x)).isCloseTo(Math.sqrt(1.25), within(1e-12));
    }
}
