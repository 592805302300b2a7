package org.initbench.init.builtin;

import java.util.List;
import java.util.Map;
import org.initbench.init.Fans;
import org.initbench.init.InitOption;
import org.initbench.init.InitStrategy;
import org.initbench.init.Nonlinearity;

/**
 * He et al. 2015, "Delving Deep into Rectifiers: Surpassing Human-Level Performance on ImageNet
 * Classification", arXiv:1502.01852 — PyTorch's {@code kaiming_normal_}.
 *
 * <p>Every Conv2d and Linear weight (the classifier included) ~ N(0, std²), std = gain/√fan with
 * gain = {@link Fans#gain}(nonlinearity, a) and fan = {@link Fans#select}(mode): fan_in, fan_out, or Keras
 * {@code VarianceScaling}'s fan_avg = (fan_in + fan_out)/2 and fan_geo_avg = √(fan_in·fan_out)
 * (arXiv:1906.04267); with {@code nonlinearity=linear} these are VarianceScaling(scale=1, mode) itself,
 * lecun-normal's N(0, 1/fan_in) at {@code mode=fan_in}, Glorot's variance at fan_avg; biases 0;
 * BN γ = 1, β = 0; Fixup's scalar biases 0 and multipliers 1; on weight-normalized layers v = the
 * drawn weight and g = ‖v‖ per row. Defaults follow the benchmark seed's baseline N(0, sqrt(2/fan_out)): {@code
 * mode=fan_out}, {@code nonlinearity=relu}, {@code a=0}.
 */
public final class KaimingNormal extends Scheme {
    static final String DEFAULT_MODE = "fan_out";
    static final String DEFAULT_NONLINEARITY = "relu";
    static final String DEFAULT_A = "0";

    public KaimingNormal() {
        super("kaiming-normal",
                "He normal: W ~ N(0, gain²/fan), fan_out and relu by default; biases 0; BN γ=1, β=0",
                "He, Zhang, Ren, Sun 2015, Delving Deep into Rectifiers, arXiv:1502.01852",
                options(DEFAULT_MODE, DEFAULT_NONLINEARITY, DEFAULT_A));
    }

    @Override
    public InitStrategy create(Map<String, String> options) {
        String mode = options.get("mode");
        double gain = gain(options);
        return EveryWeight.strategy((ctx, layer) ->
                ctx.normal(layer, "weight", gain / Math.sqrt(Fans.of(layer).select(mode))));
    }

    /** The options both He schemes take: mode, nonlinearity and a, at these defaults. */
    static InitOption[] options(String mode, String nonlinearity, String a) {
        return new InitOption[] {
            InitOption.choice("mode", mode, "which fan keeps its variance (Fans.select)", Fans.MODES),
            InitOption.choice("nonlinearity", nonlinearity, "gain of calculate_gain",
                    List.of(Nonlinearity.ids().split(", "))),
            InitOption.number("a", a, "negative slope for leaky_relu")};
    }

    /** {@link Fans#gain}(nonlinearity, a) of the options. */
    static double gain(Map<String, String> options) {
        return Fans.gain(Nonlinearity.parse(options.get("nonlinearity")), number(options, "a"));
    }
}
