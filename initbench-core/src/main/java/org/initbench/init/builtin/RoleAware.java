package org.initbench.init.builtin;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.initbench.BadInputException;
import org.initbench.init.Fans;
import org.initbench.init.InitContext;
import org.initbench.init.InitOption;
import org.initbench.init.InitStrategy;
import org.initbench.init.InitStrategyProvider;
import org.initbench.init.Nonlinearity;
import org.initbench.init.Orthogonals;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.initbench.model.Network;
import org.initbench.model.Norm;
import org.initbench.model.Role;

/**
 * initbench's own data-free init: each conv and linear layer gets a rule by its role (what consumes
 * its output), residual branches start as the identity, and the classifier starts at zero. Design
 * and reasoning: {@code docs/research/own-init.md}. Sources: Saxe, McClelland, Ganguli 2014
 * (orthogonal, arXiv:1312.6120); He et al. 2015 (fan-in gain √2, arXiv:1502.01852); Goyal et al.
 * 2017 (zero γ on the last BN of a branch, arXiv:1706.02677); Zhang, Dauphin, Ma 2019 (Fixup,
 * arXiv:1901.09321); De &amp; Smith 2020 (SkipInit, arXiv:2002.10444).
 *
 * <p>Conv weights (default {@code conv=orthogonal}): per group, the [C_out/g, fan_in] matrix (fan_in
 * = (C_in/g)·k²) is s·Q with Q Haar semi-orthogonal ({@link Orthogonals#matrix}) and s = gain ·
 * √max(1, (C_out/g)/fan_in): element variance gain²/fan_in (He's fan-in variance) with all singular
 * values equal; rows of norm gain when C_out/g ≤ fan_in; a depthwise filter is a random unit 1×9
 * direction × gain. {@code conv=gaussian}: N(0, gain²/fan_in), the same variance.
 *
 * <ul>
 *   <li>Gain √2 ({@link Fans#gain} relu; ReLU6 counted as ReLU) where the output goes (through BN)
 *       into a ReLU: stem, ResNet conv1, VGG/plaincnn convs, MobileNetV2 expand, depthwise, head, and
 *       the ResNet shortcut projection, whose output reaches the ReLU after the add (post-activation
 *       blocks; with gain 1 each downsampling block would halve the signal of a norm-free net).
 *   <li>Gain 1 where the output stays linear: MobileNetV2 projections (linear bottlenecks).
 *   <li>Last conv of a residual branch ({@link Residuals#endsBranch}), {@code branch=identity}
 *       (default): BN nets: gain 1 and its BN γ = 0, β = 0 (Goyal); norm-free nets ({@code none},
 *       {@code weightnorm}): W = 0 (Fixup). {@code branch=plain}: γ = 1 and the gain of the
 *       nonlinearity after the add (√2 in a ResNet, 1 for MobileNetV2's linear bottleneck).
 *   <li>Norm-free nets, the other convs of each residual branch × a depth factor; d = L^(−1/(2m−2)) is Fixup's
 *       rule 2 ({@link Residuals#depthScale}), L = residual blocks, m = convs per branch. {@code
 *       depth=slow-none} (default): d³ = L^(−3/(2m−2)) without any normalization (L^(−3/2) on a ResNet:
 *       1/140 on ResNet-56), d under weight norm. With the branch end at 0, a branch first grows through
 *       the end conv's gradient, which is ∝ the inner convs' scale s, so its output moves ∝ s² per step:
 *       with d the L branches together move Θ(η) per step (Fixup), with d³ they start d⁴ =
 *       L^(−2/(m−1)) as fast (L² times slower on a ResNet), and leave that small start in a time that
 *       grows only with log(1/s), an implicit warm-up. Fixup's factor let the seed's recipe (lr 0.1, no
 *       warm-up, scalars at lr) catapult the norm-free net within 35 steps and then kill it through its
 *       scalar biases (own-init.md).
 *       {@code on}: d everywhere; {@code slow}: d³ under weight norm too; {@code slower-none}: d⁴ without
 *       any normalization (a rejected candidate of the fifth iteration); {@code off}: 1. BN nets have
 *       no depth factor: a conv feeding BN computes the same function at any scale.
 *   <li>Classifier, {@code classifier=zero} (default): W = 0, b = 0 (Fixup rule 1); {@code fanin}: W
 *       ~ N(0, 1/fan_in), b = 0; {@code small}: W ~ N(0, 0.01²), b = 0.
 *   <li>Branch-end conv of a BN net, {@code end=depth} (default): × L^(−1/2), L = residual blocks
 *       (27 on ResNet-56). Under BN this changes no function; it gives that conv L× the effective
 *       learning rate (∝ 1/‖W‖²), as the seed's Fixup does. {@code end=unit}: no factor (the first
 *       design iteration).
 *   <li>Depthwise convs of a BN net, {@code fan=depthwise-out} (default): element variance
 *       gain²/fan_out with PyTorch's fan_out = C·9 (not divided by groups), so a filter has norm
 *       gain/√C: C× the fan-in effective learning rate, the scale at which Fixup, Kaiming and
 *       torchvision's MobileNetV2 train depthwise filters. {@code fan=in}: gain²/fan_in everywhere;
 *       {@code fan=out}: gain²/fan_out on every conv; {@code fan=max}: gain²/max(fan_in, fan_out).
 *       Each is the same orthogonal Q, rescaled.
 *   <li>Readout of a BN net, {@code readout=unit} (default): where the classifier reads BN → ReLU
 *       features through max pooling only (the last BN of VGG or another plain stack), that BN's γ
 *       = √(2/d), d = the classifier's fan_in, so E‖h‖² ≈ 1 at init. With W = 0 the first SGD step
 *       gives logits z_c ≈ (lr/C)·h(x)·(m_c − m) (m_c: class-mean feature), which vary from image
 *       to image with the features' per-image variance: large for VGG's 1×1 max-pooled features
 *       (d = 256 at width 0.5), enough to wreck the first epoch; small where a global average over
 *       many positions has removed most of it (MobileNetV2's head, where γ = √(2/d) starved the
 *       classifier on the validation split) or for a ResNet's residual sum, which keep γ = 1.
 *       {@code readout=bn}: γ = 1 everywhere.
 *   <li>Stem and shortcuts of a net without any normalization, {@code trunk=linear-none} (default):
 *       gain 1 instead of √2, so the trunk's signal halves at the stem and at each downsampling
 *       block, closer to fixup-original's smaller stem and fan_out shortcuts; under weight norm they
 *       keep √2. {@code trunk=linear}: gain 1 under weight norm too; {@code trunk=relu}: √2 on
 *       every norm-free net; {@code trunk=half-none}: 1/√2 without any normalization (rejected in the
 *       fifth iteration).
 *   <li>Mean-free filters, {@code center=none}: in a net without any normalization every conv filter sums
 *       to 0 ({@link Orthogonals#centered}: orthogonal within the subspace orthogonal to the all-ones
 *       vector), × 1/√(1 − 1/π) where the conv reads a ReLU ({@link Fans#centeredReluGain}), so a
 *       uniform shift of a conv's input (the residual stream's offset, which Fixup's L scalar biases all
 *       move at once) does not reach its output, and a ReLU input's mean adds no per-channel shift (the
 *       mean shift of Brock, De, Smith 2021, arXiv:2101.08692; Qiao et al. 2019, arXiv:1903.10520, keep
 *       filters centered throughout). {@code none-raw}: mean-free at the uncentered norm, so the
 *       informative (mean-free) part of each conv's output is the same as under {@code off}, and only
 *       the per-channel offset μ·Σ_j W_ij goes. {@code off} (default): as drawn. In the fifth iteration
 *       {@code none} trained on fewer validation seeds than the default, and {@code none-raw} on as
 *       many but lower and no more robust at twice the learning rate.
 *   <li>Rebalanced first stage, {@code rebalance=none} (sixth iteration; default {@code off}): on a ResNet
 *       without any normalization, the stem × c and the second stage's first shortcut and conv1 (the convs
 *       that read the first stage's stream) × 1/c, c = √n, n = blocks of the first stage (c = 3 on ResNet-56).
 *       ReLU is positively homogeneous and every scalar bias starts at 0, so the net computes the same
 *       function at init, with the first stage's stream c times larger. SGD is not invariant to this: a
 *       scalar bias b added to a stream of scale c moves the stream by Δb = −η·∂L/∂b, ∂L/∂b is 1/c as large,
 *       so relative to the stream each step moves it 1/c² as far; the stem's weights move 1/c² as far
 *       relative to their norm too, while the first stage's branch convs keep their relative speed (their
 *       inputs are c× and their output gradients 1/c×), and the two convs × 1/c move c² times as far. So
 *       the rule gives the first stage's n tied scalar biases (one offset of the stream, moved n× as fast as
 *       one bias would) the step of one bias, the stage where a catapult step had darkened the trunk in the
 *       fourth rule's collapsed runs; Fixup's own recipe slows every scalar (lr/10) instead. Rejected on the
 *       validation split: 0 of 6 trained at lr 0.15; the sped-up layer2.0.conv1 died first, and the later
 *       stages' biases darkened the trunk anyway.
 *   <li>Plain stacks started as the identity, {@code plain=identity-none} (seventh iteration; default {@code
 *       drawn}): in a VGG or plaincnn without any normalization, every conv after the first is the identity on
 *       its first min(C_in, C_out) output channels (row i: 1 at input channel i's centre tap, 0 elsewhere; the
 *       Dirac kernel of Zagoruyko &amp; Komodakis 2017, arXiv:1706.00388), its other rows as drawn. Such a conv
 *       reads a ReLU output, which is ≥ 0, and a ReLU follows it, so on those channels conv and ReLU together
 *       are the identity: the stack starts as its stem, the new channels of its widening convs (three on
 *       VGG-16), its pools and the classifier, a shallow net, and deepens as its convs leave the identity, as a
 *       Fixup ResNet deepens as its branches leave 0 (the ZerO init of Zhao, Schäfer, Anandkumar 2022,
 *       arXiv:2110.12661, starts plain and residual nets from identities too). Rejected on the validation
 *       split: it trained VGG-16 without BN on 4 of 5 seeds (the bar was 5 of 5); one run blew up in its
 *       first epoch and stayed at chance.
 *   <li>Plain stacks at Arpit's scale, {@code plain=fanout-none} (ninth iteration; rejected): in a VGG or plaincnn
 *       without any normalization, the stem and every plain conv at element variance 2/fan_out (PyTorch's fan_out), the
 *       scale Arpit, Campos, Bengio 2019 (arXiv:1906.02341) give such a net: the stem 4× smaller in std on a 1-channel
 *       input with 32 filters, each widening conv 1/√2 smaller, the rest unchanged. ReLU and max pooling are positively
 *       homogeneous and the biases start at 0, so this is the default rule trained with per-layer learning rates: conv
 *       l's × 1/c_l², its bias's × 1/P_l² (P_l = c_1⋯c_l) and the zero classifier's × P², P = P_13 (1/128 on VGG-16
 *       at width 0.5 on FashionMNIST). The only scheme of 16 that trained the norm-free VGG-16 on validation seed 0
 *       in the ninth iteration's screen was Arpit's (3 of 5 seeds); this option, its conv scales alone, trained 1 of 5
 *       validation seeds (the bar was 5 of 5).
 *   <li>Slower directions under weight norm, {@code vscale=k} (eighth iteration; default 4): v = k·W with g
 *       unchanged, the same effective weight, so each step turns a direction v/‖v‖ 1/k² as far (Δv ∝ g/‖v‖,
 *       relative to ‖v‖: ∝ 1/k²), the effective-learning-rate lever that BN gives a conv's weights (own-init.md
 *       §1). The gains g and the biases keep their step. Chosen on the validation split against a bar written
 *       before its runs: with k = 4, 14 of 15 weight-norm runs of VGG-16, MobileNetV2 and ResNet-56 trained,
 *       against 0 and 2 of 5 on the first two with k = 1; ResNet-56 learns slower with it, and k = 2, faster
 *       there, trained VGG-16 on 3 of 5 (docs/results/own-init/iter8-plain-stack). {@code vscale=1}: v = W.
 *   <li>A small readout without BN, {@code readout=unit-all} (eighth iteration): {@code unit}, and in a plain
 *       stack without BN the last conv's effective weight × √(2/d), d = the classifier's fan_in (under weight
 *       norm g is scaled and v kept), the factor the readout BN's γ gets under {@code unit}. Rejected on the
 *       validation split: it slowed the first epochs and did not stop the catapults (0 of 2 failing seeds fixed).
 *   <li>The six defaults above were chosen on a validation split held out of the training set
 *       (end, fan, readout, trunk in the second design iteration, depth in the fourth, and kept against
 *       slower-none, half-none, center=none and center=none-raw in the fifth, rebalance=none in the sixth,
 *       plain=identity-none in the seventh, readout=unit-all in the eighth and plain=fanout-none in the ninth;
 *       vscale in the eighth: docs/research/own-init.md).
 *   <li>Every other BN γ = 1, β = 0; every bias 0; Fixup's scalars 0 and 1 ({@link InitContext#initScalar}).
 *   <li>Weight norm: the values above are the effective weight (v = vscale·W, g = ‖W_i‖). A zero weight is
 *       g = 0 with v orthogonal (gain 1, then × vscale: unit rows, or orthonormal columns when rows outnumber
 *       them, e.g. 100 classes on 64 features), not v = g = 0: there ∂w/∂g = v/‖v‖ = 0 and
 *       ∂w/∂v ∝ g = 0, so the layer would never move; with a direction g learns (as SkipInit's α).
 * </ul>
 */
public final class RoleAware implements InitStrategyProvider {
    static final double RELU = Fans.gain(Nonlinearity.RELU, 0);
    static final double LINEAR = Fans.gain(Nonlinearity.LINEAR, 0);

    /**
     * The options. Each non-default value turns one ingredient off; for depth, end, fan, readout, trunk and
     * vscale the first iteration's values (on, unit, in, bn, relu, 1) do. The fifth iteration's candidates
     * (depth=slower-none, trunk=half-none, center=none or none-raw), the sixth's (rebalance=none), the
     * seventh's (plain=identity-none) and the eighth's rejected one (readout=unit-all) change one ingredient
     * instead.
     */
    record Rule(String classifier, boolean identityBranch, boolean orthogonal, String depth, boolean endDepth,
            String fan, String trunk, boolean unitReadout, String center, boolean rebalance, String plain,
            double vscale, boolean normFreeReadout) {
        static Rule of(Map<String, String> o) {
            double vscale = Double.parseDouble(o.get("vscale"));
            if (vscale <= 0) {
                throw new BadInputException("init 'role-aware': vscale must be > 0, got " + o.get("vscale"));
            }
            return new Rule(o.get("classifier"), o.get("branch").equals("identity"),
                    o.get("conv").equals("orthogonal"), o.get("depth"), o.get("end").equals("depth"),
                    o.get("fan"), o.get("trunk"), !o.get("readout").equals("bn"), o.get("center"),
                    o.get("rebalance").equals("none"), o.get("plain"), vscale,
                    o.get("readout").equals("unit-all"));
        }

        /**
         * {@code plain=identity-none}: a conv of a plain stack (VGG, plaincnn) after its first, ungrouped, in a
         * net without any normalization.
         */
        boolean startsAsIdentity(Network net, Layer layer) {
            return plain.equals("identity-none") && net.norm() == Norm.NONE && layer.role() == Role.PLAIN
                    && layer.groups() == 1;
        }

        /**
         * {@code plain=fanout-none}: on the stem and plain convs of a plain stack (VGG, plaincnn) without any
         * normalization, the factor that puts the conv at element variance 2/fan_out (PyTorch's fan_out, Arpit et
         * al.'s scale): √(fan_in/fan_out) on a plain conv, and on the stem also undoing its trunk factor (gain √2
         * instead of 1); else 1.
         */
        double plainFanOutFactor(Network net, Layer layer) {
            boolean plainStack = net.layers().stream().anyMatch(l -> l.role() == Role.PLAIN);
            if (!plain.equals("fanout-none") || net.norm() != Norm.NONE || !plainStack
                    || (layer.role() != Role.PLAIN && layer.role() != Role.STEM)) {
                return 1;
            }
            Fans fans = Fans.of(layer);
            double f = Math.sqrt((double) fans.fanIn() / fans.fanOut());
            return layer.role() == Role.STEM ? f / trunkFactor(layer, net.norm()) : f;
        }

        /**
         * {@code rebalance=none}, on a ResNet without any normalization: c = √n on the stem, n = blocks of
         * the first stage, and 1/c on the two convs that read the first stage's stream in the second stage
         * (its first block's shortcut and conv1); else 1.
         */
        double rebalanceFactor(Network net, Layer layer) {
            boolean resnet = net.layers().stream().anyMatch(l -> l.role() == Role.SHORTCUT);
            if (!rebalance || net.norm() != Norm.NONE || !resnet) {
                return 1;
            }
            double c = Math.sqrt(net.layers().stream()
                    .filter(l -> l.kind() == LayerKind.CONV && l.stage() == 0 && Residuals.endsBranch(l)).count());
            if (layer.role() == Role.STEM) {
                return c;
            }
            boolean readsFirstStage = layer.stage() == 1 && layer.block() == 0
                    && (layer.role() == Role.SHORTCUT || layer.role() == Role.BRANCH_FIRST);
            return readsFirstStage ? 1 / c : 1;
        }

        /**
         * Whether {@code center=none} or {@code none-raw} makes this conv's filters mean-free: every conv of a
         * net without any normalization whose filters have at least 2 taps.
         */
        boolean centers(Network net, Layer layer) {
            return !center.equals("off") && net.norm() == Norm.NONE && Fans.of(layer).fanIn() >= 2;
        }

        /** × 1/√(1 − 1/π) on a centered conv that reads a ReLU, under {@code center=none} only. */
        double centerGain(Layer layer) {
            return center.equals("none") && readsRelu(layer) ? Fans.centeredReluGain() : 1;
        }

        /**
         * The depth factor of an inner conv of a norm-free net's residual branch: Fixup's d =
         * L^(−1/(2m−2)) ({@code on}), d³ ({@code slow}; {@code slow-none}: without any normalization, d
         * under weight norm), d⁴ without any normalization and d under weight norm ({@code slower-none}) or 1
         * ({@code off}).
         */
        double depthFactor(Network net, Layer layer) {
            double d = Residuals.depthScale(net, layer);
            return switch (depth) {
                case "on" -> d;
                case "slow" -> d * d * d;
                case "slow-none" -> net.norm() == Norm.NONE ? d * d * d : d;
                case "slower-none" -> net.norm() == Norm.NONE ? d * d * d * d : d;
                default -> 1;
            };
        }

        /**
         * 1/√2 (gain 1 instead of √2) on the stem and shortcuts of a net without BN under {@code
         * trunk=linear}, or of a net without any normalization under {@code trunk=linear-none}; 1/2 (gain
         * 1/√2) on those of a net without any normalization under {@code trunk=half-none}; else 1.
         */
        double trunkFactor(Layer layer, Norm norm) {
            if (layer.role() != Role.STEM && layer.role() != Role.SHORTCUT) {
                return 1;
            }
            return switch (trunk) {
                case "linear" -> norm != Norm.BN ? LINEAR / RELU : 1;
                case "linear-none" -> norm == Norm.NONE ? LINEAR / RELU : 1;
                case "half-none" -> norm == Norm.NONE ? 0.5 : 1;
                default -> 1;
            };
        }

        /**
         * √(fan_in/fan_out) where {@code fan} puts a conv of a BN net at He's fan_out variance
         * (PyTorch's fan_out, not divided by groups), else 1; {@code max}: the larger fan, so the
         * smaller of the two scales.
         */
        double fanFactor(Layer layer, boolean normFree) {
            Fans fans = Fans.of(layer);
            boolean out = switch (fan) {
                case "out" -> true;
                case "max" -> fans.fanOut() > fans.fanIn();
                case "depthwise-out" -> layer.role() == Role.DEPTHWISE;
                default -> false;
            };
            return normFree || !out ? 1 : Math.sqrt((double) fans.fanIn() / fans.fanOut());
        }
    }

    /** Std of {@code classifier=small}: N(0, 0.01²), torchvision's habit for classifiers. */
    static final double SMALL_STD = 0.01;

    @Override
    public String id() {
        return "role-aware";
    }

    @Override
    public String summary() {
        return "orthogonal at He fan-in norm, gain by role (√2 before ReLU, 1 linear); branch ends identity"
                + " (BN γ=0 and conv × L^-1/2, or W=0 and inner convs × L^-3/2 without norm, L^-1/2 under weight"
                + " norm); depthwise at fan_out; max-pooled readout BN γ=√(2/d); classifier 0; other BN 1/0;"
                + " weight norm v = 4·W";
    }

    @Override
    public String citation() {
        return "initbench's own, from Saxe 2014, He 2015, Goyal 2017, Fixup (Zhang 2019), SkipInit (De & Smith 2020);"
                + " docs/research/own-init.md";
    }

    @Override
    public List<InitOption> options() {
        return List.of(
                InitOption.choice("classifier", "zero", "classifier W: zero, fanin N(0, 1/fan_in) or small N(0, 0.01²);"
                        + " b = 0", List.of("zero", "fanin", "small")),
                InitOption.choice("center", "off", "nets without any normalization: every conv's filters mean-free"
                        + " (none: × 1/√(1-1/π) where they read a ReLU; none-raw: at the same norm) or as drawn (off)",
                        List.of("off", "none", "none-raw")),
                InitOption.choice("branch", "identity", "branch end: identity (BN γ=0 / W=0) or plain",
                        List.of("identity", "plain")),
                InitOption.choice("conv", "orthogonal", "conv weights: orthogonal or gaussian, same variance",
                        List.of("orthogonal", "gaussian")),
                InitOption.choice("depth", "slow-none", "norm-free nets: inner branch convs × Fixup's d ="
                        + " L^(-1/(2m-2)) (on), d³ = L^(-3/(2m-2)) (slow: the branches start L^(2/(m-1)) times"
                        + " slower), d³ without any"
                        + " normalization and d under weight norm (slow-none), d⁴ without any normalization and d under"
                        + " weight norm (slower-none), or 1 (off)",
                        List.of("on", "slow", "slow-none", "slower-none", "off")),
                InitOption.choice("end", "depth", "BN nets: branch-end conv at its gain (unit), or × L^(-1/2) (depth:"
                        + " L× its effective learning rate, as the seed's Fixup)", List.of("unit", "depth")),
                InitOption.choice("fan", "depthwise-out", "BN nets: conv variance gain²/fan_in (in), gain²/fan_out"
                        + " for every conv (out), gain²/max(fan_in, fan_out) (max) or fan_out for depthwise convs only"
                        + " (depthwise-out);"
                        + " PyTorch's fan_out", List.of("in", "out", "max", "depthwise-out")),
                InitOption.choice("readout", "unit", "BN nets whose classifier reads max-pooled BN→ReLU features (VGG):"
                        + " that BN's γ = 1 (bn) or √(2/d), d = classifier fan_in (unit: E‖h‖² ≈ 1 at init); unit-all:"
                        + " also without BN, the plain stack's last conv × √(2/d) (weight norm: its g)",
                        List.of("bn", "unit", "unit-all")),
                InitOption.choice("plain", "drawn", "plain stacks (VGG, plaincnn) without any normalization: every"
                        + " conv after the first starts as the identity on its first min(C_in, C_out) output channels"
                        + " (centre tap 1, other taps 0) with its other rows as drawn (identity-none), every conv with"
                        + " the stem at element variance 2/fan_out (fanout-none), or all as drawn",
                        List.of("drawn", "identity-none", "fanout-none")),
                InitOption.choice("rebalance", "off", "ResNets without any normalization: the stem × √n (n = blocks"
                        + " of the first stage) and the second stage's first shortcut and conv1 × 1/√n, the same"
                        + " function with the first stage's scalar biases and stem n× slower (none; rejected in the"
                        + " sixth iteration), or off",
                        List.of("off", "none")),
                InitOption.number("vscale", "4", "weight norm: v = k·W with g unchanged, the same effective weight"
                        + " with k = vscale, so each direction's effective learning rate is 1/k² as large"
                        + " (> 0; 1: v = W)"),
                InitOption.choice("trunk", "linear-none", "nets without BN: stem and shortcut convs at gain √2 (relu),"
                        + " 1 (linear), or 1 only without any normalization and √2 under weight norm (linear-none), or"
                        + " 1/√2 only without any normalization (half-none)",
                        List.of("relu", "linear", "linear-none", "half-none")));
    }

    @Override
    public InitStrategy create(Map<String, String> options) {
        Rule rule = Rule.of(options);
        return ctx -> {
            Network net = ctx.network();
            boolean normFree = net.norm() != Norm.BN;
            Layer readout = rule.unitReadout() && !normFree ? readoutNorm(net) : null;
            Layer readoutConv = rule.normFreeReadout() && normFree ? readoutConv(net) : null;
            for (Layer layer : net.layers()) {
                if (ctx.initScalar(layer)) {
                    continue;
                }
                boolean end = Residuals.endsBranch(layer);
                if (layer.kind() == LayerKind.BATCH_NORM) {
                    float gamma = layer == readout ? (float) Math.sqrt(2.0 / classifierFanIn(net)) : 1f;
                    ctx.fill(layer, "weight", end && rule.identityBranch() ? 0f : gamma);
                    ctx.fill(layer, "bias", 0f);
                    continue;
                }
                if (ctx.has(layer, "bias")) {
                    ctx.fill(layer, "bias", 0f);
                }
                if (layer.kind() == LayerKind.LINEAR) {
                    switch (rule.classifier()) {
                        case "zero" -> ctx.zeroWeight(layer);
                        case "small" -> ctx.normal(layer, "weight", SMALL_STD);
                        default -> ctx.normal(layer, "weight", LINEAR / Math.sqrt(Fans.of(layer).fanIn()));
                    }
                } else if (end && rule.identityBranch() && normFree) {
                    ctx.zeroWeight(layer);
                } else if (end) {
                    double depth = rule.endDepth() && !normFree ? Residuals.bnBranchEndScale(ctx) : 1;
                    conv(ctx, layer, rule, (rule.identityBranch() ? LINEAR : gain(layer)) * depth
                            * rule.fanFactor(layer, normFree));
                } else {
                    double depth = normFree && layer.residual() ? rule.depthFactor(net, layer) : 1;
                    conv(ctx, layer, rule, gain(layer) * depth * rule.fanFactor(layer, normFree)
                            * rule.trunkFactor(layer, net.norm()) * rule.rebalanceFactor(net, layer)
                            * rule.plainFanOutFactor(net, layer));
                    if (rule.startsAsIdentity(net, layer)) {
                        ctx.set(layer, "weight", withIdentity(layer, ctx.get(layer, "weight")));
                    }
                    if (layer == readoutConv) {
                        float[] drawnV = layer.weightNormalized() ? ctx.get(layer, "weight_v") : null;
                        ctx.set(layer, "weight",
                                scaled(ctx.get(layer, "weight"), Math.sqrt(2.0 / classifierFanIn(net))));
                        if (drawnV != null) {
                            ctx.set(layer, "weight_v", drawnV); // weight norm: only g takes the factor
                        }
                    }
                }
                if (layer.weightNormalized() && rule.vscale() != 1) {
                    ctx.set(layer, "weight_v", scaled(ctx.get(layer, "weight_v"), rule.vscale()));
                }
            }
        };
    }

    /**
     * The gain of a conv that does not end a residual branch, by what consumes its output: a ReLU
     * (ReLU6), directly or, for a ResNet shortcut, after the add; nothing for MobileNetV2's linear
     * projections.
     */
    static double gain(Layer layer) {
        return layer.role() == Role.PROJECT ? LINEAR : RELU;
    }


    /**
     * The BN whose ReLU output the classifier reads through max pooling only: the last BN of a plain
     * stack (VGG, plaincnn). Null where the classifier reads globally averaged features (MobileNetV2's
     * head) or a residual sum (ResNet).
     */
    static Layer readoutNorm(Network net) {
        Layer last = lastOf(net, EnumSet.of(LayerKind.BATCH_NORM, LayerKind.CONV));
        return last != null && last.kind() == LayerKind.BATCH_NORM && last.role() == Role.PLAIN ? last : null;
    }

    /** {@code w} × {@code factor}, in place. */
    static float[] scaled(float[] w, double factor) {
        for (int i = 0; i < w.length; i++) {
            w[i] *= (float) factor;
        }
        return w;
    }

    /** The last conv of a plain stack (VGG, plaincnn), whose ReLU output the classifier reads through max pooling. */
    static Layer readoutConv(Network net) {
        Layer last = lastOf(net, EnumSet.of(LayerKind.CONV));
        return last != null && last.role() == Role.PLAIN ? last : null;
    }

    /** The net's last layer of one of these kinds, or null. */
    private static Layer lastOf(Network net, Set<LayerKind> kinds) {
        Layer last = null;
        for (Layer layer : net.layers()) {
            if (kinds.contains(layer.kind())) {
                last = layer;
            }
        }
        return last;
    }

    static long classifierFanIn(Network net) {
        return net.layers().stream().filter(l -> l.role() == Role.CLASSIFIER).findFirst()
                .map(l -> Fans.of(l).fanIn()).orElseThrow();
    }

    /**
     * Element variance gain²/fan_in: orthogonal per group (scaled as the class comment says), or Gaussian.
     * Where {@link Rule#centers} holds, each filter is mean-free instead ({@link Orthogonals#centered}; a
     * Gaussian filter minus its mean, × √(n/(n−1))), at the same element variance, × {@link
     * Rule#centerGain} (1/√(1 − 1/π) under {@code center=none} where the conv reads a ReLU).
     */
    static void conv(InitContext ctx, Layer layer, Rule rule, double gain) {
        long fanIn = Fans.of(layer).fanIn();
        boolean centered = rule.centers(ctx.network(), layer);
        if (!rule.orthogonal() && !centered) {
            ctx.normal(layer, "weight", gain / Math.sqrt(fanIn));
            return;
        }
        if (centered) {
            gain *= rule.centerGain(layer);
        }
        int rows = layer.outChannels() / layer.groups();
        int cols = Math.toIntExact(fanIn);
        int drawnIn = centered ? cols - 1 : cols; // the dimension an orthogonal row is drawn in
        double scale = gain * Math.sqrt(Math.max(1.0, (double) rows / drawnIn));
        RandomGenerator rng = ctx.rng(layer, "weight");
        float[] w = new float[layer.outChannels() * cols];
        for (int g = 0; g < layer.groups(); g++) {
            float[] block = !rule.orthogonal() ? centeredGaussian(rng, rows, cols, gain / Math.sqrt(fanIn))
                    : centered ? Orthogonals.centered(rng, rows, cols, scale)
                    : Orthogonals.matrix(rng, rows, cols, scale);
            System.arraycopy(block, 0, w, g * rows * cols, rows * cols);
        }
        ctx.set(layer, "weight", w);
    }

    /**
     * {@code w} ([C_out, C_in, k, k]) with its first min(C_in, C_out) rows replaced by the identity: row i
     * is 1 at input channel i's centre tap and 0 elsewhere (Zagoruyko &amp; Komodakis 2017's Dirac kernel).
     */
    static float[] withIdentity(Layer layer, float[] w) {
        int taps = layer.kernel() * layer.kernel();
        int cols = layer.inChannels() * taps;
        int centre = (layer.kernel() / 2) * layer.kernel() + layer.kernel() / 2;
        float[] out = w.clone();
        for (int i = 0; i < Math.min(layer.inChannels(), layer.outChannels()); i++) {
            Arrays.fill(out, i * cols, (i + 1) * cols, 0f);
            out[i * cols + i * taps + centre] = 1f;
        }
        return out;
    }

    /** N(0, std²) rows minus their mean, × √(cols/(cols−1)) so the element variance stays std². */
    static float[] centeredGaussian(RandomGenerator rng, int rows, int cols, double std) {
        float[] w = new float[rows * cols];
        double rescale = std * Math.sqrt((double) cols / (cols - 1));
        for (int i = 0; i < rows; i++) {
            double[] row = new double[cols];
            double mean = 0;
            for (int j = 0; j < cols; j++) {
                row[j] = rng.nextGaussian();
                mean += row[j] / cols;
            }
            for (int j = 0; j < cols; j++) {
                w[i * cols + j] = (float) ((row[j] - mean) * rescale);
            }
        }
        return w;
    }

    /**
     * Whether a conv's input is a ReLU (ReLU6) output: a ResNet branch or shortcut conv (post-activation
     * blocks: the stream is a ReLU output), a MobileNetV2 depthwise or projection conv, a plain stack's
     * conv after the first; not the stem, a MobileNetV2 expansion or head (they read a linear bottleneck).
     */
    static boolean readsRelu(Layer layer) {
        return switch (layer.role()) {
            case BRANCH_FIRST, BRANCH_INNER, BRANCH_LAST, SHORTCUT, DEPTHWISE, PROJECT, PLAIN -> true;
            default -> false;
        };
    }
}
