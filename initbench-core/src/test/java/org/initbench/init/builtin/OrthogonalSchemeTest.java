package org.initbench.init.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.initbench.model.Layer;
import org.junit.jupiter.api.Test;

/**
 * {@code orthogonal} on real layers of the full-width ResNet-56 (100 classes), flattened to [C_out,
 * fan_in]: W·Wᵀ = gain²·I when C_out ≤ fan_in (stem 16×27, stage-3 conv 64×576), WᵀW = gain²·I
 * otherwise (classifier 100×64, shortcut 1×1 conv 32×16).
 */
class OrthogonalSchemeTest {
    private static final double TOL = 1e-5;

    @Test
    void rowsOrColumnsAreOrthonormal() {
        Initialized init = Initialized.of("resnet56", 100, 1.0, "orthogonal", 4);
        assertGram(init, "conv1", 16, 27, true, 1);
        assertGram(init, "layer3.5.conv2", 64, 576, true, 1);
        assertGram(init, "fc", 100, 64, false, 1);
        assertGram(init, "layer2.0.shortcut.0", 32, 16, false, 1);
    }

    @Test
    void gainScalesTheGram() {
        Initialized init = Initialized.of("resnet56", 100, 1.0, "orthogonal:gain=2", 4);
        assertGram(init, "conv1", 16, 27, true, 4);
        assertGram(init, "fc", 100, 64, false, 4);
    }

    @Test
    void depthwiseConvsAreFlattenedPerOutputChannel() {
        Initialized init = Initialized.of("mobilenetv2", 10, 0.25, "orthogonal", 4);
        Layer dw = init.layer("blocks.1.dw.conv");
        int rows = dw.outChannels();
        assertGram(init, dw.path(), rows, 9, false, 1);
    }

    /** Asserts W·Wᵀ (rows) or WᵀW (columns) = expected·I for the weight viewed as rows × cols. */
    private static void assertGram(Initialized init, String path, int rows, int cols, boolean byRows,
            double expected) {
        float[] w = init.get(init.layer(path), "weight");
        assertThat(w).as(path).hasSize(rows * cols);
        int k = byRows ? rows : cols;
        int inner = byRows ? cols : rows;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double dot = 0;
                for (int t = 0; t < inner; t++) {
                    dot += byRows ? (double) w[i * cols + t] * w[j * cols + t]
                            : (double) w[t * cols + i] * w[t * cols + j];
                }
                assertThat(dot).as(path + " [" + i + "," + j + "]")
                        .isCloseTo(i == j ? expected : 0, within(TOL * Math.max(1, expected)));
            }
        }
    }
}
