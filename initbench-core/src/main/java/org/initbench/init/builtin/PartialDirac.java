package org.initbench.init.builtin;

import java.util.List;
import java.util.Map;
import org.initbench.init.InitOption;
import org.initbench.init.InitStrategy;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.initbench.model.Role;

/**
 * Jordan 2024, "94% on CIFAR-10 in 3.29 Seconds on a Single GPU", arXiv:2404.00498 (airbench): the partial
 * identity ("partial Dirac") init of its convs.
 *
 * <p>The rule, read from the authors' code (KellerJordan/cifar10-airbench: {@code Conv.reset_parameters} in
 * legacy/airbench94.py, identical in airbench/lib_airbench94.py, lib_airbench96.py, airbench94_muon.py and
 * airbench96_faster.py): PyTorch's default draw, conv bias 0, then {@code torch.nn.init.dirac_(w[:C_in])}. So
 * the first C_in output filters are the identity, W[d, d, ⌊k/2⌋, ⌊k/2⌋] = 1 and every other tap of those
 * filters 0, and filters d ≥ C_in keep the base draw; a conv with C_out &lt; C_in is all Dirac (output d =
 * input d, d &lt; C_out). Here:
 *
 * <ul>
 *   <li>first the {@code base} scheme (default {@code pytorch-default}, airbench's) sets every parameter;
 *   <li>every conv but the stem: the rule above; 1×1 convs (shortcuts, MobileNetV2 expand/project) alike, a
 *       stride-2 conv then passes the input through subsampled;
 *   <li>grouped convs: the rule per group ({@code torch.nn.init.dirac_(w, groups)}'s layout): in each group
 *       the first min(C_out/g, C_in/g) filters are the identity onto the group's inputs. A depthwise conv
 *       (C_in/g = 1) is thus wholly the identity, centre tap 1; {@code depthwise=base} leaves depthwise convs
 *       to the base instead (airbench has no grouped conv; its literal {@code w[:w.size(1)]} would touch
 *       only the first filter there);
 *   <li>every conv bias 0 (airbench's {@code Conv} zeroes it), the stem's included; linear layers (the
 *       classifier), BN and Fixup's scalars: the base's.
 * </ul>
 *
 * <p>Deviation: airbench's first conv is a 2×2 patch-whitening conv set from the training images'
 * patch covariance (eigenvectors and their negations) and then frozen; that is data-dependent and part of its
 * recipe, not of the init, and initbench's recipe trains every layer with 3×3 stems on 1 or 3 channels. So
 * this scheme leaves the stem's weight to the base (its bias 0). On a weight-normalized layer the Dirac rows
 * are set as the effective weight (v = the row, g = 1).
 */
public final class PartialDirac extends Bases.Wrapper {
    static final String ID = "partial-dirac";
    /** airbench's convs start from PyTorch's own {@code reset_parameters}. */
    static final String DEFAULT_BASE = "pytorch-default";

    public PartialDirac() {
        super(ID,
                "base scheme, then every conv but the stem: first C_in filters (per group) = Dirac identity, bias 0",
                "Jordan 2024, 94% on CIFAR-10 in 3.29 Seconds, arXiv:2404.00498 (KellerJordan/cifar10-airbench)",
                DEFAULT_BASE,
                InitOption.choice("depthwise", "dirac",
                        "depthwise convs: dirac (the per-group rule, all identity) or base", List.of("dirac", "base")));
    }

    @Override
    InitStrategy wrap(InitStrategy base, Map<String, String> options) {
        boolean depthwiseToo = options.get("depthwise").equals("dirac");
        return ctx -> {
            base.initialize(ctx);
            for (Layer layer : ctx.network().layers()) {
                if (layer.kind() != LayerKind.CONV) {
                    continue;
                }
                EveryWeight.zeroBias(ctx, layer);
                boolean depthwise = layer.groups() > 1 && layer.groups() == layer.inChannels();
                if (layer.role() == Role.STEM || depthwise && !depthwiseToo) {
                    continue;
                }
                float[] w = ctx.get(layer, "weight");
                dirac(w, layer);
                ctx.set(layer, "weight", w);
            }
        };
    }

    /**
     * Overwrites, in each group of a [C_out, C_in/g, k, k] weight, the first min(C_out/g, C_in/g) filters with
     * the identity: filter d of group g is 1 at input d of the group, centre tap, and 0 elsewhere.
     */
    static void dirac(float[] w, Layer layer) {
        int k = layer.kernel();
        int groups = layer.groups();
        int outG = layer.outChannels() / groups;
        int inG = layer.inChannels() / groups;
        int taps = k * k;
        int centre = (k / 2) * k + k / 2;
        for (int g = 0; g < groups; g++) {
            for (int d = 0; d < Math.min(outG, inG); d++) {
                int row = (g * outG + d) * inG * taps;
                java.util.Arrays.fill(w, row, row + inG * taps, 0f);
                w[row + d * taps + centre] = 1f;
            }
        }
    }
}
