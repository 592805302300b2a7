package org.initbench.perf;

import ai.djl.ndarray.types.Shape;
import org.initbench.model.Layer;
import org.initbench.model.ModelGraph;
import org.initbench.model.Network;

/**
 * Multiply-accumulates of a network's convolutions and linear layers per image, from its layer
 * inventory and the output shapes of its {@link ModelGraph}: a conv with output {@code C×H×W}, input
 * channels {@code Cin}, {@code g} groups and a {@code k×k} kernel costs {@code C·H·W·(Cin/g)·k²}
 * MACs; a linear layer {@code in·out}. Excluded: batch norm, activations, pooling, residual adds,
 * biases, the loss and the optimizer (all memory-bound and small next to the convolutions).
 *
 * <p>Training FLOPs per image are taken as {@code 3 × 2 × MACs}: one forward pass plus a backward
 * pass that computes the gradients of the activations and of the weights, each costing about one
 * forward; a MAC is two FLOPs.
 *
 * @param convMacs conv MACs per image (forward)
 * @param linearMacs linear MACs per image (forward)
 */
public record FlopCount(long convMacs, long linearMacs) {

    /** Counts {@code net}'s conv and linear MACs for one image of its input size. */
    public static FlopCount of(Network net) {
        long conv = 0;
        long linear = 0;
        for (ModelGraph.Leaf leaf : ModelGraph.of(net).leaves()) {
            Layer l = leaf.layer();
            if (leaf.op() == ModelGraph.Op.CONV) {
                Shape out = leaf.outputShape();
                long spatial = out.get(out.dimension() - 1) * out.get(out.dimension() - 2);
                conv += (long) l.outChannels() * spatial * (l.inChannels() / l.groups()) * l.kernel() * l.kernel();
            } else if (leaf.op() == ModelGraph.Op.LINEAR) {
                linear += (long) l.inChannels() * l.outChannels();
            }
        }
        return new FlopCount(conv, linear);
    }

    /** Forward multiply-accumulates per image (conv + linear). */
    public long forwardMacs() {
        return convMacs + linearMacs;
    }

    /** Training FLOPs per image: {@code 3 × 2 × forwardMacs()} (forward, input and weight gradients). */
    public double trainFlops() {
        return 6.0 * forwardMacs();
    }
}
