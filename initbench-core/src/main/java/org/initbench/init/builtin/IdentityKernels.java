package org.initbench.init.builtin;

import java.util.function.IntToDoubleFunction;
import org.initbench.BadInputException;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;

/**
 * The deterministic identity-like weights of {@code zer-o} and {@code idinit}: the matrices of ZerO's Algorithm 1
 * (identity, partial identity, truncated Sylvester–Hadamard) and of IDInit's padded identity, and their placement
 * in a conv kernel, one matrix per group.
 */
final class IdentityKernels {
    private IdentityKernels() {}

    /** A [rows, cols] matrix, row-major (a conv group's [C_out/g, C_in/g], a linear layer's [out, in]). */
    @FunctionalInterface
    interface Matrix {
        float[] of(int rows, int cols);
    }

    /** k for a conv, 1 for a linear layer. */
    static int kernel(Layer layer) {
        return layer.kind() == LayerKind.CONV ? layer.kernel() : 1;
    }

    /** groups for a conv, 1 for a linear layer. */
    static int groups(Layer layer) {
        return layer.kind() == LayerKind.CONV ? layer.groups() : 1;
    }

    /**
     * The kernel [C_out, C_in/g, k, k] (linear: [out, in]) that is {@code matrix} at the centre tap
     * (⌊k/2⌋, ⌊k/2⌋) of every group and 0 at every other tap.
     */
    static float[] centreTap(String id, Layer layer, Matrix matrix) {
        int k = kernel(layer);
        requireOddKernel(id, layer);
        int groups = groups(layer);
        int outG = layer.outChannels() / groups;
        int inG = layer.inChannels() / groups;
        int taps = k * k;
        int centre = (k / 2) * k + k / 2;
        float[] m = matrix.of(outG, inG);
        float[] w = new float[layer.outChannels() * inG * taps];
        for (int g = 0; g < groups; g++) {
            for (int o = 0; o < outG; o++) {
                for (int i = 0; i < inG; i++) {
                    w[((g * outG + o) * inG + i) * taps + centre] = m[o * inG + i];
                }
            }
        }
        return w;
    }

    /** Refuses an even conv kernel, which has no centre tap. */
    static void requireOddKernel(String id, Layer layer) {
        if (kernel(layer) % 2 == 0) {
            throw new BadInputException(id + " places its identity at the kernel centre and needs odd kernels; "
                    + layer.path() + " is " + layer.kernel() + "×" + layer.kernel());
        }
    }

    /**
     * ZerO's Algorithm 1 for a [P, Q] matrix (P = rows = out, Q = cols = in): P = Q the identity; P &lt; Q the partial
     * identity [I 0] (output d = input d); P &gt; Q the first P rows and Q columns of c·H, H the 2^m × 2^m
     * Sylvester–Hadamard matrix (entries ±1), m = ⌈log₂ P⌉, c = {@code scale.applyAsDouble(m)}.
     */
    static float[] zerO(int rows, int cols, IntToDoubleFunction scale) {
        float[] w = new float[rows * cols];
        if (rows <= cols) {
            for (int d = 0; d < rows; d++) {
                w[d * cols + d] = 1f;
            }
            return w;
        }
        float c = (float) scale.applyAsDouble(ceilLog2(rows));
        for (int r = 0; r < rows; r++) {
            for (int q = 0; q < cols; q++) {
                w[r * cols + q] = sylvester(r, q) * c;
            }
        }
        return w;
    }

    /** Entry (i, j) of the Sylvester–Hadamard matrix of any order 2^m &gt; max(i, j): (−1)^popcount(i AND j). */
    static float sylvester(int i, int j) {
        return Integer.bitCount(i & j) % 2 == 0 ? 1f : -1f;
    }

    /** ⌈log₂ n⌉ for n ≥ 1. */
    static int ceilLog2(int n) {
        return 32 - Integer.numberOfLeadingZeros(n - 1);
    }

    /**
     * IDInit's padded identity-like matrix: {@code value} where i ≡ j (mod min(rows, cols)), else 0. A square matrix
     * is value·I; a tall one stacks copies of the identity ([I; I; …], output r = input r mod cols); a wide one
     * places them side by side ([I I …], output r sums inputs r, r + rows, …). Every row and every column holds at
     * least one {@code value}, so the rank is min(rows, cols) and no output or input is cut off.
     */
    static float[] padded(int rows, int cols, float value) {
        int n = Math.min(rows, cols);
        float[] w = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int q = r % n; q < cols; q += n) {
                w[r * cols + q] = value;
            }
        }
        return w;
    }
}
