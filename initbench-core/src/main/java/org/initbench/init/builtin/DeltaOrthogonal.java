package org.initbench.init.builtin;

import java.util.Map;
import java.util.random.RandomGenerator;
import org.initbench.init.InitOption;
import org.initbench.init.InitStrategy;
import org.initbench.init.Orthogonals;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;

/**
 * Xiao, Bahri, Sohl-Dickstein, Schoenholz, Pennington 2018, "Dynamical Isometry and a Mean Field
 * Theory of CNNs: How to Train 10,000-Layer Vanilla Convolutional Neural Networks", ICML 2018,
 * arXiv:1806.05393 (Algorithm 2, delta-orthogonal).
 *
 * <p>Every conv kernel is 0 except its centre tap W[:, :, ⌊k/2⌋, ⌊k/2⌋] = gain·H, H a Haar
 * (semi-)orthogonal (C_out/groups) × (C_in/groups) matrix per group ({@link Orthogonals#matrix},
 * torch's {@code orthogonal_}): orthonormal columns when C_out ≥ C_in (the paper's case, an isometry
 * x ↦ Hx), orthonormal rows otherwise. A 1×1 conv is thus plain orthogonal; a depthwise conv
 * (C_in/groups = 1) gets one 1×1 orthogonal matrix per channel, a centre tap of ±gain with a random
 * sign, the per-channel isometry. Linear layers, the classifier included: orthogonal × gain. Biases
 * 0; BN γ = 1, β = 0; shortcut projections are 1×1 convs and follow the same rule; Fixup's
 * scalars (norm-free ResNets) neutral; a weight-normalized layer gets the kernel as its effective
 * weight.
 *
 * <p>Default gain √2: the paper works with tanh at its critical point (σ_w² ≈ 1); our nets use
 * ReLU/ReLU6, which halves the second moment, so the critical weight variance is 2 (He) and an
 * orthogonal map needs gain √2 to keep ‖x‖² through conv + ReLU. Use {@code gain=1} for the paper's
 * linear/tanh setting.
 */
public final class DeltaOrthogonal extends Scheme {
    static final double DEFAULT_GAIN = Math.sqrt(2.0);

    public DeltaOrthogonal() {
        super("delta-orthogonal",
                "conv centre tap = gain·orthogonal (per group), other taps 0; linear orthogonal; b=0; BN 1/0",
                "Xiao et al. 2018, Dynamical Isometry and a Mean Field Theory of CNNs, ICML, arXiv:1806.05393",
                InitOption.number("gain", Double.toString(DEFAULT_GAIN),
                "scale of the orthogonal centre tap (√2 for ReLU, 1 for linear/tanh)"));
    }

    @Override
    public InitStrategy create(Map<String, String> options) {
        double gain = number(options, "gain");
        return EveryWeight.strategy((ctx, layer) ->
                ctx.set(layer, "weight", kernel(ctx.rng(layer, "weight"), layer, gain)));
    }

    /** The weight, row-major [C_out, C_in/groups, k, k] (linear: k = 1, groups = 1). */
    static float[] kernel(RandomGenerator rng, Layer layer, double gain) {
        int k = layer.kind() == LayerKind.CONV ? layer.kernel() : 1;
        int groups = layer.kind() == LayerKind.CONV ? layer.groups() : 1;
        int outG = layer.outChannels() / groups;
        int inG = layer.inChannels() / groups;
        int centre = (k / 2) * k + k / 2;
        float[] w = new float[layer.outChannels() * inG * k * k];
        for (int g = 0; g < groups; g++) {
            float[] h = Orthogonals.matrix(rng, outG, inG, gain);
            for (int o = 0; o < outG; o++) {
                for (int i = 0; i < inG; i++) {
                    w[((g * outG + o) * inG + i) * k * k + centre] = h[o * inG + i];
                }
            }
        }
        return w;
    }
}
