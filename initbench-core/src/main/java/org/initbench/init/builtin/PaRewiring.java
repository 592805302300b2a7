package org.initbench.init.builtin;

import java.util.Map;
import org.initbench.init.InitStrategy;
import org.initbench.model.Layer;

/**
 * Scabini, De Baets, Bruno 2022, "Improving Deep Neural Network Random Initialization Through
 * Neuronal Rewiring", arXiv:2207.08148 (Neurocomputing 599, 2024); reference {@code
 * PA_rewiring_np} in scabini/PArewiring_weights {@code weight_rewiring.py}.
 *
 * <p>The {@code base} scheme sets every parameter; then every conv and linear weight (classifier
 * and shortcut projections included), viewed as [C_out, fan_in] with fan_in = (C_in/groups)·k·k in
 * PyTorch's flattening, is permuted by preferential attachment on signed neuron strengths: rows in
 * order, then columns in order, each moved after the running strength of those before it (see
 * {@link Rewiring}). Values are only moved, so each layer keeps its multiset of weights (and hence
 * its distribution and norm) while the variance of its neuron strengths drops; orthogonality of an
 * orthogonal base is not kept. Biases and BN γ/β are the base's. The permutations draw from the
 * weight's own second stream, {@code ctx.rng(layer, "weight", "pa-rewiring")}.
 *
 * <p>Default base {@code orthogonal} (gain 1): the reference's {@code example.py} and README usage
 * ("we recommend Orthogonal weights"); its README table also reports ResNet-50 on a Kaiming-normal
 * base ({@code base=kaiming-normal}, the seed's baseline). For the README's "stabilize, then
 * rewire": {@code base=stabilize-strength}. The base runs with its own defaults.
 */
public final class PaRewiring extends Bases.Wrapper {
    static final String ID = "pa-rewiring";
    /** The reference's recommended and example base, {@code torch.nn.init.orthogonal_} (gain 1). */
    static final String DEFAULT_BASE = "orthogonal";

    public PaRewiring() {
        super(ID,
                "base scheme, then preferential-attachment rewiring of each conv/linear weight (same values)",
                "Scabini, De Baets, Bruno 2022, Improving DNN Random Initialization Through Neuronal Rewiring,"
                + " arXiv:2207.08148",
                DEFAULT_BASE);
    }

    @Override
    InitStrategy wrap(InitStrategy base, Map<String, String> options) {
        return ctx -> {
            base.initialize(ctx);
            for (Layer layer : ctx.network().layers()) {
                if (layer.kind().weighted()) {
                    float[] w = ctx.get(layer, "weight");
                    int rows = layer.outChannels();
                    Rewiring.paRewire(w, rows, w.length / rows, ctx.rng(layer, "weight", ID));
                    ctx.set(layer, "weight", w);
                }
            }
        };
    }
}
