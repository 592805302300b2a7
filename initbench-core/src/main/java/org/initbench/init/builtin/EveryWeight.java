package org.initbench.init.builtin;

import java.util.function.ToDoubleFunction;
import java.util.random.RandomGenerator;
import org.initbench.init.InitContext;
import org.initbench.init.InitStrategy;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;

/**
 * The layout the {@code torch.nn.init} schemes share: one rule for every Conv2d and Linear weight
 * (stem, branch, shortcut projection, depthwise and classifier alike), every conv and linear bias
 * 0, every BN γ = 1 and β = 0 (running statistics untouched: 0 and 1), and the scalar biases and
 * multipliers of norm-free ResNets neutral (0 and 1, {@link InitContext#initScalar}).
 */
final class EveryWeight {
    private EveryWeight() {}

    /** Sets the weight of one conv or linear layer. */
    @FunctionalInterface
    interface Rule {
        void set(InitContext ctx, Layer layer);
    }

    /**
     * The loop every scheme here shares: each layer in order, Fixup's scalars neutral ({@link
     * InitContext#initScalar}), every BN γ = 1 and β = 0, and {@code rule} on every other layer (conv, linear).
     */
    static void forEach(InitContext ctx, Rule rule) {
        for (Layer layer : ctx.network().layers()) {
            if (ctx.initScalar(layer)) {
                continue;
            }
            if (layer.kind() == LayerKind.BATCH_NORM) {
                ctx.fill(layer, "weight", 1f);
                ctx.fill(layer, "bias", 0f);
                continue;
            }
            rule.set(ctx, layer);
        }
    }

    /** A strategy applying {@code weightRule} to every conv and linear weight; biases 0; BN 1/0. */
    static InitStrategy strategy(Rule weightRule) {
        return ctx -> forEach(ctx, (c, layer) -> {
            weightRule.set(c, layer);
            zeroBias(c, layer);
        });
    }

    /** Bias 0 where the layer has one. */
    static void zeroBias(InitContext ctx, Layer layer) {
        if (ctx.has(layer, "bias")) {
            ctx.fill(layer, "bias", 0f);
        }
    }

    /** Fills a parameter with i.i.d. draws of {@code sampler} from the parameter's own stream. */
    static void draw(InitContext ctx, Layer layer, String name, ToDoubleFunction<RandomGenerator> sampler) {
        RandomGenerator rng = ctx.rng(layer, name);
        float[] v = new float[ctx.size(layer, name)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) sampler.applyAsDouble(rng);
        }
        ctx.set(layer, name, v);
    }
}
