package org.initbench.init.builtin;

import java.util.Map;
import org.initbench.BadInputException;
import org.initbench.init.InitOption;
import org.initbench.init.InitStrategy;

/**
 * De &amp; Smith 2020, "Batch Normalization Biases Residual Blocks Towards the Identity Function in Deep
 * Networks", NeurIPS 2020, arXiv:2002.10444: SkipInit. Batch norm is removed, and a learned scalar α
 * at the end of every residual branch, {@code x + α·F(x)}, starts at 0 (or at a small constant, α &lt;
 * 1/√d for d residual blocks), so every block starts as the identity, as batch norm's downscaling of the
 * branches makes it on average.
 *
 * <ul>
 *   <li>α ({@code --branch-scalar}): {@code alpha}, default 0 (the paper's; 1/√d on resnet56 is 0.19245).
 *   <li>Every conv and linear weight, classifier and shortcut projections included: He normal, N(0,
 *       2/fan_in) (He et al. 2015's forward rule, PyTorch's {@code kaiming_normal_} at its defaults): the
 *       paper changes only α and the norm of the He-initialized ResNets it starts from, so this is our
 *       reading, stated as a choice (no official code was found); biases 0.
 *   <li>The norm-free net is {@code --norm none}: Fixup's architecture here, whose scalar biases start
 *       at 0 and multipliers at 1 (neutral), so only α and the He weights set the function.
 * </ul>
 *
 * <p>Needs a residual net built with {@code --branch-scalar} and {@code --norm none}; anything else is
 * refused with one line naming that. No official code was found; timm's and DeepMind's NF-ResNets carry
 * the same zero-initialized scalar as {@code skipinit_gain}.
 */
public final class SkipInit extends Scheme {
    static final String ID = "skipinit";
    /** The paper's α: every residual block the identity at init. */
    static final String DEFAULT_ALPHA = "0";

    public SkipInit() {
        super(ID,
                "SkipInit: α = 0 on every residual branch (x + α·F(x)), He normal N(0, 2/fan_in) weights,"
                + " biases 0 (needs --branch-scalar --norm none)",
                "De, Smith 2020, Batch Normalization Biases Residual Blocks Towards the Identity Function in Deep"
                + " Networks, NeurIPS 2020, arXiv:2002.10444",
                InitOption.number("alpha", DEFAULT_ALPHA, "initial value of every branch scalar α (paper: 0,"
                        + " or below 1/sqrt(residual blocks))"));
    }

    @Override
    public InitStrategy create(Map<String, String> options) {
        double alpha = number(options, "alpha");
        if (alpha < 0) {
            throw new BadInputException("init '" + ID + "': alpha must be >= 0 (the paper's 0, or a small"
                    + " constant below 1/sqrt(residual blocks)), got " + options.get("alpha"));
        }
        return ctx -> {
            Residuals.requireBranchScalars(ctx, ID, true);
            Residuals.heWithBranchScalars(ctx, alpha);
        };
    }
}
