package org.initbench.init.builtin;

import java.util.List;
import java.util.Map;
import org.initbench.BadInputException;
import org.initbench.init.InitContext;
import org.initbench.init.InitOption;
import org.initbench.init.InitStrategy;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.initbench.model.Norm;

/**
 * Pan, Wang, Wu, Wang, Zhang, Xu, "IDInit: A Universal and Stable Initialization Method for Neural Network
 * Training", ICLR 2025, arXiv:2503.04626: identity-preserving IDI_τ on the main and sub-stem layers, zero-preserving
 * IDIZ_ε on the last layer of each residual branch, a "patch-maintain" conv. No public code was found (searched
 * again for this scheme), so every formula here comes from the paper; of the paper only the abstract, the caption
 * of its Figure 3 (IDI_τ and IDIZ_ε, "τ and ε are usually set to 1 and 1e-6") and summaries of its method were
 * readable where this was written, so the index formulas below are initbench's reading of them (docs/init-strategies.md
 * says which part is which).
 *
 * <ul>
 *   <li>IDI_τ, the padded identity-like matrix, for P outputs and Q inputs: W[r, q] = τ where r ≡ q (mod min(P,
 *       Q)), else 0. Square: τ·I. Widening (P &gt; Q): stacked identities, output r copies input r mod Q, so no
 *       output starts at zero (the rank constraint a partial identity [I; 0] leaves). Narrowing (P &lt; Q): identities
 *       side by side, output r sums inputs r, r + P, …, so no input is dropped.
 *   <li>Convs, {@code conv=patch} (default): per group, each pair (output r, input q) that IDI_τ joins gets τ at
 *       one tap: copy j of the identity (j = ⌊r/Q⌋ when widening, ⌊q/P⌋ when narrowing, 0 when square) at the j-th
 *       tap of the order "centre, then the other taps row by row", cycling after k² copies. Copy 0 is the Dirac
 *       identity; the repeated copies read the input shifted by one pixel in each direction instead of duplicating
 *       it, so a widening conv keeps the input's k×k patch (initbench's reading of "patch-maintain"). 1×1 and
 *       square convs are thus plain IDI_τ at the centre; a depthwise conv is the identity. {@code conv=centre}: every
 *       copy at the centre tap.
 *   <li>IDIZ_ε on the last layer of each residual branch (ResNet conv2, MobileNetV2 projection of a block with a
 *       skip): ε·IDI (the same pattern at ε), so the block starts as its shortcut plus ε times a pass-through, not
 *       exactly 0 (the paper's cure for dead neurons). Norm-free nets: that conv; weight norm: the same effective
 *       weight (v = the pattern, g = its row norms × ε); BN nets: the BN after that conv gets γ = ε and the conv IDI_τ
 *       (BN would undo a small conv scale).
 *   <li>Stem, shortcut projections, expand, head, VGG/plaincnn convs and the classifier: IDI_τ (the classifier
 *       narrows: logit r sums features r, r + classes, …); biases 0; every other BN 1 / 0; Fixup's scalars neutral.
 * </ul>
 *
 * <p>Defaults τ = 1, ε = 1e-6 (the paper's). Not implemented: the paper's "small loosening" of the identity, whose
 * formula was not available. Deterministic: the seed does not matter.
 */
public final class IdInit extends Scheme {
    static final String ID = "idinit";
    static final String DEFAULT_TAU = "1";
    static final String DEFAULT_EPSILON = "1e-6";
    static final String DEFAULT_CONV = "patch";

    public IdInit() {
        super(ID,
                "padded identity IDI_τ (patch-maintain convs) everywhere; residual branch ends ε·IDI (BN: γ=ε)",
                "Pan et al. 2025, IDInit: A Universal and Stable Initialization Method, ICLR, arXiv:2503.04626",
                InitOption.number("tau", DEFAULT_TAU, "τ, the value of the identity entries (> 0)"),
                InitOption.number("epsilon", DEFAULT_EPSILON, "ε of the residual branch ends (≥ 0; 0 = exact zero)"),
                InitOption.choice("conv", DEFAULT_CONV,
                        "where repeated identity copies sit in a k×k kernel: patch (shifted taps) or centre",
                        List.of("patch", "centre")));
    }

    @Override
    public boolean randomized() {
        return false;
    }

    @Override
    public InitStrategy create(Map<String, String> options) {
        double tau = number(options, "tau");
        double epsilon = number(options, "epsilon");
        if (tau <= 0 || epsilon < 0) {
            throw new BadInputException("init 'idinit': tau must be > 0 and epsilon >= 0 (got tau=" + tau
                    + ", epsilon=" + epsilon + ")");
        }
        boolean patch = options.get("conv").equals("patch");
        return ctx -> {
            boolean bn = ctx.network().norm() == Norm.BN;
            for (Layer layer : ctx.network().layers()) {
                if (ctx.initScalar(layer)) {
                    continue;
                }
                if (layer.kind() == LayerKind.BATCH_NORM) {
                    ctx.fill(layer, "weight", Residuals.endsBranch(layer) ? (float) epsilon : 1f);
                    ctx.fill(layer, "bias", 0f);
                    continue;
                }
                if (bn || !Residuals.endsBranch(layer)) {
                    ctx.set(layer, "weight", kernel(layer, (float) tau, patch));
                } else {
                    branchEnd(ctx, layer, epsilon, patch);
                }
                EveryWeight.zeroBias(ctx, layer);
            }
        };
    }

    /** IDIZ_ε: ε·IDI; under weight norm v = IDI at 1 and g = ε·‖row‖, the same effective weight even at ε = 0. */
    private static void branchEnd(InitContext ctx, Layer layer, double epsilon, boolean patch) {
        if (!layer.weightNormalized()) {
            ctx.set(layer, "weight", kernel(layer, (float) epsilon, patch));
            return;
        }
        float[] v = kernel(layer, 1f, patch);
        int cols = v.length / layer.outChannels();
        float[] g = new float[layer.outChannels()];
        for (int r = 0; r < g.length; r++) {
            double sum = 0;
            for (int q = 0; q < cols; q++) {
                sum += (double) v[r * cols + q] * v[r * cols + q];
            }
            g[r] = (float) (epsilon * Math.sqrt(sum));
        }
        ctx.set(layer, "weight_v", v);
        ctx.set(layer, "weight_g", g);
    }

    /** The IDI kernel at {@code value}: [C_out, C_in/g, k, k] (linear: [out, in]). */
    static float[] kernel(Layer layer, float value, boolean patch) {
        int k = IdentityKernels.kernel(layer);
        if (!patch || k == 1) {
            return IdentityKernels.centreTap(ID, layer, (rows, cols) -> IdentityKernels.padded(rows, cols, value));
        }
        IdentityKernels.requireOddKernel(ID, layer);
        int groups = IdentityKernels.groups(layer);
        int outG = layer.outChannels() / groups;
        int inG = layer.inChannels() / groups;
        int n = Math.min(outG, inG);
        int taps = k * k;
        int centre = (k / 2) * k + k / 2;
        float[] w = new float[layer.outChannels() * inG * taps];
        for (int g = 0; g < groups; g++) {
            for (int r = 0; r < outG; r++) {
                for (int q = r % n; q < inG; q += n) {
                    int copy = outG >= inG ? r / inG : q / outG;
                    w[((g * outG + r) * inG + q) * taps + tap(copy % taps, centre)] = value;
                }
            }
        }
        return w;
    }

    /** The j-th tap of the order "centre, then the others row by row" (flat index into k×k). */
    static int tap(int j, int centre) {
        return j == 0 ? centre : j <= centre ? j - 1 : j;
    }
}
