package org.initbench.init.builtin;

import java.util.Map;
import org.initbench.init.InitStrategy;

/**
 * Bachlechner, Majumder, Mao, Cottrell, McAuley 2020, "ReZero is All You Need: Fast Convergence at Large
 * Depth", arXiv:2003.04887: every residual connection gated by one learned scalar, {@code x + α·F(x)},
 * with α = 0, so every block starts as the identity (initial dynamical isometry), with or without
 * normalization inside F.
 *
 * <ul>
 *   <li>α ({@code --branch-scalar}): 0 on every residual branch (ReZero's definition; no option).
 *   <li>Every conv and linear weight, classifier and shortcut projections included: He normal, N(0,
 *       2/fan_in); biases 0. The paper's CIFAR-10 ResNets are the standard ones with the gate added and
 *       give no other init, so this is the standard CIFAR ResNet's (He et al. 2016 §4.2: He et al. 2015's
 *       init, PyTorch's {@code kaiming_normal_} at its defaults).
 *   <li>BN γ = 1, β = 0 under {@code --norm bn} (kept, as in the paper's ResNets); Fixup's scalars neutral
 *       (0 and 1) under {@code --norm none}; weight norm: v = the He draw, g = its row norm.
 * </ul>
 *
 * <p>Needs a residual net built with {@code --branch-scalar}, under any norm; anything else is refused with
 * one line. The authors' code (majumderb/rezero) holds only the Transformer.
 */
public final class ReZero extends Scheme {
    static final String ID = "rezero";

    public ReZero() {
        super(ID,
                "ReZero: α = 0 on every residual branch (x + α·F(x)), He normal N(0, 2/fan_in) weights,"
                + " biases 0, BN 1/0 (needs --branch-scalar; any --norm)",
                "Bachlechner, Majumder, Mao, Cottrell, McAuley 2020, ReZero is All You Need: Fast Convergence at"
                + " Large Depth, arXiv:2003.04887");
    }

    @Override
    public InitStrategy create(Map<String, String> options) {
        return ctx -> {
            Residuals.requireBranchScalars(ctx, ID, false);
            Residuals.heWithBranchScalars(ctx, 0);
        };
    }
}
