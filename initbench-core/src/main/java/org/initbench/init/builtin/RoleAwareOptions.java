package org.initbench.init.builtin;

import java.util.Map;
import org.initbench.BadInputException;
import org.initbench.init.Fans;
import org.initbench.model.Layer;
import org.initbench.model.Network;
import org.initbench.model.Norm;

/**
 * role-aware's options, parsed: the adopted rule at their defaults, and the ablations that committed result
 * tables cite ({@code docs/research/role-aware/candidates.md}). Each non-default value changes one column or
 * factor of the {@link RoleTable}.
 *
 * @param zeroClassifier {@code classifier=zero}: W = 0; {@code fanin}: W ~ N(0, 1/fan_in)
 * @param identityBranch {@code branch=identity}: branches start at zero; {@code plain}: they start live
 * @param orthogonal {@code conv=orthogonal}; {@code gaussian}: N(0, gain²/fan_in), the same variance
 * @param depth {@code slow-none}, {@code on} or {@code off}: see {@link #depthFactor}
 * @param endDepth {@code end=depth}: a BN net's branch-end conv × L^(−1/2); {@code unit}: no factor
 * @param fan {@code depthwise-out}: the table's fan column; {@code in} or {@code out}: that fan for every conv
 * @param trunk {@code linear-none}, {@code linear} or {@code relu}: see {@link #trunkFactor}
 * @param unitReadout {@code readout=unit}: the BN a classifier reads through max pooling at γ = √(2/d);
 *     {@code bn}: γ = 1
 * @param vscale weight norm: v = vscale·W with g unchanged
 */
record RoleAwareOptions(boolean zeroClassifier, boolean identityBranch, boolean orthogonal, String depth,
        boolean endDepth, String fan, String trunk, boolean unitReadout, double vscale) {

    static RoleAwareOptions of(Map<String, String> o) {
        double vscale = Double.parseDouble(o.get("vscale"));
        if (vscale <= 0) {
            throw new BadInputException("init 'role-aware': vscale must be > 0, got " + o.get("vscale"));
        }
        return new RoleAwareOptions(o.get("classifier").equals("zero"), o.get("branch").equals("identity"),
                o.get("conv").equals("orthogonal"), o.get("depth"), o.get("end").equals("depth"), o.get("fan"),
                o.get("trunk"), o.get("readout").equals("unit"), vscale);
    }

    /**
     * The depth factor of a conv inside a residual branch of a norm-free net: Fixup's d = L^(−1/(2m−2))
     * ({@link Residuals#depthScale}; L = residual blocks, m = convs per branch), cubed without any
     * normalization ({@code slow-none}: the branches start L^(2/(m−1)) times slower, a warm-up built into the
     * init); d everywhere ({@code on}); or 1 ({@code off}).
     */
    double depthFactor(Network net, Layer layer) {
        double d = Residuals.depthScale(net, layer);
        return switch (depth) {
            case "on" -> d;
            case "slow-none" -> net.norm() == Norm.NONE ? d * d * d : d;
            default -> 1;
        };
    }

    /**
     * The trunk factor of a stem or shortcut conv: 1/√2 (gain 1 instead of √2) in a net without any
     * normalization ({@code linear-none}), in any net without BN ({@code linear}), or never ({@code relu}).
     */
    double trunkFactor(Norm norm) {
        return switch (trunk) {
            case "linear" -> norm != Norm.BN ? RoleTable.LINEAR / RoleTable.RELU : 1;
            case "linear-none" -> norm == Norm.NONE ? RoleTable.LINEAR / RoleTable.RELU : 1;
            default -> 1;
        };
    }

    /**
     * √(fan_in/fan_out) where a conv of a BN net keeps its fan_out variance (PyTorch's fan_out, not divided by
     * groups: a depthwise filter of norm gain/√C), else 1. Under BN a conv's scale changes no function, only its
     * effective learning rate (∝ 1/‖W‖²): C× for a depthwise filter, the scale at which Kaiming, Fixup and
     * torchvision train them.
     */
    double fanFactor(Layer layer, boolean normFree) {
        boolean out = switch (fan) {
            case "out" -> true;
            case "in" -> false;
            default -> RoleTable.row(layer).fan() == RoleTable.Fan.OUT;
        };
        Fans fans = Fans.of(layer);
        return normFree || !out ? 1 : Math.sqrt((double) fans.fanIn() / fans.fanOut());
    }
}
