package org.initbench.model;

import ai.djl.ndarray.types.Shape;

/**
 * The extension point of {@link ModelGraph}: a custom DJL block (a Fixup scalar bias or
 * multiplier, a weight-normed conv, ...) implements this to say how it maps the moments of its
 * input to those of its output at init. {@link ModelGraph} then treats the block as one opaque
 * leaf (it does not walk into it) whose forward is the block's own {@code forward}; AutoInit
 * calls {@link #propagate}. A block that does not implement it, is not a recorded {@link Layer}
 * and is none of the known DJL blocks makes {@link ModelGraph#of} fail naming the block.
 */
public interface MomentRule {
    /**
     * Moments of the block's output given those of its input, with the block's parameters at their
     * initial values.
     *
     * @param input moments of the (single) input
     * @param inputShape the input's shape, batch dimension first
     */
    Moments propagate(Moments input, Shape inputShape);
}
