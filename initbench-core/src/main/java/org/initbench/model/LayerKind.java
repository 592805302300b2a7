package org.initbench.model;

/** What a parameterized layer computes. */
public enum LayerKind {
    /** A 2-D convolution; parameters {@code weight} (or {@code weight_v}, {@code weight_g}) and {@code bias}. */
    CONV,
    /** A fully connected layer; parameters as for {@link #CONV}. */
    LINEAR,
    /** Batch norm; parameters {@code weight} (γ), {@code bias} (β), running statistics. */
    BATCH_NORM,
    /**
     * A learned scalar added to a whole activation (Fixup's {@code bias1a} ...); one parameter
     * {@code bias} of shape [1]. Its neutral value is 0.
     */
    SCALAR_BIAS,
    /**
     * A learned scalar multiplying a whole activation (Fixup's {@code scale}); one parameter {@code
     * weight} of shape [1]. Its neutral value is 1.
     */
    SCALE;

    /** Whether the layer is a conv or linear layer: one with fans. */
    public boolean weighted() {
        return this == CONV || this == LINEAR;
    }

    /** Whether the layer is a learned scalar ({@link #SCALAR_BIAS} or {@link #SCALE}). */
    public boolean scalar() {
        return this == SCALAR_BIAS || this == SCALE;
    }
}
