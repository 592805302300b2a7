package org.initbench.init.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** delta-orthogonal: off-centre taps exactly 0, centre tap (semi-)orthogonal × gain per group. */
class DeltaOrthogonalTest {

    @ParameterizedTest
    @CsvSource({"resnet20, delta-orthogonal, 1.4142135623730951", "mobilenetv2, delta-orthogonal:gain=1, 1",
        "plaincnn, delta-orthogonal:gain=0.5, 0.5"})
    void centreTapIsOrthogonalTimesGainAndTheRestIsZero(String arch, String spec, double gain) {
        Map<String, float[]> v = ResidualSchemesTest.init(arch, 0.5, spec, 21);
        Network net = Models.build(arch, 3, 10, 0.5);
        int depthwise = 0;
        for (Layer l : net.layers()) {
            if (l.kind() == LayerKind.BATCH_NORM) {
                assertThat(v.get(l.path() + ".weight")).containsOnly(1f);
                assertThat(v.get(l.path() + ".bias")).containsOnly(0f);
                continue;
            }
            if (l.hasBias()) {
                assertThat(v.get(l.path() + ".bias")).as(l.path()).containsOnly(0f);
            }
            float[] w = v.get(l.path() + ".weight");
            int k = l.kind() == LayerKind.CONV ? l.kernel() : 1;
            int groups = l.kind() == LayerKind.CONV ? l.groups() : 1;
            int outG = l.outChannels() / groups;
            int inG = l.inChannels() / groups;
            int centre = (k / 2) * k + k / 2;
            int offCentreNonZero = 0;
            for (int i = 0; i < w.length; i++) {
                offCentreNonZero += i % (k * k) != centre && w[i] != 0 ? 1 : 0;
            }
            assertThat(offCentreNonZero).as(l.path()).isZero();
            depthwise += inG == 1 && groups > 1 ? 1 : 0;
            for (int g = 0; g < groups; g++) {
                double[][] h = new double[outG][inG];
                for (int o = 0; o < outG; o++) {
                    for (int i = 0; i < inG; i++) {
                        h[o][i] = w[((g * outG + o) * inG + i) * k * k + centre];
                    }
                }
                checkOrthonormal(l.path(), h, gain);
            }
        }
        assertThat(depthwise > 0).isEqualTo(arch.equals("mobilenetv2"));
    }

    /** H·Hᵀ = gain²·I when rows ≤ cols, Hᵀ·H = gain²·I otherwise (float rounding only). */
    private static void checkOrthonormal(String what, double[][] h, double gain) {
        int rows = h.length;
        int cols = h[0].length;
        boolean byRows = rows <= cols;
        int n = byRows ? rows : cols;
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                double dot = 0;
                for (int i = 0; i < (byRows ? cols : rows); i++) {
                    dot += byRows ? h[a][i] * h[b][i] : h[i][a] * h[i][b];
                }
                assertThat(dot).as(what + " [" + a + "," + b + "]")
                        .isCloseTo(a == b ? gain * gain : 0, within(1e-5 * gain * gain));
            }
        }
    }
}
