package org.initbench.init.builtin;

import java.util.Map;
import org.initbench.init.InitStrategy;

/**
 * All-zero weights, {@code torch.nn.init.zeros_}: the "no learning" baseline of seed 002's
 * five-scheme study. With every weight 0 each layer outputs its bias (0), so every gradient but the
 * classifier bias's vanishes and the net cannot leave the start.
 *
 * <p>Every Conv2d and Linear weight (shortcut projections and the classifier included) = 0; biases
 * 0; BN γ = 1, β = 0. Deterministic: the seed does not matter. No options.
 */
public final class Zeros extends Scheme {

    public Zeros() {
        super("zeros",
                "W = 0 for every conv and linear; biases 0; BN γ=1, β=0 (no-learning baseline)",
                "PyTorch torch.nn.init.zeros_; baseline of seed 002's five-scheme study");
    }

    @Override
    public boolean randomized() {
        return false;
    }

    @Override
    public InitStrategy create(Map<String, String> options) {
        return EveryWeight.strategy((ctx, layer) -> ctx.fill(layer, "weight", 0f));
    }
}
