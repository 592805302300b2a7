package org.initbench.init.builtin;

import java.util.List;
import java.util.Map;
import org.initbench.init.InitOption;
import org.initbench.init.InitStrategy;

/**
 * initbench's own data-free init: each conv and linear layer gets a rule by its role (what consumes its
 * output), residual branches start as the identity, and the classifier starts at zero. The design is argued in
 * {@code docs/research/role-aware/design.md}; the ablations and the rejected candidates are listed in {@code
 * docs/research/role-aware/candidates.md}.
 *
 * <p>Every conv is orthogonal at He's fan-in variance: per group, W = gain·√max(1, (C_out/g)/fan_in)·Q with Q
 * Haar semi-orthogonal, so Var(W_ij) = gain²/fan_in and every singular value is equal (Saxe, McClelland, Ganguli
 * 2014, arXiv:1312.6120; He et al. 2015, arXiv:1502.01852). The gain, the fan and the factor come from the
 * layer's role ({@link RoleTable}); L = residual blocks, m = convs per branch, d = L^(−1/(2m−2)):
 *
 * <table>
 *   <caption>role-aware, by role</caption>
 *   <tr><th>role</th><th>BN nets</th><th>norm-free nets ({@code none}; {@code weightnorm}: effective weight)</th></tr>
 *   <tr><td>stem, VGG/plaincnn conv, expand, head</td><td>gain √2</td><td>gain √2 (stem without any
 *       normalization: 1)</td></tr>
 *   <tr><td>depthwise</td><td>gain √2 at PyTorch's fan_out (filter norm √2/√C)</td><td>gain √2</td></tr>
 *   <tr><td>inside a residual branch (ResNet conv1; expand, depthwise of a skip block)</td><td>gain √2</td>
 *       <td>gain √2 · d³ (weight norm: · d), Fixup's rule 2 slowed</td></tr>
 *   <tr><td>ResNet shortcut 1×1</td><td>gain √2</td><td>gain 1 (weight norm: √2)</td></tr>
 *   <tr><td>MobileNetV2 projection, no skip</td><td>gain 1</td><td>gain 1</td></tr>
 *   <tr><td>branch end (ResNet conv2, projection of a skip block)</td><td>gain 1 · L^(−1/2); its BN γ = 0,
 *       β = 0</td><td>W = 0</td></tr>
 *   <tr><td>the BN a classifier reads through max pooling (VGG's last)</td><td>γ = √(2/d), d = classifier
 *       fan_in</td><td>—</td></tr>
 *   <tr><td>classifier</td><td>W = 0, b = 0</td><td>W = 0, b = 0</td></tr>
 * </table>
 *
 * <p>Every other BN γ = 1, β = 0; every bias 0; Fixup's scalars 0 and 1. Under BN a conv's scale sets only its
 * effective learning rate (∝ 1/‖W‖²): the branch end's L^(−1/2) gives it L× (as the seed's Fixup does), the
 * depthwise fan_out C×. The zero branch ends follow Goyal et al. 2017 (γ = 0, arXiv:1706.02677), Zhang, Dauphin,
 * Ma 2019 (Fixup, W = 0 and the depth factor d, arXiv:1901.09321) and De &amp; Smith 2020 (SkipInit,
 * arXiv:2002.10444); without any normalization the inner convs take d³ instead of d, so the branches start
 * L^(2/(m−1)) times slower, a warm-up built into the init. Weight norm: g = ‖W_i‖ of the effective weight above
 * and v = 4·W, so each direction turns 1/16 as far per step; a zero weight is g = 0 with v orthogonal ({@link
 * org.initbench.init.InitContext#zeroWeight}), so it can grow.
 */
public final class RoleAware extends Scheme {
    /** Where the options' rejected values went, for the one line a removed value gets. */
    static final String CANDIDATES = "docs/research/role-aware/candidates.md";

    public RoleAware() {
        super("role-aware",
                "orthogonal at He fan-in norm, gain by role (√2 before ReLU, 1 linear); branch ends identity"
                + " (BN γ=0 and conv × L^-1/2, or W=0 and inner convs × L^-3/2 without norm, L^-1/2 under weight"
                + " norm); depthwise at fan_out; max-pooled readout BN γ=√(2/d); classifier 0; other BN 1/0;"
                + " weight norm v = 4·W",
                "initbench's own, from Saxe 2014, He 2015, Goyal 2017, Fixup (Zhang 2019), SkipInit (De & Smith 2020);"
                + " docs/research/role-aware/design.md",
                InitOption.choice("classifier", "zero", "classifier W = 0, or fanin: N(0, 1/fan_in); b = 0",
                        List.of("zero", "fanin")),
                InitOption.choice("center", "off", "conv filters as drawn (the only value; the rejected mean-free"
                        + " candidates: " + CANDIDATES + ")", List.of("off")),
                InitOption.choice("branch", "identity", "branch end: identity (BN γ=0 / W=0), or plain: γ = 1 and"
                        + " the gain of what follows the add", List.of("identity", "plain")),
                InitOption.choice("conv", "orthogonal", "conv weights: orthogonal or gaussian, same variance",
                        List.of("orthogonal", "gaussian")),
                InitOption.choice("depth", "slow-none", "norm-free nets: inner branch convs × Fixup's d ="
                        + " L^(-1/(2m-2)) under weight norm and d³ without any normalization (slow-none), d"
                        + " everywhere (on), or 1 (off)", List.of("on", "slow-none", "off")),
                InitOption.choice("end", "depth", "BN nets: branch-end conv × L^(-1/2) (depth: L× its effective"
                        + " learning rate, as the seed's Fixup), or at its gain (unit)", List.of("unit", "depth")),
                InitOption.choice("fan", "depthwise-out", "BN nets: depthwise convs at gain²/fan_out, the others"
                        + " at gain²/fan_in (depthwise-out); every conv at fan_in (in) or fan_out (out);"
                        + " PyTorch's fan_out", List.of("in", "out", "depthwise-out")),
                InitOption.choice("readout", "unit", "BN nets whose classifier reads max-pooled BN→ReLU features"
                        + " (VGG): that BN's γ = √(2/d), d = classifier fan_in (unit), or 1 (bn)",
                        List.of("bn", "unit")),
                InitOption.choice("plain", "drawn", "plain stacks without normalization as drawn (the only value;"
                        + " the rejected identity and fan_out starts: " + CANDIDATES + ")", List.of("drawn")),
                InitOption.choice("rebalance", "off", "no rebalancing of a norm-free ResNet's first stage (the"
                        + " only value; the rejected candidate: " + CANDIDATES + ")", List.of("off")),
                InitOption.number("vscale", "4", "weight norm: v = k·W with g unchanged, the same effective"
                        + " weight with k = vscale, so each direction's effective learning rate is 1/k² as large"
                        + " (> 0; 1: v = W)"),
                InitOption.choice("trunk", "linear-none", "nets without BN: stem and shortcut convs at gain 1"
                        + " without any normalization and √2 under weight norm (linear-none), 1 in both (linear),"
                        + " or √2 in both (relu)", List.of("relu", "linear", "linear-none")));
    }

    /**
     * The adopted rule at the defaults; each other value is an ablation a committed result table cites. {@code
     * center}, {@code rebalance} and {@code plain} have one value left, the rule's, so that canonical specs
     * written before their candidates left (run and sweep directories) still resolve.
     */

    @Override
    public InitStrategy create(Map<String, String> options) {
        return new RoleAwareStrategy(RoleAwareOptions.of(options));
    }
}
