package org.initbench.init.builtin;

import java.util.Map;
import org.initbench.init.InitStrategy;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;

/**
 * Goyal et al. 2017, "Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour",
 * arXiv:1706.02677, §5.1 (torchvision's {@code zero_init_residual}): γ = 0 for the last BN of each
 * residual branch, so every residual block starts as the identity (SkipInit, De &amp; Smith 2020, is
 * the BN-free cousin with a zero scalar on the branch).
 *
 * <p>First the {@code base} scheme (default {@code kaiming-normal}, with its own defaults) sets
 * every parameter; then the γ of the BN that normalizes the last conv of each residual branch
 * (ResNet bn2; MobileNetV2 projection BN of a block with a skip) is set to 0. Its β, every conv,
 * bias, the classifier, every other BN and the shortcut projection's BN (γ stays as the base left
 * it, 1 for the built-ins) are the base's. On nets without residual branches (VGG, plaincnn) there
 * is nothing to zero and the result is the base alone. Residual nets without BN ({@code --norm
 * none}, {@code weightnorm}) are refused rather than silently left as the base.
 *
 * <p>{@code base} is a plain id: spec values cannot hold {@code ,} or {@code :}, so the base runs
 * with its defaults; {@code zero-gamma} itself is refused.
 */
public final class ZeroGamma extends Bases.Wrapper {
    static final String ID = "zero-gamma";
    /** torchvision's ResNet init, which its {@code zero_init_residual} goes with. */
    static final String DEFAULT_BASE = "kaiming-normal";

    public ZeroGamma() {
        super(ID,
                "base scheme, then γ=0 on the last BN of each residual branch (identity blocks)",
                "Goyal et al. 2017, Accurate, Large Minibatch SGD, arXiv:1706.02677",
                DEFAULT_BASE);
    }

    @Override
    InitStrategy wrap(InitStrategy base, Map<String, String> options) {
        return ctx -> {
            Residuals.requireBranchBn(ctx, ID);
            base.initialize(ctx);
            for (Layer layer : ctx.network().layers()) {
                if (layer.kind() == LayerKind.BATCH_NORM && Residuals.endsBranch(layer)) {
                    ctx.fill(layer, "weight", 0f);
                }
            }
        };
    }
}
