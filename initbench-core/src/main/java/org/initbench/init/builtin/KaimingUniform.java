package org.initbench.init.builtin;

import java.util.Map;
import org.initbench.init.Fans;
import org.initbench.init.InitStrategy;

/**
 * He et al. 2015, "Delving Deep into Rectifiers: Surpassing Human-Level Performance on ImageNet
 * Classification", arXiv:1502.01852 — PyTorch's {@code kaiming_uniform_}.
 *
 * <p>Every Conv2d and Linear weight (shortcut projections and the classifier included) ~ U(−b, b),
 * b = √3·gain/√fan (std = gain/√fan), gain = {@link Fans#gain}(nonlinearity, a), fan = {@link
 * Fans#select}(mode): fan_in, fan_out, fan_avg or fan_geo_avg (as kaiming-normal); biases 0; BN γ = 1,
 * β = 0. Defaults are torch's: {@code mode=fan_in}, {@code nonlinearity=leaky_relu}, {@code a=0}, whose
 * gain √(2/(1+0²)) = √2 equals relu's, so b = √(6/fan_in).
 */
public final class KaimingUniform extends Scheme {
    static final String DEFAULT_MODE = "fan_in";
    static final String DEFAULT_NONLINEARITY = "leaky_relu";
    static final String DEFAULT_A = "0";

    public KaimingUniform() {
        super("kaiming-uniform",
                "He uniform: W ~ U(±√3·gain/√fan), fan_in and leaky_relu(0) = √2 by default; "
                + "biases 0; BN γ=1, β=0",
                "He, Zhang, Ren, Sun 2015, Delving Deep into Rectifiers, arXiv:1502.01852",
                KaimingNormal.options(DEFAULT_MODE, DEFAULT_NONLINEARITY, DEFAULT_A));
    }

    @Override
    public InitStrategy create(Map<String, String> options) {
        String mode = options.get("mode");
        double gain = KaimingNormal.gain(options);
        return EveryWeight.strategy((ctx, layer) -> ctx.uniform(layer, "weight",
                Math.sqrt(3.0) * gain / Math.sqrt(Fans.of(layer).select(mode))));
    }
}
