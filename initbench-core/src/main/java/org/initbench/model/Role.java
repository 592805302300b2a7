package org.initbench.model;

/**
 * The part a layer plays in its architecture, so that init strategies can treat, for example, the
 * last conv of a residual branch differently from a shortcut projection. A norm layer carries the
 * role of the conv it normalizes (see {@link Layer#normalizes()}).
 */
public enum Role {
    /** The first conv, on the input image. */
    STEM,
    /** First conv of a residual branch (ResNet BasicBlock conv1). */
    BRANCH_FIRST,
    /** A conv inside a residual branch that is neither first nor last. */
    BRANCH_INNER,
    /** Last conv of a residual branch, whose output is added to the shortcut (ResNet conv2). */
    BRANCH_LAST,
    /** 1x1 projection on a residual shortcut. */
    SHORTCUT,
    /** MobileNetV2 1x1 expansion conv. */
    EXPAND,
    /** MobileNetV2 3x3 depthwise conv. */
    DEPTHWISE,
    /** MobileNetV2 1x1 linear projection conv (ends the inverted-residual branch). */
    PROJECT,
    /** A conv after the last block, before pooling (MobileNetV2's 1x1 conv to 1280 channels). */
    HEAD,
    /** A conv in a plain (non-residual) stack: VGG, plaincnn. */
    PLAIN,
    /** The final Linear layer producing the logits. */
    CLASSIFIER
}
