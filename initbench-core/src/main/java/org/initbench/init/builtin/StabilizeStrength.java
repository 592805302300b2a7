package org.initbench.init.builtin;

import java.util.List;
import java.util.Map;
import org.initbench.BadInputException;
import org.initbench.init.InitContext;
import org.initbench.init.InitOption;
import org.initbench.init.InitStrategy;
import org.initbench.model.Layer;

/**
 * Scabini, De Baets, Bruno 2022, "Improving Deep Neural Network Random Initialization Through
 * Neuronal Rewiring", arXiv:2207.08148; reference {@code stabilize_strength(initializer, W, K=100)}
 * in scabini/PArewiring_weights {@code weight_rewiring.py}: a random search for low strength
 * variance.
 *
 * <p>The {@code base} scheme is drawn K times (draw 0 with the run's seed, draw k &gt; 0 with the seed
 * derived for {@code "stabilize-strength/k"}); every conv and linear weight, viewed as [C_out,
 * fan_in], keeps the draw with the smallest J = (Var(column sums) + Var(row sums)) / 2 (unbiased
 * variances of the signed strengths), chosen per layer. Biases and BN γ/β are draw 0's, i.e. the
 * base's. K = 1 is the base itself.
 *
 * <p>Unlike the reference, every redraw is the base applied to the real layer: the reference applies
 * the initializer to the 2-D view after the first draw, so fan_out-based initializers see fan_out =
 * C_out instead of C_out·k² there (harmless for the README's {@code orthogonal_}). Default base
 * {@code kaiming-normal} (the README's ResNet-50 base and the seed's baseline) rather than the
 * README's {@code orthogonal_}: the search costs K whole-model draws of the base, about 0.3 s of
 * CPU each on VGG-16-BN for kaiming-normal but about 90 s for this project's orthogonal (Java
 * Householder QR of the 512 × 4608 layers), so {@code base=orthogonal} is for small nets or
 * small K.
 */
public final class StabilizeStrength extends Bases.Wrapper {
    static final String ID = "stabilize-strength";
    /** Not the README's orthogonal: see the class comment. */
    static final String DEFAULT_BASE = "kaiming-normal";
    /** The reference's default number of draws. */
    static final int DEFAULT_K = 100;

    public StabilizeStrength() {
        super(ID,
                "base scheme drawn K times; each conv/linear keeps the draw with the least strength variance",
                "Scabini, De Baets, Bruno 2022, Improving DNN Random Initialization Through Neuronal Rewiring,"
                + " arXiv:2207.08148",
                DEFAULT_BASE, InitOption.number("K", Integer.toString(DEFAULT_K), "number of draws (integer >= 1)"));
    }

    @Override
    InitStrategy wrap(InitStrategy base, Map<String, String> options) {
        double kValue = number(options, "K");
        if (kValue < 1 || kValue != Math.rint(kValue) || kValue > 1_000_000) {
            throw new BadInputException("init '" + ID + "': K must be an integer in [1, 1000000], got "
                    + options.get("K"));
        }
        int draws = (int) kValue;
        return ctx -> {
            List<Layer> weighted = ctx.network().layers().stream()
                    .filter(l -> l.kind().weighted()).toList();
            float[][] best = new float[weighted.size()][];
            double[] bestSpread = new double[weighted.size()];
            java.util.Arrays.fill(bestSpread, Double.POSITIVE_INFINITY);
            for (int k = draws - 1; k >= 0; k--) { // draw 0 last: it leaves the base's biases and BN
                InitContext draw = k == 0 ? ctx : ctx.reseeded(ID + "/" + k);
                base.initialize(draw);
                for (int i = 0; i < weighted.size(); i++) {
                    Layer layer = weighted.get(i);
                    float[] w = ctx.get(layer, "weight");
                    int rows = layer.outChannels();
                    double spread = Rewiring.strengthSpread(w, rows, w.length / rows);
                    if (spread <= bestSpread[i]) {
                        bestSpread[i] = spread;
                        best[i] = w;
                    }
                }
            }
            for (int i = 0; i < weighted.size(); i++) {
                ctx.set(weighted.get(i), "weight", best[i]);
            }
        };
    }
}
