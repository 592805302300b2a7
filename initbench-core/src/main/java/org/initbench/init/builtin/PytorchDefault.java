package org.initbench.init.builtin;

import java.util.Map;
import org.initbench.init.Fans;
import org.initbench.init.InitContext;
import org.initbench.init.InitStrategy;
import org.initbench.model.Layer;

/**
 * What a PyTorch user gets with no init code: each module's own {@code reset_parameters}.
 *
 * <ul>
 *   <li>Conv2d and Linear weight: {@code kaiming_uniform_(W, a=√5)}, i.e. U(−b, b) with b =
 *       gain·√3/√fan_in, gain = √(2/(1+5)), so b = 1/√fan_in (variance 1/(3·fan_in)).
 *   <li>Conv2d and Linear bias: U(−1/√fan_in, 1/√fan_in).
 *   <li>BatchNorm2d: γ = 1, β = 0.
 *   <li>Fixup's scalar biases 0 and multipliers 1 ({@code nn.Parameter(torch.zeros(1))} and
 *       {@code ones(1)}, {@link InitContext#initScalar}).
 *   <li>Weight-normalized layers: v = the weight above, g = ‖v‖ per row, as {@code weight_norm}
 *       wrapping a default-initialized module.
 * </ul>
 *
 * <p>Source: PyTorch {@code torch/nn/modules/conv.py} and {@code linear.py} ({@code
 * reset_parameters}), {@code batchnorm.py} ({@code reset_parameters}); the a=√5 rationale is
 * discussed in pytorch/pytorch issues #15314 and #57109.
 */
public final class PytorchDefault extends Scheme implements InitStrategy {

    public PytorchDefault() {
        super("pytorch-default",
                "PyTorch module defaults: W, b ~ U(±1/√fan_in); BN γ=1, β=0",
                "PyTorch torch.nn Conv2d/Linear/BatchNorm2d reset_parameters (kaiming_uniform_, a=√5)");
    }

    @Override
    public InitStrategy create(Map<String, String> options) {
        return this;
    }

    @Override
    public void initialize(InitContext ctx) {
        EveryWeight.forEach(ctx, PytorchDefault::reset);
    }

    /** One Conv2d or Linear at its {@code reset_parameters}: W and b ~ U(±1/√fan_in). */
    static void reset(InitContext ctx, Layer layer) {
        double bound = 1.0 / Math.sqrt(Fans.of(layer).fanIn());
        ctx.uniform(layer, "weight", bound);
        if (ctx.has(layer, "bias")) {
            ctx.uniform(layer, "bias", bound);
        }
    }
}
