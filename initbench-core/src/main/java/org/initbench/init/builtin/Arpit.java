package org.initbench.init.builtin;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.initbench.init.Fans;
import org.initbench.init.InitOption;
import org.initbench.init.InitStrategy;
import org.initbench.init.Orthogonals;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.initbench.model.Network;
import org.initbench.model.Norm;

/**
 * Arpit, Campos, Bengio 2019, "How to Initialize your Network? Robust Initialization for
 * WeightNorm &amp; ResNets", NeurIPS 2019, arXiv:1906.02341; the repo's {@code orthogonal_proposed}
 * (victorcampos7/weightnorm-init {@code src/models/init.py}, {@code residual_blocks.py}).
 *
 * <p>For every conv (and no classifier): g = √(γ·fan_in/fan_out) with γ = 2 for a layer followed by
 * a ReLU (stem, branch conv1, plain, MobileNetV2 expand/depthwise/head: ReLU6 counted as ReLU), γ =
 * 1/B_k for the last conv of a residual branch in stage k (B_k = residual blocks in that stage, as
 * the code's {@code 1. / resblocks_per_stage}), γ = 1 for shortcut projections and MobileNetV2's
 * projections without a skip (no ReLU follows). Direction: Haar-orthogonal ({@code orthogonal_},
 * default) or Gaussian ({@code direction=gaussian}, the code's {@code proposed}). Fans are
 * PyTorch's, except that fan_out of a grouped (depthwise) conv is divided by its groups so that g
 * counts one group's outputs (PyTorch's fan_out would give g = √(2/C)). Biases 0.
 *
 * <ul>
 *   <li>{@code --norm weightnorm}: v = the direction, g as above.
 *   <li>{@code --norm none}: the same effective weight without WN: each direction row rescaled to
 *       norm g (element variance γ/fan_out, §4's equivalence); Fixup's scalars neutral (0, 1).
 *   <li>{@code --norm bn}: what the repo's {@code proposed_init} does to a net without WN: N(0,
 *       2/fan_out) on every conv (γ is ignored there), biases 0, BN γ = 1, β = 0.
 *   <li>Classifier: PyTorch's default U(±1/√fan_in) for weight and bias, as the repo leaves it (on
 *       a WN net, g = ‖w‖ per row: the same effective weight).
 * </ul>
 */
public final class Arpit extends Scheme {
    static final String DEFAULT_DIRECTION = "orthogonal";
    /** γ of a layer followed by a ReLU. */
    static final double RELU_GAMMA = 2.0;

    public Arpit() {
        super("arpit",
                "WeightNorm init: orthogonal v, g = √(γ·fan_in/fan_out), γ = 2 (ReLU), 1/B_k (last branch conv),"
                + " 1 (shortcut); classifier PyTorch default",
                "Arpit, Campos, Bengio 2019, How to Initialize your Network? Robust Initialization for"
                + " WeightNorm & ResNets, NeurIPS 2019, arXiv:1906.02341",
                InitOption.choice("direction", DEFAULT_DIRECTION,
                "direction of each weight row (orthogonal_proposed or proposed)", List.of("orthogonal", "gaussian")));
    }

    @Override
    public InitStrategy create(Map<String, String> options) {
        boolean orthogonal = options.get("direction").equals("orthogonal");
        return ctx -> EveryWeight.forEach(ctx, (c, layer) -> {
            Network net = c.network();
            Fans fans = Fans.of(layer);
            if (layer.kind() == LayerKind.LINEAR) {
                PytorchDefault.reset(c, layer);
                return;
            }
            EveryWeight.zeroBias(c, layer);
            if (net.norm() == Norm.BN) {
                c.normal(layer, "weight", Math.sqrt(RELU_GAMMA / fans.fanOut()));
                return;
            }
            double g = Math.sqrt(gamma(net, layer) * fans.fanIn() / (fans.fanOut() / layer.groups()));
            float[] v = direction(c.rng(layer, "weight"), layer.outChannels(), (int) fans.fanIn(), orthogonal);
            if (layer.weightNormalized()) {
                c.set(layer, "weight_v", v);
                float[] gs = new float[layer.outChannels()];
                Arrays.fill(gs, (float) g);
                c.set(layer, "weight_g", gs);
            } else {
                c.set(layer, "weight", rowsWithNorm(v, layer.outChannels(), g));
            }
        });
    }

    /** γ of a conv by its role; see the class comment. */
    static double gamma(Network net, Layer layer) {
        return switch (layer.role()) {
            case BRANCH_LAST -> 1.0 / blocksInStage(net, layer.stage());
            case PROJECT -> layer.residual() ? 1.0 / blocksInStage(net, layer.stage()) : 1.0;
            case SHORTCUT -> 1.0;
            default -> RELU_GAMMA;
        };
    }

    /** B_k: the residual blocks of stage {@code stage}. */
    static long blocksInStage(Network net, int stage) {
        return net.layers().stream().filter(l -> l.residual() && l.stage() == stage)
                .map(Layer::block).distinct().count();
    }

    private static float[] direction(RandomGenerator rng, int rows, int cols, boolean orthogonal) {
        if (orthogonal) {
            return Orthogonals.matrix(rng, rows, cols, 1.0);
        }
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rng.nextGaussian() / Math.sqrt(cols));
        }
        return v;
    }

    /** Each row of {@code v} scaled to Euclidean norm {@code g}. */
    private static float[] rowsWithNorm(float[] v, int rows, double g) {
        int cols = v.length / rows;
        float[] w = new float[v.length];
        for (int i = 0; i < rows; i++) {
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += (double) v[i * cols + j] * v[i * cols + j];
            }
            double f = g / Math.sqrt(sum);
            for (int j = 0; j < cols; j++) {
                w[i * cols + j] = (float) (v[i * cols + j] * f);
            }
        }
        return w;
    }
}
