package org.initbench.init.builtin;

import java.util.Map;
import org.initbench.BadInputException;
import org.initbench.init.InitOption;
import org.initbench.init.InitStrategy;

/**
 * A fixed-range uniform, {@code torch.nn.init.uniform_(W, a, b)}: every Conv2d and Linear weight
 * (shortcut projections and the classifier included) ~ U[a, b), whatever the fans (mean (a+b)/2,
 * std (b−a)/√12); biases 0; BN γ = 1, β = 0. Defaults are torch's: a = {@value #DEFAULT_A}, b =
 * {@value #DEFAULT_B}.
 */
public final class Uniform extends Scheme {
    static final String DEFAULT_A = "0";
    static final String DEFAULT_B = "1";

    public Uniform() {
        super("uniform",
                "W ~ U[a, b), U[0, 1) by default, for every conv and linear; biases 0; BN γ=1, β=0",
                "PyTorch torch.nn.init.uniform_",
                InitOption.number("a", DEFAULT_A, "lower bound"),
                InitOption.number("b", DEFAULT_B, "upper bound (>= a)"));
    }

    @Override
    public InitStrategy create(Map<String, String> options) {
        double a = number(options, "a");
        double b = number(options, "b");
        if (a > b) {
            throw new BadInputException("init 'uniform': needs a <= b, got a=" + a + ", b=" + b);
        }
        return EveryWeight.strategy((ctx, layer) ->
                EveryWeight.draw(ctx, layer, "weight", rng -> a + (b - a) * rng.nextDouble()));
    }
}
