package org.initbench.init.builtin;

import java.util.Map;
import org.initbench.init.InitStrategy;
import org.initbench.init.Orthogonals;

/**
 * Saxe, McClelland and Ganguli 2014, "Exact solutions to the nonlinear dynamics of learning in
 * deep linear neural networks", ICLR 2014, arXiv:1312.6120 — PyTorch's {@code orthogonal_}, one of
 * seed 000's baselines.
 *
 * <p>Every Conv2d and Linear weight (shortcut projections, depthwise convs and the classifier
 * included), viewed as the row-major matrix [C_out, fan_in] = [C_out, (C_in/groups)·kH·kW], is a
 * Haar-random semi-orthogonal matrix times gain ({@link Orthogonals#matrix}: QR of a Gaussian
 * matrix with the sign of diag(R) fixed): W·Wᵀ = gain²·I when C_out ≤ fan_in (element variance
 * gain²/fan_in), WᵀW = gain²·I otherwise (gain²/C_out). Biases 0; BN γ = 1, β = 0. Default gain
 * {@value #DEFAULT_GAIN}, torch's (the paper's nets are linear; use gain √2 to match He's variance
 * under ReLU).
 */
public final class Orthogonal extends Scheme {
    static final String DEFAULT_GAIN = "1";

    public Orthogonal() {
        super("orthogonal",
                "Haar-orthogonal rows (or columns) of W as [C_out, fan_in], × gain; biases 0; "
                + "BN γ=1, β=0",
                "Saxe, McClelland, Ganguli 2014, Exact solutions to the nonlinear dynamics of learning "
                + "in deep linear neural networks, ICLR, arXiv:1312.6120",
                gainOption(DEFAULT_GAIN));
    }

    @Override
    public InitStrategy create(Map<String, String> options) {
        double gain = number(options, "gain");
        return EveryWeight.strategy((ctx, layer) -> {
            int rows = Math.toIntExact(layer.weightShape().get(0));
            int cols = ctx.size(layer, "weight") / rows;
            ctx.set(layer, "weight", Orthogonals.matrix(ctx.rng(layer, "weight"), rows, cols, gain));
        });
    }
}
