package org.initbench.model;

/** What a parameterized layer computes. */
public enum LayerKind {
    CONV,
    LINEAR,
    BATCH_NORM
}
