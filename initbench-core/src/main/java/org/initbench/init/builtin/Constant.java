package org.initbench.init.builtin;

import java.util.Map;
import org.initbench.init.InitOption;
import org.initbench.init.InitStrategy;

/**
 * A constant weight, {@code torch.nn.init.constant_(W, value)}: every Conv2d and Linear weight
 * (shortcut projections and the classifier included) = {@code value}; biases 0; BN γ = 1, β = 0.
 * Deterministic: the seed does not matter.
 *
 * <p>The classic symmetry demonstration: all units of a layer compute the same function and get
 * the same gradient, so they never differentiate. torch's {@code constant_} has no default value;
 * ours is {@value #DEFAULT_VALUE}, the scale of the small-random init N(0, 0.01²) of Krizhevsky et
 * al. 2012, so that it isolates the missing randomness from a scale effect (and unlike 0 it lets
 * signals and gradients flow).
 */
public final class Constant extends Scheme {
    static final String DEFAULT_VALUE = "0.01";

    public Constant() {
        super("constant",
                "W = value (0.01) for every conv and linear; biases 0; BN γ=1, β=0 (symmetric init)",
                "PyTorch torch.nn.init.constant_",
                InitOption.number("value", DEFAULT_VALUE, "every conv and linear weight"));
    }

    @Override
    public boolean randomized() {
        return false;
    }

    @Override
    public InitStrategy create(Map<String, String> options) {
        float value = Float.parseFloat(options.get("value"));
        return EveryWeight.strategy((ctx, layer) -> ctx.fill(layer, "weight", value));
    }
}
