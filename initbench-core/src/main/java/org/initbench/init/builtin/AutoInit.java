package org.initbench.init.builtin;

import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.initbench.BadInputException;
import org.initbench.init.InitContext;
import org.initbench.init.InitOption;
import org.initbench.init.InitStrategy;
import org.initbench.model.Layer;
import org.initbench.model.Moments;

/**
 * Bingham and Miikkulainen 2023, "AutoInit: Analytic Signal-Preserving Weight Initialization for
 * Neural Networks", AAAI 2023, arXiv:2109.08958 (reference: cognizant-ai-labs/autoinit).
 *
 * <p>Propagates the input's (mean, variance) — by default (0, 1) — through the model graph in
 * forward order ({@link AutoInitPropagation}) and gives every conv and linear weight, the
 * classifier and the shortcut projections included, Var(W) = 1/(fan_in·E[x²_in]) with E[x²_in] the
 * predicted second moment of its input, so each pre-activation has variance 1. PyTorch fans:
 * a depthwise kernel's fan_in is k², which is what the reference's "scale × C_in" over Keras's
 * fan_in k²·C_in amounts to. Draws: a truncated normal cut at ±2 std with the std divided by
 * 0.87962566 so the realized variance is exact (Keras VarianceScaling, the reference's default), or
 * a normal or a uniform of that variance. Biases 0; BN γ = 1, β = 0 (AutoInit ignores them and
 * assumes BN outputs (0, 1)). Defaults: {@code input-mean=0}, {@code input-var=1}, {@code
 * distribution=truncated_normal}, {@code padding=ignore}, {@code moments=sampled}.
 */
public final class AutoInit extends Scheme {
    static final String DEFAULT_INPUT_MEAN = "0";
    static final String DEFAULT_INPUT_VAR = "1";
    static final String DEFAULT_DISTRIBUTION = "truncated_normal";
    /** The reference sets Var(W) ignoring zero padding; {@code compensate} divides it by the valid fraction. */
    static final String DEFAULT_PADDING = "ignore";
    /**
     * {@code analytic}: the reference's rules, which take every activation as normal with its
     * (mean, variance) wherever a ReLU or a pool needs a distribution; {@code sampled} (default):
     * the marginal is carried as a fixed-seed sample of 2^16 values, so a max-pool after a ReLU and
     * a ReLU after a residual add see the true, non-normal shape (same weight rule; the analytic
     * rules mispredict those variances by 20-45% on VGG-16-BN and ResNet-56).
     */
    static final String DEFAULT_MOMENTS = "sampled";
    /** Std of N(0, 1) truncated to ±2. */
    static final double TRUNCATED_STD = 0.87962566103423978;

    public AutoInit() {
        super("autoinit",
                "AutoInit: analytic mean/variance propagation, Var(W) = 1/(fan_in·E[x²_in]); biases 0; BN γ=1, β=0",
                "Bingham, Miikkulainen 2023, AutoInit: Analytic Signal-Preserving Weight Initialization for "
                + "Neural Networks, AAAI 2023, arXiv:2109.08958",
                InitOption.number("input-mean", DEFAULT_INPUT_MEAN, "assumed mean of the input pixels"),
                InitOption.number("input-var", DEFAULT_INPUT_VAR, "assumed variance of the input pixels"),
                InitOption.choice("distribution", DEFAULT_DISTRIBUTION, "weight distribution",
                        List.of("truncated_normal", "normal", "uniform")),
                InitOption.choice("padding", DEFAULT_PADDING, "whether Var(W) compensates zero padding",
                        List.of("ignore", "compensate")),
                InitOption.choice("moments", DEFAULT_MOMENTS, "activation moments: normal formulas or a sample",
                        List.of("analytic", "sampled")));
    }

    @Override
    public InitStrategy create(Map<String, String> options) {
        double var = number(options, "input-var");
        if (!(var > 0)) {
            throw new BadInputException("autoinit: input-var must be > 0, got " + var);
        }
        Moments input = new Moments(number(options, "input-mean"), var);
        String distribution = options.get("distribution");
        boolean compensate = options.get("padding").equals("compensate");
        boolean sampled = options.get("moments").equals("sampled");
        return ctx -> {
            AutoInitPropagation.run(ctx.network(), input, compensate, sampled,
                    (layer, v) -> draw(ctx, layer, distribution, v));
            for (Layer layer : ctx.network().layers()) {
                if (ctx.initScalar(layer)) {
                    continue;
                }
                switch (layer.kind()) {
                    case CONV, LINEAR -> {
                        if (ctx.has(layer, "bias")) {
                            ctx.fill(layer, "bias", 0f);
                        }
                    }
                    case BATCH_NORM -> {
                        ctx.fill(layer, "weight", 1f);
                        ctx.fill(layer, "bias", 0f);
                    }
                    default -> throw new BadInputException("autoinit has no rule for " + layer.kind()
                            + " layers (" + layer.path() + ")");
                }
            }
        };
    }

    private static void draw(InitContext ctx, Layer layer, String distribution, double variance) {
        double std = Math.sqrt(variance);
        if (!distribution.equals("truncated_normal")) {
            if (distribution.equals("normal")) {
                ctx.normal(layer, "weight", std);
            } else {
                ctx.uniform(layer, "weight", Math.sqrt(3) * std);
            }
            return;
        }
        RandomGenerator rng = ctx.rng(layer, "weight");
        float[] w = new float[ctx.size(layer, "weight")];
        for (int i = 0; i < w.length; i++) {
            double z;
            do {
                z = rng.nextGaussian();
            } while (Math.abs(z) >= 2);
            w[i] = (float) (z * std / TRUNCATED_STD);
        }
        ctx.set(layer, "weight", w);
    }
}
