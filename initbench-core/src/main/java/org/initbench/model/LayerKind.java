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
    SCALE,
    /**
     * The learned scalar α multiplying the output of a residual branch before it is added to the
     * shortcut, {@code x + α·F(x)} (SkipInit, De &amp; Smith 2020; ReZero, Bachlechner et al. 2020;
     * {@code --branch-scalar}); one parameter {@code weight} of shape [1]. Its neutral value is 1 (the
     * net then computes what the net without it computes); SkipInit and ReZero start it at 0.
     */
    BRANCH_SCALAR;

    /** Whether the layer is a conv or linear layer: one with fans. */
    public boolean weighted() {
        return this == CONV || this == LINEAR;
    }

    /** Whether the layer is a learned scalar ({@link #SCALAR_BIAS}, {@link #SCALE} or {@link #BRANCH_SCALAR}). */
    public boolean scalar() {
        return this == SCALAR_BIAS || this == SCALE || this == BRANCH_SCALAR;
    }
}
