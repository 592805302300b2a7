package org.initbench.init.builtin;

import java.util.Map;
import org.initbench.BadInputException;
import org.initbench.init.InitOption;
import org.initbench.init.InitStrategy;

/**
 * A fixed-scale Gaussian, {@code torch.nn.init.normal_(W, mean, std)}: every Conv2d and Linear
 * weight (shortcut projections and the classifier included) ~ N(mean, std²), whatever the fans;
 * biases 0; BN γ = 1, β = 0. Defaults are torch's and seed 002's "random N(0, 1)" scheme: mean
 * {@value #DEFAULT_MEAN}, std {@value #DEFAULT_STD} (a standard deviation, not a variance).
 */
public final class Normal extends Scheme {
    static final String DEFAULT_MEAN = "0";
    static final String DEFAULT_STD = "1";

    public Normal() {
        super("normal",
                "W ~ N(mean, std²), N(0, 1) by default, for every conv and linear; biases 0; BN γ=1, β=0",
                "PyTorch torch.nn.init.normal_; the N(0,1) scheme of seed 002's study",
                InitOption.number("mean", DEFAULT_MEAN, "mean of every weight"),
                InitOption.number("std", DEFAULT_STD, "standard deviation of every weight (>= 0)"));
    }

    @Override
    public InitStrategy create(Map<String, String> options) {
        double mean = number(options, "mean");
        double std = number(options, "std");
        if (std < 0) {
            throw new BadInputException("init 'normal': std must be >= 0, got " + std);
        }
        return EveryWeight.strategy((ctx, layer) ->
                EveryWeight.draw(ctx, layer, "weight", rng -> mean + std * rng.nextGaussian()));
    }
}
