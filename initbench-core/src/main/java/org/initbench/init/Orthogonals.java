package org.initbench.init;

import java.util.random.RandomGenerator;

/**
 * Haar-distributed (semi-)orthogonal matrices exactly as {@code torch.nn.init.orthogonal_}: draw A
 * (rows × cols) i.i.d. N(0, 1); if rows &lt; cols take the QR of Aᵀ; multiply column j of Q by
 * sign(R_jj) (Mezzadri 2006); transpose back; scale by {@code gain}. Rows are orthonormal when rows
 * ≤ cols, columns otherwise. For a conv weight, rows = C_out and cols = (C_in/groups)·kH·kW, the
 * row-major flattening PyTorch uses. The QR is a Householder decomposition in double precision;
 * with the sign fix it is the unique QR with a positive diagonal, so it equals LAPACK's for the
 * same A.
 */
public final class Orthogonals {
    private Orthogonals() {}

    /** A rows × cols matrix, row-major, drawn from {@code rng}. */
    public static float[] matrix(RandomGenerator rng, int rows, int cols, double gain) {
        double[][] a = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                a[i][j] = rng.nextGaussian();
            }
        }
        boolean transpose = rows < cols;
        double[][] q = qWithPositiveR(transpose ? transpose(a) : a);
        if (transpose) {
            q = transpose(q);
        }
        float[] out = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[i * cols + j] = (float) (gain * q[i][j]);
            }
        }
        return out;
    }

    /** The Q (m × n, m ≥ n) of the QR decomposition of {@code a} whose R has a positive diagonal. */
    static double[][] qWithPositiveR(double[][] a) {
        int m = a.length;
        int n = a[0].length;
        double[][] r = new double[m][];
        for (int i = 0; i < m; i++) {
            r[i] = a[i].clone();
        }
        double[][] v = new double[n][];
        double[] diag = new double[n];
        for (int k = 0; k < n; k++) {
            double norm = 0;
            for (int i = k; i < m; i++) {
                norm += r[i][k] * r[i][k];
            }
            norm = Math.sqrt(norm);
            double alpha = r[k][k] > 0 ? -norm : norm;
            double[] vk = new double[m - k];
            for (int i = k; i < m; i++) {
                vk[i - k] = r[i][k];
            }
            vk[0] -= alpha;
            double vnorm = 0;
            for (double x : vk) {
                vnorm += x * x;
            }
            vnorm = Math.sqrt(vnorm);
            if (vnorm > 0) {
                for (int i = 0; i < vk.length; i++) {
                    vk[i] /= vnorm;
                }
            }
            v[k] = vk;
            reflect(r, vk, k, k, n);
            diag[k] = alpha;
        }
        double[][] q = new double[m][n];
        for (int i = 0; i < n; i++) {
            q[i][i] = 1;
        }
        for (int k = n - 1; k >= 0; k--) {
            reflect(q, v[k], k, 0, n);
        }
        for (int j = 0; j < n; j++) {
            if (diag[j] < 0) {
                for (int i = 0; i < m; i++) {
                    q[i][j] = -q[i][j];
                }
            }
        }
        return q;
    }

    /**
     * Applies I − 2vvᵀ to rows from..from+|v| of columns c0..c1−1 of {@code x}, row by row (the
     * dot products of all columns accumulate in one pass over the rows, for cache locality).
     */
    private static void reflect(double[][] x, double[] vk, int from, int c0, int c1) {
        double[] dot = new double[c1];
        for (int i = 0; i < vk.length; i++) {
            double vi = vk[i];
            double[] row = x[from + i];
            for (int j = c0; j < c1; j++) {
                dot[j] += vi * row[j];
            }
        }
        for (int i = 0; i < vk.length; i++) {
            double vi2 = 2 * vk[i];
            double[] row = x[from + i];
            for (int j = c0; j < c1; j++) {
                row[j] -= vi2 * dot[j];
            }
        }
    }

    private static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }
}
