package org.initbench.init.builtin;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The algorithms of Scabini, De Baets, Bruno 2022 (arXiv:2207.08148) on a weight viewed as an n × m
 * row-major matrix (rows = output neurons, m = fan_in), after the reference {@code
 * weight_rewiring.py} (scabini/PArewiring_weights): {@code rewiring_np}, {@code PA_rewiring_np} and
 * the objective of {@code stabilize_strength}.
 */
final class Rewiring {
    private Rewiring() {}

    /**
     * {@code PA_rewiring_np}: one pass on the rows (permutes within each row, balancing the input
     * neurons' strengths), then one on the columns (permutes within each column, balancing the output
     * neurons'). The multiset of values is kept.
     */
    static void paRewire(float[] w, int rows, int cols, RandomGenerator rng) {
        pass(w, rows, cols, rng);
        float[] t = transpose(w, rows, cols);
        pass(t, cols, rows, rng);
        System.arraycopy(transpose(t, cols, rows), 0, w, 0, w.length);
    }

    /**
     * {@code rewiring_np}: for r = 1..n−1 in order, s += row r−1 (as already rewired; float64), p_j ∝
     * s_j + |min s| + 1, an order t of all columns by weighted sampling without replacement ∝ p, and
     * the k-th smallest value of row r moves to column t_k. Row 0 is never moved. The sampling uses
     * Efraimidis–Spirakis keys E_j/p_j, E_j ~ Exp(1), ascending: the same law as numpy's {@code
     * choice(m, m, replace=False, p=p)}, in O(m log m) per row.
     */
    static void pass(float[] a, int rows, int cols, RandomGenerator rng) {
        double[] s = new double[cols];
        double[] key = new double[cols];
        int[] targets = new int[cols];
        int[] buffer = new int[cols];
        float[] row = new float[cols];
        for (int r = 1; r < rows; r++) {
            double min = Double.POSITIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                s[j] += a[(r - 1) * cols + j];
                min = Math.min(min, s[j]);
            }
            double shift = Math.abs(min) + 1;
            for (int j = 0; j < cols; j++) {
                key[j] = -Math.log(1 - rng.nextDouble()) / (s[j] + shift);
            }
            argsort(key, targets, buffer);
            System.arraycopy(a, r * cols, row, 0, cols);
            Arrays.sort(row); // row[k] = the k-th smallest value (the reference's argsort order)
            for (int k = 0; k < cols; k++) {
                a[r * cols + targets[k]] = row[k];
            }
        }
    }

    /** stabilize_strength's objective: the mean of the unbiased variances of column and row sums. */
    static double strengthSpread(float[] w, int rows, int cols) {
        double[] colSums = new double[cols];
        double[] rowSums = new double[rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                colSums[j] += w[i * cols + j];
                rowSums[i] += w[i * cols + j];
            }
        }
        return (variance(colSums) + variance(rowSums)) / 2;
    }

    /** Unbiased sample variance (0 for fewer than two values). */
    static double variance(double[] x) {
        if (x.length < 2) {
            return 0;
        }
        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= x.length;
        double ss = 0;
        for (double v : x) {
            ss += (v - mean) * (v - mean);
        }
        return ss / (x.length - 1);
    }

    static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = a[i * cols + j];
            }
        }
        return t;
    }

    /** Fills {@code idx} with 0..n−1 sorted by ascending {@code key} (stable bottom-up merge sort). */
    static void argsort(double[] key, int[] idx, int[] buffer) {
        int n = idx.length;
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        int[] src = idx;
        int[] dst = buffer;
        for (int width = 1; width < n; width *= 2) {
            for (int lo = 0; lo < n; lo += 2 * width) {
                int mid = Math.min(lo + width, n);
                int hi = Math.min(lo + 2 * width, n);
                int i = lo;
                int j = mid;
                for (int k = lo; k < hi; k++) {
                    dst[k] = i < mid && (j >= hi || key[src[i]] <= key[src[j]]) ? src[i++] : src[j++];
                }
            }
            int[] swap = src;
            src = dst;
            dst = swap;
        }
        if (src != idx) {
            System.arraycopy(src, 0, idx, 0, n);
        }
    }
}
