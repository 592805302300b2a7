package org.initbench.init.builtin;

import java.util.Map;
import org.initbench.BadInputException;
import org.initbench.init.Fans;
import org.initbench.init.InitContext;
import org.initbench.init.InitStrategy;
import org.initbench.init.Nonlinearity;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.initbench.model.Norm;

/**
 * Zhang, Dauphin, Ma 2019, "Fixup Initialization: Residual Learning Without Normalization", ICLR
 * 2019, arXiv:1901.09321; as the official CIFAR code does it (hongyi-zhang/Fixup {@code
 * cifar/models/fixup_resnet_cifar.py}). Only for norm-free ResNets ({@code --norm none}, which adds
 * Fixup's scalar biases and multipliers); anything else is bad input.
 *
 * <ul>
 *   <li>Branch convs except the last (conv1): N(0, σ²), σ = √(2/fan_out)·L^(−1/(2m−2)), He normal
 *       in <b>fan_out</b> mode as the official code's {@code sqrt(2 / (w.shape[0] *
 *       prod(w.shape[2:])))}; L = residual blocks, m = convs per branch (2: L^(−1/2), e.g. 1/3
 *       for resnet20, 0.19245 for resnet56).
 *   <li>Last conv of each branch (conv2): 0.
 *   <li>Scalar biases 0, multipliers 1.
 *   <li>Classifier: weight 0 and bias 0.
 *   <li>Stem conv: not re-initialized by the official code, so PyTorch's default U(±1/√fan_in).
 *   <li>Shortcut 1x1 projection (ours; CIFAR Fixup has a parameter-free one): N(0, 2/fan_out)
 *       unscaled, as the official ImageNet code initializes its downsample convs.
 *   <li>No BN, and the convs have no biases, in this architecture.
 * </ul>
 */
public final class FixupOriginal extends Scheme implements InitStrategy {

    public FixupOriginal() {
        super("fixup-original",
                "Fixup for norm-free ResNets: branch conv1 He fan_out × L^(-1/(2m-2)), last branch conv 0,"
                + " classifier 0, scalar biases 0, multipliers 1 (needs --norm none)",
                "Zhang, Dauphin, Ma 2019, Fixup Initialization: Residual Learning Without Normalization,"
                + " ICLR 2019, arXiv:1901.09321");
    }

    @Override
    public InitStrategy create(Map<String, String> options) {
        return this;
    }

    @Override
    public void initialize(InitContext ctx) {
        var net = ctx.network();
        if (net.norm() != Norm.NONE || net.layers().stream().noneMatch(l -> l.kind() == LayerKind.SCALE)) {
            throw new BadInputException("fixup-original needs a norm-free ResNet: --norm none (got "
                    + net.arch() + " with --norm " + net.norm().id() + ")");
        }
        double relu = Fans.gain(Nonlinearity.RELU, 0);
        for (Layer layer : net.layers()) {
            if (ctx.initScalar(layer)) {
                continue;
            }
            switch (layer.role()) {
                case STEM -> ctx.uniform(layer, "weight", 1.0 / Math.sqrt(Fans.of(layer).fanIn()));
                case BRANCH_FIRST, BRANCH_INNER -> ctx.normal(layer, "weight",
                        relu / Math.sqrt(Fans.of(layer).fanOut()) * Residuals.depthScale(net, layer));
                case BRANCH_LAST, CLASSIFIER -> ctx.fill(layer, "weight", 0f);
                case SHORTCUT -> ctx.normal(layer, "weight", relu / Math.sqrt(Fans.of(layer).fanOut()));
                default -> throw new IllegalStateException("fixup-original: unexpected " + layer.role()
                        + " layer " + layer.path());
            }
            if (ctx.has(layer, "bias")) {
                ctx.fill(layer, "bias", 0f);
            }
        }
    }
}
