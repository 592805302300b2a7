package org.initbench.init.builtin;

import java.util.Map;
import org.initbench.init.Fans;
import org.initbench.init.InitStrategy;
import org.initbench.model.Layer;

/**
 * Glorot and Bengio 2010, "Understanding the difficulty of training deep feedforward neural
 * networks", AISTATS 2010 (PMLR 9:249–256) — PyTorch's {@code xavier_normal_}.
 *
 * <p>Every Conv2d and Linear weight (shortcut projections and the classifier included) ~ N(0,
 * std²) with std = gain·√(2/(fan_in + fan_out)); biases 0; BN γ = 1, β = 0. Default gain {@value
 * #DEFAULT_GAIN}, torch's. (The paper states the uniform form; this is its normal counterpart of
 * equal variance.)
 */
public final class XavierNormal extends Scheme {
    static final String DEFAULT_GAIN = "1";
    /** The paper, for both Xavier schemes. */
    static final String CITATION = "Glorot, Bengio 2010, Understanding the difficulty of training deep feedforward"
            + " neural networks, AISTATS (PMLR 9:249-256)";

    public XavierNormal() {
        super("xavier-normal",
                "Glorot normal: W ~ N(0, gain²·2/(fan_in+fan_out)); biases 0; BN γ=1, β=0",
                CITATION,
                gainOption(DEFAULT_GAIN));
    }

    @Override
    public InitStrategy create(Map<String, String> options) {
        double gain = number(options, "gain");
        return EveryWeight.strategy((ctx, layer) -> ctx.normal(layer, "weight", gain * Math.sqrt(2.0 / fanSum(layer))));
    }

    /** fan_in + fan_out, the denominator of both Xavier schemes. */
    static long fanSum(Layer layer) {
        Fans f = Fans.of(layer);
        return f.fanIn() + f.fanOut();
    }
}
