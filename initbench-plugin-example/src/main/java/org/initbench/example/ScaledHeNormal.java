package org.initbench.example;

import java.util.List;
import java.util.Map;
import org.initbench.init.Fans;
import org.initbench.init.InitOption;
import org.initbench.init.InitStrategy;
import org.initbench.init.InitStrategyProvider;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;

/**
 * An example plugin: He-normal fan_in (He et al. 2015, arXiv:1502.01852) with every conv and
 * linear weight multiplied by {@code scale}: W ~ N(0, scale²·2/fan_in); biases 0; BN γ = 1, β = 0;
 * Fixup scalars neutral. It lives in its own jar and registers through {@code
 * META-INF/services/org.initbench.init.InitStrategyProvider}, as a user's strategy would.
 */
public final class ScaledHeNormal implements InitStrategyProvider {
    static final String DEFAULT_SCALE = "0.5";

    @Override
    public String id() {
        return "example-scaled-he";
    }

    @Override
    public String summary() {
        return "example plugin: W ~ N(0, scale²·2/fan_in); biases 0; BN γ=1, β=0";
    }

    @Override
    public String citation() {
        return "initbench-plugin-example (after He et al. 2015, arXiv:1502.01852)";
    }

    @Override
    public List<InitOption> options() {
        return List.of(InitOption.number("scale", DEFAULT_SCALE, "multiplier of the He std"));
    }

    @Override
    public InitStrategy create(Map<String, String> options) {
        double scale = Double.parseDouble(options.get("scale"));
        return ctx -> {
            for (Layer layer : ctx.network().layers()) {
                if (ctx.initScalar(layer)) {
                    continue;
                }
                if (layer.kind() == LayerKind.BATCH_NORM) {
                    ctx.fill(layer, "weight", 1f);
                    ctx.fill(layer, "bias", 0f);
                    continue;
                }
                ctx.normal(layer, "weight", scale * Math.sqrt(2.0 / Fans.of(layer).fanIn()));
                if (ctx.has(layer, "bias")) {
                    ctx.fill(layer, "bias", 0f);
                }
            }
        };
    }
}
