package org.initbench.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * A built (not yet initialized) model: its DJL block and its layer inventory in forward order.
 *
 * @param arch architecture id, e.g. {@code resnet56}
 * @param norm how the model normalizes (batch norm, none, weight norm)
 * @param inChannels input image channels
 * @param numClasses number of output classes
 * @param width the channel-width multiplier it was built with (1 = the published widths)
 * @param imageSize input height and width
 * @param block the DJL block to train
 * @param layers every conv, linear, norm and scalar layer, in forward (depth) order
 */
public record Network(
        String arch, Norm norm, int inChannels, int numClasses, double width, int imageSize, Block block,
        List<Layer> layers) {

    public Network {
        layers = List.copyOf(layers);
    }

    /** The seed's config depth: number of Conv2d plus Linear layers. */
    public int depth() {
        return (int) layers.stream().filter(l -> l.kind().weighted()).count();
    }

    /**
     * The parameters the optimizer updates (weights, biases, BN γ/β, WeightNorm g/v, Fixup scalars, α;
     * not BN running statistics), in block order. Needs a materialized network.
     */
    public List<Parameter> trainableParameters() {
        List<Parameter> out = new ArrayList<>();
        block.getParameters().forEach(p -> {
            if (p.getValue().requiresGradient()) {
                out.add(p.getValue());
            }
        });
        return out;
    }

    /** Trainable parameter count (conv/linear weights and biases, BN gamma and beta, scalars). */
    public long parameterCount() {
        return layers.stream().mapToLong(Layer::parameterCount).sum();
    }

    /** Whether the net has a learned α at the end of each residual branch ({@code --branch-scalar}). */
    public boolean branchScalar() {
        return layers.stream().anyMatch(l -> l.kind() == LayerKind.BRANCH_SCALAR);
    }

    /** Number of residual blocks, the L of Fixup: blocks whose branch is added to a skip. */
    public int residualBlockCount() {
        return (int)
                layers.stream()
                        .filter(Layer::residual)
                        .map(l -> l.stage() + "." + l.block())
                        .distinct()
                        .count();
    }

    /** Input shape for a batch of the given size. */
    public Shape inputShape(int batchSize) {
        return new Shape(batchSize, inChannels, imageSize, imageSize);
    }
}
