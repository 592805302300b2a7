package org.initbench.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One parameterized layer of a {@link Network}, as init strategies see it.
 *
 * @param path PyTorch-style module path, e.g. {@code layer2.0.conv1}; unique within the network
 * @param kind conv, linear, batch norm, or a learned scalar (bias, multiplier, or a residual branch's α)
 * @param role the layer's part in the architecture; a norm has the role of the conv it normalizes
 * @param stage stage index (0-based; -1 for layers outside the stages: stem, head, classifier)
 * @param block block index within the stage (0-based; -1 outside blocks)
 * @param inChannels input channels (features for linear; channels for norm)
 * @param outChannels output channels (features for linear; channels for norm)
 * @param kernel square kernel size (1 for linear and norm)
 * @param stride conv stride (1 otherwise)
 * @param groups conv groups (1 otherwise; equal to channels for depthwise)
 * @param hasBias whether a conv or linear layer has a bias (false for norms and scalars)
 * @param residual whether the layer lies on a residual branch, whose output is added to a skip
 *     connection (ResNet conv1/conv2 and their norms; MobileNetV2 blocks with a skip); shortcut
 *     projections are not on the branch
 * @param normalizes for a norm layer, the path of the layer whose output it normalizes; else null
 * @param djlBlock the DJL block holding the parameters
 */
public record Layer(
        String path,
        LayerKind kind,
        Role role,
        int stage,
        int block,
        int inChannels,
        int outChannels,
        int kernel,
        int stride,
        int groups,
        boolean hasBias,
        boolean residual,
        String normalizes,
        Block djlBlock) {

    /**
     * Shape of the (effective) weight: {@code [out, in/groups, k, k]} for conv, {@code [out, in]}
     * for linear, {@code [channels]} (gamma) for batch norm, {@code [1]} for a scalar.
     */
    public Shape weightShape() {
        return switch (kind) {
            case CONV -> new Shape(outChannels, inChannels / groups, kernel, kernel);
            case LINEAR -> new Shape(outChannels, inChannels);
            case BATCH_NORM -> new Shape(outChannels);
            case SCALAR_BIAS, SCALE, BRANCH_SCALAR -> new Shape(1);
        };
    }

    /**
     * Whether the conv or linear layer is weight-normalized: it then holds {@code weight_v} and
     * {@code weight_g} instead of {@code weight} (w = g·v/‖v‖ per output row).
     */
    public boolean weightNormalized() {
        return djlBlock instanceof WeightNormBlock;
    }

    /** Number of trainable parameters, computed from the layer's dimensions. */
    public long parameterCount() {
        long g = weightNormalized() ? outChannels : 0;
        return switch (kind) {
            case CONV -> (long) outChannels * (inChannels / groups) * kernel * kernel
                    + (hasBias ? outChannels : 0) + g;
            case LINEAR -> (long) inChannels * outChannels + (hasBias ? outChannels : 0) + g;
            case BATCH_NORM -> 2L * outChannels;
            case SCALAR_BIAS, SCALE, BRANCH_SCALAR -> 1;
        };
    }

    /**
     * The layer's parameters keyed by PyTorch name: {@code weight}, {@code bias} for conv and
     * linear ({@code weight_v}, {@code weight_g}, {@code bias} when weight-normalized); {@code
     * weight} (gamma), {@code bias} (beta), {@code running_mean}, {@code running_var} for batch
     * norm; {@code bias} for a scalar bias and {@code weight} for a scalar multiplier or branch scalar (PyTorch
     * names those {@code <path>} itself, e.g. {@code layer1.0.bias1a}; here they are {@code
     * layer1.0.bias1a.bias}).
     */
    public Map<String, Parameter> parameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        for (var pair : djlBlock.getDirectParameters()) {
            out.put(torchName(pair.getValue()), pair.getValue());
        }
        return out;
    }

    static String torchName(Parameter p) {
        if (p.getName().startsWith("weight_")) {
            return p.getName();
        }
        return switch (p.getType()) {
            case WEIGHT, GAMMA -> "weight";
            case BIAS, BETA -> "bias";
            case RUNNING_MEAN -> "running_mean";
            case RUNNING_VAR -> "running_var";
            default -> p.getName();
        };
    }
}
