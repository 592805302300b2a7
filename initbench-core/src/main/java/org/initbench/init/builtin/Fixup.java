package org.initbench.init.builtin;

import java.util.List;
import java.util.Map;
import org.initbench.init.Fans;
import org.initbench.init.InitContext;
import org.initbench.init.InitOption;
import org.initbench.init.InitStrategy;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.initbench.model.Role;

/**
 * The benchmark seed's "Fixup" baseline: the BN adaptation of Zhang, Dauphin, Ma 2019, "Fixup
 * Initialization: Residual Learning Without Normalization", ICLR 2019, arXiv:1901.09321, as the
 * seed describes it ("scales the last conv in each residual block by L^(−0.5) where L is the number
 * of blocks; zero-initializes the last BN per block"). The original, norm-free Fixup is a different
 * scheme.
 *
 * <ul>
 *   <li>Every conv (stem, branch, shortcut, expand, depthwise, head): N(0, 2/fan_out), He fan_out.
 *   <li>The last conv of each residual branch (ResNet conv2; MobileNetV2 projection of a block with
 *       a skip): that draw × L^(−1/2), L = {@link org.initbench.init.InitConfig#residualBlocks()}
 *       (27 on ResNet-56: ×0.19245).
 *   <li>The BN of that conv: γ = 0, β = 0, so every branch starts as exactly zero. Every other BN γ =
 *       1, β = 0; the shortcut projection's BN keeps γ = 1 (zeroing it would cut the only path
 *       through a downsampling block).
 *   <li>Conv biases (plaincnn): 0.
 *   <li>Classifier, unspecified by the seed: option {@code classifier}. {@code zero} (default):
 *       W = 0, b = 0, Fixup's rule 1 and its official code (on a weight-normed net g = 0 with a unit
 *       direction v, {@link InitContext#zeroWeight}, so the classifier can learn). With the branches
 *       off as well the logits start at 0 and the first SGD step moves only the classifier (W_fcᵀδ =
 *       0 upstream); that is not a dead start, because the features reaching the classifier are not zero (stem,
 *       identity skips, shortcut projections, MobileNetV2 blocks without a skip) so δ·hᵀ ≠ 0, and from the
 *       second step on gradients flow everywhere, as in Fixup itself. {@code kaiming}: N(0,
 *       2/fan_out), b = 0, as {@code kaiming-normal}, so the two baselines differ only in the Fixup
 *       rules. {@code default}: PyTorch's W, b ~ U(±1/√fan_in), what a torchvision ResNet leaves.
 * </ul>
 *
 * <p>Nets without residual blocks (VGG, plaincnn: L = 0) have nothing to scale or zero: the scheme
 * is then He fan_out on every conv, BN 1/0 and the classifier as chosen, with no error (any norm;
 * a weight-normalized layer gets these values as its effective weight). Residual nets without BN
 * ({@code --norm none}, {@code weightnorm}) are refused: there is no last BN to zero, and the
 * norm-free scheme is {@code fixup-original}.
 */
public final class Fixup extends Scheme {
    static final String DEFAULT_CLASSIFIER = "zero";

    public Fixup() {
        super("fixup",
                "seed's BN Fixup: He fan_out; branch-last conv × L^-1/2 and its BN γ=0; other BN 1/0",
                "Zhang, Dauphin, Ma 2019, Fixup Initialization, ICLR, arXiv:1901.09321"
                + " (benchmark seed's BN adaptation)",
                InitOption.choice("classifier", DEFAULT_CLASSIFIER,
                "classifier W, b: zero (Fixup), kaiming (He fan_out, b=0) or default (PyTorch U)",
                List.of("zero", "kaiming", "default")));
    }

    @Override
    public InitStrategy create(Map<String, String> options) {
        String classifier = options.get("classifier");
        return ctx -> {
            Residuals.requireBranchBn(ctx, id());
            double scale = Residuals.bnBranchEndScale(ctx);
            for (Layer layer : ctx.network().layers()) {
                if (ctx.initScalar(layer)) {
                    continue;
                }
                if (layer.kind() == LayerKind.BATCH_NORM) {
                    ctx.fill(layer, "weight", Residuals.endsBranch(layer) ? 0f : 1f);
                    ctx.fill(layer, "bias", 0f);
                } else if (layer.role() == Role.CLASSIFIER) {
                    classifier(ctx, layer, classifier);
                } else {
                    double he = Math.sqrt(2.0 / Fans.of(layer).fanOut());
                    ctx.normal(layer, "weight", Residuals.endsBranch(layer) ? he * scale : he);
                    if (ctx.has(layer, "bias")) {
                        ctx.fill(layer, "bias", 0f);
                    }
                }
            }
        };
    }

    private static void classifier(InitContext ctx, Layer layer, String mode) {
        Fans fans = Fans.of(layer);
        switch (mode) {
            case "zero" -> ctx.zeroWeight(layer);
            case "kaiming" -> ctx.normal(layer, "weight", Math.sqrt(2.0 / fans.fanOut()));
            default -> ctx.uniform(layer, "weight", 1 / Math.sqrt(fans.fanIn()));
        }
        if (ctx.has(layer, "bias")) {
            if (mode.equals("default")) {
                ctx.uniform(layer, "bias", 1 / Math.sqrt(fans.fanIn()));
            } else {
                ctx.fill(layer, "bias", 0f);
            }
        }
    }
}
