package org.initbench.init.builtin;

import java.util.Map;
import org.initbench.init.Fans;
import org.initbench.init.InitStrategy;

/**
 * LeCun, Bottou, Orr and Müller 1998, "Efficient BackProp", in Neural Networks: Tricks of the
 * Trade (LNCS 1524), §4.6 — the fan-in scaling that Klambauer et al. 2017 (SELU, arXiv:1706.02515)
 * name "LeCun normal".
 *
 * <p>Every Conv2d and Linear weight (shortcut projections and the classifier included) ~ N(0,
 * 1/fan_in); biases 0; BN γ = 1, β = 0. No options. This is the plain normal of the SELU paper
 * (torch has no {@code lecun_normal}); Keras's and JAX's {@code lecun_normal} draw a truncated
 * normal of the same variance instead.
 */
public final class LecunNormal extends Scheme {

    public LecunNormal() {
        super("lecun-normal",
                "LeCun normal: W ~ N(0, 1/fan_in); biases 0; BN γ=1, β=0",
                "LeCun, Bottou, Orr, Müller 1998, Efficient BackProp, Neural Networks: Tricks of the "
                + "Trade (LNCS 1524)");
    }

    @Override
    public InitStrategy create(Map<String, String> options) {
        return EveryWeight.strategy((ctx, layer) ->
                ctx.normal(layer, "weight", 1.0 / Math.sqrt(Fans.of(layer).fanIn())));
    }
}
