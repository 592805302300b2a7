package org.initbench.init.builtin;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.initbench.BadInputException;
import org.initbench.init.Fans;
import org.initbench.init.InitOption;
import org.initbench.init.InitStrategy;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.initbench.model.Role;

/**
 * The init written into torchvision's model files ({@code torchvision/models/resnet.py}, {@code
 * vgg.py}, {@code mobilenetv2.py}), which most CIFAR codebases copy. Per family:
 *
 * <ul>
 *   <li>every Conv2d (stem, branch, shortcut projection, depthwise): {@code kaiming_normal_(mode=
 *       fan_out, relu)}, N(0, 2/fan_out); conv biases (VGG, plaincnn) 0;
 *   <li>BN γ = 1, β = 0; with {@code zero-init-residual=true} (ResNets only, torchvision's option,
 *       Goyal et al. 2017) γ = 0 on the last BN of each residual branch (bn2), never on a shortcut
 *       BN;
 *   <li>classifier: ResNet leaves the Linear at PyTorch's default, W and b ~ U(±1/√fan_in); VGG,
 *       plaincnn and MobileNetV2 set W ~ N(0, 0.01²), b = 0.
 * </ul>
 *
 * <p>plaincnn (no norm) is treated as a VGG. torchvision's VGG has three Linear layers, ours one;
 * the rule is the same for each.
 */
public final class Torchvision extends Scheme {
    static final double LINEAR_STD = 0.01;
    static final String DEFAULT_ZERO_INIT_RESIDUAL = "false";

    public Torchvision() {
        super("torchvision",
                "torchvision model files: conv N(0, 2/fan_out), BN 1/0; FC default (ResNet) or "
                + "N(0, 0.01²) (VGG, MobileNetV2); optional zero-init-residual",
                "torchvision.models resnet.py / vgg.py / mobilenetv2.py; He et al. 2015 "
                + "(arXiv:1502.01852); zero-init-residual: Goyal et al. 2017 (arXiv:1706.02677)",
                InitOption.choice("zero-init-residual", DEFAULT_ZERO_INIT_RESIDUAL,
                "ResNet: γ = 0 on the last BN of each residual branch", List.of("false", "true")));
    }

    @Override
    public InitStrategy create(Map<String, String> options) {
        boolean zeroInitResidual = Boolean.parseBoolean(options.get("zero-init-residual"));
        return ctx -> {
            String arch = ctx.network().arch().toLowerCase(Locale.ROOT);
            boolean resnet = arch.startsWith("resnet");
            if (!resnet && !arch.startsWith("vgg") && !arch.equals("plaincnn")
                    && !arch.equals("mobilenetv2")) {
                throw new BadInputException("init 'torchvision' knows resnet*, vgg*, plaincnn and "
                        + "mobilenetv2, not '" + arch + "'");
            }
            if (zeroInitResidual && !resnet) {
                throw new BadInputException("init 'torchvision': zero-init-residual needs a ResNet "
                        + "(torchvision's option), not '" + arch + "'");
            }
            EveryWeight.forEach(ctx, (c, layer) -> {
                if (layer.kind() == LayerKind.CONV) {
                    c.normal(layer, "weight", Math.sqrt(2.0 / Fans.of(layer).fanOut()));
                    EveryWeight.zeroBias(c, layer);
                } else if (resnet) {
                    PytorchDefault.reset(c, layer);
                } else {
                    c.normal(layer, "weight", LINEAR_STD);
                    c.fill(layer, "bias", 0f);
                }
            });
            int zeroed = 0;
            for (Layer layer : ctx.network().layers()) {
                if (zeroInitResidual && layer.kind() == LayerKind.BATCH_NORM && layer.role() == Role.BRANCH_LAST) {
                    ctx.fill(layer, "weight", 0f);
                    zeroed++;
                }
            }
            if (zeroInitResidual && zeroed == 0) {
                throw new BadInputException("init 'torchvision': zero-init-residual found no BN at "
                        + "the end of a residual branch in '" + arch + "'");
            }
        };
    }
}
