package org.initbench.init.builtin;

import java.util.Map;
import org.initbench.BadInputException;
import org.initbench.init.InitContext;
import org.initbench.init.InitStrategy;
import org.initbench.init.Orthogonals;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.initbench.model.Role;

/**
 * Gadhikar and Burkholz 2023, "Dynamical Isometry for Residual Networks", ICLR 2023, arXiv:2210.02411
 * (Risotto): a looks-linear, orthogonal init under which a ReLU ResNet is exactly an isometry at init, with
 * skip and residual branch of the same order instead of a branch scaled towards zero.
 *
 * <p>Looks-linear pairs: every activation of C channels is read as two halves, channel c and channel c + C/2,
 * holding φ(h) and φ(−h) of one hidden vector h of C/2 numbers (φ = ReLU), so that h = top − bottom is never
 * lost. A conv "mirror(A)" has, at its centre tap, the channel matrix [[A, −A], [−A, A]] (every other tap 0,
 * as delta-orthogonal): it maps the pair of h to the pre-activation pair [Ah; −Ah], whose ReLU is the pair of
 * Ah. Every Haar matrix below is {@link Orthogonals#matrix} at gain 1, drawn from the stream of the layer it
 * belongs to (U_c from the shortcut's, U_1 from conv1's, U_0 and U from conv2's).
 *
 * <ul>
 *   <li>Stem (images in, C_in channels): centre tap [A; −A], A (C_out/2 × C_in) Haar.
 *   <li>Block with an identity skip: conv1 = mirror(I) (it passes the input pair on, x ≥ 0 after ReLU); conv2
 *       = mirror(U) − I, U (n × n) Haar. Then x + conv2(ReLU(conv1 x)) = mirror(U)·x = [Uh; −Uh]: the skip
 *       and the branch are both O(1), the branch cancels the skip's non-linear part exactly.
 *   <li>Block with a 1×1 projection shortcut (option B, stride 2): shortcut = mirror(U_c), conv1 = mirror(U_1),
 *       conv2 = mirror((U_0 − U_c)·U_1ᵀ), U_c, U_1, U_0 Haar (C_out/2 × C_in/2, orthonormal columns). The
 *       sum is [U_0 h; −U_0 h] since U_1ᵀU_1 = I, and the centre taps of the 3×3 stride-2 conv and the 1×1
 *       stride-2 shortcut read the same pixels.
 *   <li>Classifier: [A, −A], A (classes × C_in/2) Haar, so the logits are A·mean(h).
 *   <li>Biases 0; BN γ = 1, β = 0; Fixup's scalars neutral; weight-normalized layers get these values as
 *       their effective weight.
 * </ul>
 *
 * <p>Norm-free ResNets ({@code --norm none}, {@code weightnorm}): every block maps h to U·h, so the whole
 * net up to the global pool is, per output pixel, an orthogonal map of one input pixel (exact, float
 * rounding only; the stem is an isometry when C_out/2 ≥ C_in). With BN: BN maps a pair [h; −h] to the pair
 * of the normalized h, so stem, conv1 and projection blocks stay looks-linear, but the BN after conv2 of an
 * identity-skip block rescales the branch per channel, so the cancellation and the isometry hold only
 * approximately there. Nets without residual blocks (VGG, plaincnn): stem as above, every other conv
 * mirror(A) with A Haar, the classifier as above: looks-linear delta-orthogonal, exact up to the max-pools.
 * MobileNetV2 (ReLU6, depthwise convs, linear bottlenecks) and odd channel counts are refused.
 *
 * <p>No options: the architecture's skip and branch weights are both 1 and looks-linear pairs need no ReLU
 * gain. Neither the paper's method section nor code by its authors could be read where this was written
 * (only its abstract); the construction is initbench's, derived from the principle the abstract states
 * (docs/init-strategies.md, "Checked against the authors' code").
 */
public final class Risotto extends Scheme {
    static final String ID = "risotto";

    public Risotto() {
        super(ID,
                "looks-linear orthogonal ResNet: stem [A;−A], conv1 mirror(I), conv2 mirror(U)−I, projection "
                + "blocks mirror(U_c), mirror(U_1), mirror((U_0−U_c)U_1ᵀ); BN 1/0",
                "Gadhikar, Burkholz 2023, Dynamical Isometry for Residual Networks, ICLR, arXiv:2210.02411");
    }

    @Override
    public InitStrategy create(Map<String, String> options) {
        return ctx -> {
            for (Layer layer : ctx.network().layers()) {
                check(ctx, layer);
            }
            EveryWeight.forEach(ctx, (c, layer) -> {
                c.set(layer, "weight", weight(c, layer));
                EveryWeight.zeroBias(c, layer);
            });
        };
    }

    private static void check(InitContext ctx, Layer layer) {
        if (layer.groups() > 1 || layer.role() == Role.EXPAND || layer.role() == Role.PROJECT) {
            throw new BadInputException(ID + " covers ReLU ResNets and plain ReLU nets (VGG, plaincnn); "
                    + ctx.network().arch() + " (ReLU6, depthwise convs, linear bottlenecks) is outside the paper");
        }
        boolean pairsIn = layer.kind().weighted() && layer.role() != Role.STEM;
        boolean pairsOut = layer.kind() == LayerKind.CONV;
        if (pairsIn && layer.inChannels() % 2 != 0 || pairsOut && layer.outChannels() % 2 != 0) {
            throw new BadInputException(ID + " pairs channel c with c + C/2 and needs even channel counts; "
                    + layer.path() + " has " + layer.inChannels() + " -> " + layer.outChannels());
        }
    }

    /** The weight of a conv or linear layer, row-major [C_out, C_in, k, k] (linear: k = 1). */
    private static float[] weight(InitContext ctx, Layer layer) {
        int in = layer.inChannels();
        int out = layer.outChannels();
        double[][] centre = switch (layer.role()) {
            case STEM -> stacked(haar(ctx, layer, out / 2, in));
            case CLASSIFIER -> sideBySide(haar(ctx, layer, out, in / 2));
            case SHORTCUT -> mirror(haar(ctx, layer, out / 2, in / 2));
            case BRANCH_FIRST -> mirror(projection(ctx, layer) == null ? identity(in / 2)
                    : haar(ctx, layer, out / 2, in / 2));
            case BRANCH_LAST -> branchLast(ctx, layer);
            default -> mirror(haar(ctx, layer, out / 2, in / 2));
        };
        int k = layer.kind() == LayerKind.CONV ? layer.kernel() : 1;
        int taps = k * k;
        float[] w = new float[out * in * taps];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                w[(o * in + i) * taps + (k / 2) * k + k / 2] = (float) centre[o][i];
            }
        }
        return w;
    }

    /** conv2: mirror(U) − I behind an identity skip, mirror((U_0 − U_c)·U_1ᵀ) behind a projection. */
    private static double[][] branchLast(InitContext ctx, Layer conv2) {
        int n = conv2.outChannels() / 2;
        Layer shortcut = projection(ctx, conv2);
        if (shortcut == null) {
            double[][] m = mirror(haar(ctx, conv2, n, n));
            for (int i = 0; i < 2 * n; i++) {
                m[i][i] -= 1;
            }
            return m;
        }
        Layer conv1 = ctx.network().layers().stream()
                .filter(l -> l.role() == Role.BRANCH_FIRST && l.kind() == LayerKind.CONV
                        && l.stage() == conv2.stage() && l.block() == conv2.block())
                .findFirst().orElseThrow();
        int m = conv1.inChannels() / 2;
        double[][] u0 = haar(ctx, conv2, n, m);
        double[][] uc = haar(ctx, shortcut, n, m);
        double[][] u1 = haar(ctx, conv1, n, m);
        double[][] m2 = new double[n][n];
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                for (int j = 0; j < m; j++) {
                    m2[a][b] += (u0[a][j] - uc[a][j]) * u1[b][j];
                }
            }
        }
        return mirror(m2);
    }

    /** The 1×1 projection conv on the shortcut of {@code layer}'s block, or null for an identity skip. */
    private static Layer projection(InitContext ctx, Layer layer) {
        return ctx.network().layers().stream()
                .filter(l -> l.role() == Role.SHORTCUT && l.kind() == LayerKind.CONV
                        && l.stage() == layer.stage() && l.block() == layer.block())
                .findFirst().orElse(null);
    }

    /** A rows × cols Haar (semi-)orthogonal matrix from the stream of {@code layer.weight}. */
    private static double[][] haar(InitContext ctx, Layer layer, int rows, int cols) {
        float[] q = Orthogonals.matrix(ctx.rng(layer, "weight"), rows, cols, 1.0);
        double[][] out = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[i][j] = q[i * cols + j];
            }
        }
        return out;
    }

    private static double[][] identity(int n) {
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            out[i][i] = 1;
        }
        return out;
    }

    /** [[A, −A], [−A, A]]. */
    static double[][] mirror(double[][] a) {
        return stacked(sideBySide(a));
    }

    /** [A; −A]. */
    private static double[][] stacked(double[][] a) {
        double[][] out = new double[2 * a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
            out[a.length + i] = a[i].clone();
            for (int j = 0; j < a[i].length; j++) {
                out[a.length + i][j] = -a[i][j];
            }
        }
        return out;
    }

    /** [A, −A]. */
    private static double[][] sideBySide(double[][] a) {
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            int cols = a[i].length;
            out[i] = new double[2 * cols];
            for (int j = 0; j < cols; j++) {
                out[i][j] = a[i][j];
                out[i][cols + j] = -a[i][j];
            }
        }
        return out;
    }
}
