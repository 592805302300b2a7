import org.initbench.init.Fans;
import org.initbench.init.InitContext;
import org.initbench.init.InitStrategy;
import org.initbench.model.Layer;

/**
 * The seed's baseline rule as one Java file, the twin of {@code my_init.py}: He normal with fan_out on
 * convs, BN weight 1 and bias 0, the classifier N(0, 0.01²) with zero bias. Run it with
 * {@code ./initbench train --init java:examples/MyInit.java ...}; initbench compiles it at run time.
 */
public class MyInit implements InitStrategy {
    @Override
    public void initialize(InitContext ctx) {
        for (Layer layer : ctx.network().layers()) {
            if (ctx.initScalar(layer)) { // Fixup's scalars (norm none): bias 0, multiplier 1
                continue;
            }
            switch (layer.kind()) {
                case CONV -> ctx.normal(layer, "weight", Math.sqrt(2.0 / Fans.of(layer).fanOut()));
                case LINEAR -> ctx.normal(layer, "weight", 0.01);
                case BATCH_NORM -> ctx.fill(layer, "weight", 1f);
                default -> throw new IllegalStateException("unexpected layer " + layer.path());
            }
            if (ctx.has(layer, "bias")) {
                ctx.fill(layer, "bias", 0f);
            }
        }
    }
}
