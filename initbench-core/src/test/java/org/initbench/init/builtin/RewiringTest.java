package org.initbench.init.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.initbench.BadInputException;
import org.initbench.init.InitRegistry;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.junit.jupiter.api.Test;

/** PA rewiring and stabilize-strength: values kept, strength variance lowered, reference sampling law. */
class RewiringTest {

    @Test
    void paKeepsTheMultisetAndLowersBothStrengthVariances() {
        SplittableRandom rng = new SplittableRandom(1);
        int rows = 64;
        int cols = 144;
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rng.nextGaussian() * Math.sqrt(2.0 / cols));
        }
        float[] before = w.clone();
        Rewiring.paRewire(w, rows, cols, new SplittableRandom(2));
        assertThat(sorted(w)).isEqualTo(sorted(before));
        assertThat(w).isNotEqualTo(before);
        // For i.i.d. weights the row-sum variance is cols·σ² = 2 and the column-sum one rows·σ²:
        // PA is reported to cut both by an order of magnitude (2.27 → 0.026 on 256×2304).
        assertThat(variance(rowSums(w, rows, cols))).isLessThan(variance(rowSums(before, rows, cols)) / 10);
        float[] t = Rewiring.transpose(w, rows, cols);
        float[] tb = Rewiring.transpose(before, rows, cols);
        assertThat(variance(rowSums(t, cols, rows))).isLessThan(variance(rowSums(tb, cols, rows)) / 4);
    }

    @Test
    void onePassPermutesWithinRowsAndNeverMovesRowZero() {
        SplittableRandom rng = new SplittableRandom(3);
        float[] w = new float[8 * 20];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rng.nextGaussian();
        }
        float[] before = w.clone();
        Rewiring.pass(w, 8, 20, new SplittableRandom(4));
        assertThat(Arrays.copyOfRange(w, 0, 20)).isEqualTo(Arrays.copyOfRange(before, 0, 20));
        for (int r = 1; r < 8; r++) {
            assertThat(sorted(Arrays.copyOfRange(w, r * 20, r * 20 + 20)))
                    .isEqualTo(sorted(Arrays.copyOfRange(before, r * 20, r * 20 + 20)));
        }
    }

    /**
     * Row 0 = (−1, 0, 5) gives p ∝ (1, 2, 7): numpy's choice(3, 3, replace=False, p) picks column j
     * first with probability p_j, so row 1's smallest value lands there; its largest lands in column 0
     * with P(t = (1,2,0)) + P(t = (2,1,0)) = 0.2·0.7/0.8 + 0.7·0.2/0.3. Frequencies over N draws
     * within 5 binomial standard errors.
     */
    @Test
    void samplingFollowsSuccessiveSamplingWithoutReplacement() {
        int n = 20_000;
        int[] smallestAt = new int[3];
        int largestAtZero = 0;
        SplittableRandom rng = new SplittableRandom(5);
        for (int trial = 0; trial < n; trial++) {
            float[] w = {-1, 0, 5, -1, 0, 1};
            Rewiring.pass(w, 2, 3, rng);
            for (int j = 0; j < 3; j++) {
                smallestAt[j] += w[3 + j] == -1 ? 1 : 0;
            }
            largestAtZero += w[3] == 1 ? 1 : 0;
        }
        double[] p = {0.1, 0.2, 0.7};
        for (int j = 0; j < 3; j++) {
            assertThat(smallestAt[j] / (double) n).isCloseTo(p[j], within(5 * Math.sqrt(p[j] * (1 - p[j]) / n)));
        }
        double q = 0.2 * 0.7 / 0.8 + 0.7 * 0.2 / 0.3;
        assertThat(largestAtZero / (double) n).isCloseTo(q, within(5 * Math.sqrt(q * (1 - q) / n)));
    }

    @Test
    void paRewiringOnANetworkPermutesEachWeightOfItsBaseAndLeavesTheRest() {
        assertThat(PaRewiring.DEFAULT_BASE).isEqualTo("orthogonal");
        Map<String, float[]> pa = ResidualSchemesTest.init("resnet20", 0.5, "pa-rewiring", 7);
        Map<String, float[]> base = ResidualSchemesTest.init("resnet20", 0.5, "orthogonal", 7);
        double varBefore = 0;
        double varAfter = 0;
        for (Layer l : Models.build("resnet20", 3, 10, 0.5).layers()) {
            String w = l.path() + ".weight";
            if (l.kind() == LayerKind.BATCH_NORM) {
                assertThat(pa.get(w)).isEqualTo(base.get(w));
                continue;
            }
            assertThat(sorted(pa.get(w))).as(w).isEqualTo(sorted(base.get(w)));
            assertThat(pa.get(w)).as(w).isNotEqualTo(base.get(w));
            if (l.hasBias()) {
                assertThat(pa.get(l.path() + ".bias")).isEqualTo(base.get(l.path() + ".bias"));
            }
            int rows = l.outChannels();
            varBefore += variance(rowSums(base.get(w), rows, base.get(w).length / rows));
            varAfter += variance(rowSums(pa.get(w), rows, pa.get(w).length / rows));
        }
        assertThat(varAfter).isLessThan(varBefore / 4);
    }

    @Test
    void stabilizeStrengthKeepsTheBestDrawPerLayer() {
        Map<String, float[]> base = ResidualSchemesTest.init("resnet20", 0.5, "kaiming-normal", 9);
        assertThat(ResidualSchemesTest.init("resnet20", 0.5, "stabilize-strength:K=1", 9))
                .allSatisfy((k, v) -> assertThat(v).as(k).isEqualTo(base.get(k)));
        Map<String, float[]> st = ResidualSchemesTest.init("resnet20", 0.5, "stabilize-strength:K=20", 9);
        Network net = Models.build("resnet20", 3, 10, 0.5);
        double jBefore = 0;
        double jAfter = 0;
        double rowBefore = 0;
        double rowAfter = 0;
        for (Layer l : net.layers()) {
            String w = l.path() + ".weight";
            if (l.kind() == LayerKind.BATCH_NORM) {
                assertThat(st.get(w)).isEqualTo(base.get(w));
                continue;
            }
            int rows = l.outChannels();
            int cols = base.get(w).length / rows;
            double before = Rewiring.strengthSpread(base.get(w), rows, cols);
            double after = Rewiring.strengthSpread(st.get(w), rows, cols);
            assertThat(after).as(w).isLessThanOrEqualTo(before); // draw 0 is the base itself
            jBefore += before;
            jAfter += after;
            rowBefore += variance(rowSums(base.get(w), rows, cols));
            rowAfter += variance(rowSums(st.get(w), rows, cols));
        }
        assertThat(jAfter).isLessThan(jBefore * 0.9);
        assertThat(rowAfter).isLessThan(rowBefore);
    }

    @Test
    void badKIsBadInput() {
        for (String k : new String[] {"0", "1.5", "-3"}) {
            assertThatThrownBy(() -> InitRegistry.load().resolve("stabilize-strength:K=" + k))
                    .isInstanceOf(BadInputException.class).hasMessageContaining("K must be an integer");
        }
        assertThat(StabilizeStrength.DEFAULT_K).isEqualTo(100);
        assertThat(StabilizeStrength.DEFAULT_BASE).isEqualTo("kaiming-normal");
    }

    private static float[] sorted(float[] a) {
        float[] s = a.clone();
        Arrays.sort(s);
        return s;
    }

    private static double[] rowSums(float[] w, int rows, int cols) {
        double[] s = new double[rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                s[i] += w[i * cols + j];
            }
        }
        return s;
    }

    private static double variance(double[] x) {
        return Rewiring.variance(x);
    }
}
