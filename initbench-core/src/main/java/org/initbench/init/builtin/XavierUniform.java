package org.initbench.init.builtin;

import java.util.Map;
import org.initbench.init.InitStrategy;

/**
 * Glorot and Bengio 2010, "Understanding the difficulty of training deep feedforward neural
 * networks", AISTATS 2010 (PMLR 9:249–256) — PyTorch's {@code xavier_uniform_}.
 *
 * <p>Every Conv2d and Linear weight (shortcut projections and the classifier included) ~ U(−b, b)
 * with b = gain·√(6/(fan_in + fan_out)), i.e. std = gain·√(2/(fan_in + fan_out)); biases 0; BN γ =
 * 1, β = 0. Default gain {@value #DEFAULT_GAIN}, the paper's (and torch's).
 */
public final class XavierUniform extends Scheme {
    static final String DEFAULT_GAIN = "1";

    public XavierUniform() {
        super("xavier-uniform",
                "Glorot uniform: W ~ U(±gain·√(6/(fan_in+fan_out))); biases 0; BN γ=1, β=0",
                XavierNormal.CITATION,
                gainOption(DEFAULT_GAIN));
    }

    @Override
    public InitStrategy create(Map<String, String> options) {
        double gain = number(options, "gain");
        return EveryWeight.strategy((ctx, layer) ->
                ctx.uniform(layer, "weight", gain * Math.sqrt(6.0 / XavierNormal.fanSum(layer))));
    }
}
