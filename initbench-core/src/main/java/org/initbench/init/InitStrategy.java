package org.initbench.init;

/**
 * A whole-model initialization: the Java form of the seed's {@code initialize_weights(model,
 * config)}. It sees the model through {@link InitContext#network()} (the layer inventory: kinds,
 * roles, stages, blocks, fans, parameters) and {@link InitContext#config()}, and must set every
 * weight, bias and BN gamma/beta; values are drawn with {@link InitContext#rng}, seeded per
 * parameter, so they do not depend on the order in which a strategy visits the layers.
 */
@FunctionalInterface
public interface InitStrategy {
    void initialize(InitContext ctx);
}
