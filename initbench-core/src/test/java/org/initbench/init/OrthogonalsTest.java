package org.initbench.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OrthogonalsTest {

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"16, 144", "64, 64", "32, 16", "100, 64", "1, 9", "7, 1"})
    void rowsOrColumnsAreOrthonormal(int rows, int cols) {
        float[] w = Orthogonals.matrix(new SplittableRandom(rows * 31L + cols), rows, cols, 1.0);
        boolean byRows = rows <= cols;
        int n = byRows ? rows : cols;
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                assertThat(dot(w, rows, cols, byRows, a, b)).as("(%d,%d)", a, b).isCloseTo(a == b ? 1 : 0, within(1e-5));
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"4, 6", "6, 4"})
    void qIsTheUniqueQrFactorWithPositiveDiagonal(int rows, int cols) {
        // R = QᵀA is upper triangular with a positive diagonal: the QR torch gets after its sign fix.
        SplittableRandom rng = new SplittableRandom(5);
        double[][] a = new double[Math.max(rows, cols)][Math.min(rows, cols)];
        for (double[] row : a) {
            for (int j = 0; j < row.length; j++) {
                row[j] = rng.nextGaussian();
            }
        }
        double[][] q = Orthogonals.qWithPositiveR(a);
        int m = a.length;
        int n = a[0].length;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double rji = 0; // R = Qᵀ A must be upper triangular with a positive diagonal
                for (int k = 0; k < m; k++) {
                    rji += q[k][i] * a[k][j];
                }
                if (i == j) {
                    assertThat(rji).isPositive();
                } else {
                    assertThat(rji).isCloseTo(0, within(1e-9));
                }
            }
        }
    }

    /** Row a · row b of the row-major rows × cols {@code w}, or column a · column b when {@code byRows} is false. */
    static double dot(float[] w, int rows, int cols, boolean byRows, int a, int b) {
        double dot = 0;
        for (int k = 0; k < (byRows ? cols : rows); k++) {
            dot += byRows ? (double) w[a * cols + k] * w[b * cols + k] : (double) w[k * cols + a] * w[k * cols + b];
        }
        return dot;
    }
}
