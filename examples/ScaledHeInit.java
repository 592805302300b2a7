import java.util.List;
import java.util.Map;
import org.initbench.init.Fans;
import org.initbench.init.InitOption;
import org.initbench.init.InitStrategy;
import org.initbench.init.InitStrategyProvider;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;

/**
 * An init with an option, as one Java file: He normal (fan_in) times {@code scale}, biases 0, BN γ = 1 and
 * β = 0. Options are given as for built-ins and checked against {@link #options()}:
 * {@code --init java:examples/ScaledHeInit.java:scale=0.5}.
 */
public class ScaledHeInit implements InitStrategyProvider {
    @Override
    public String id() {
        return "scaled-he";
    }

    @Override
    public String summary() {
        return "He normal (fan_in) x scale; biases 0; BN gamma 1, beta 0";
    }

    @Override
    public String citation() {
        return "He et al. 2015, arXiv:1502.01852";
    }

    @Override
    public List<InitOption> options() {
        return List.of(InitOption.number("scale", "1", "factor on He's standard deviation"));
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
                } else {
                    ctx.normal(layer, "weight", scale * Math.sqrt(2.0 / Fans.of(layer).fanIn()));
                }
                if (ctx.has(layer, "bias")) {
                    ctx.fill(layer, "bias", 0f);
                }
            }
        };
    }
}
