package org.initbench.init.builtin;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.initbench.BadInputException;
import org.initbench.init.Fans;
import org.initbench.init.InitOption;
import org.initbench.init.InitStrategy;
import org.initbench.init.InitStrategyProvider;
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
public final class Torchvision implements InitStrategyProvider {
    static final double LINEAR_STD = 0.01;
    static final String DEFAULT_ZERO_INIT_RESIDUAL = "false";

    @Override
    public String id() {
        return "torchvision";
    }

    @Override
    public String summary() {
        return "torchvision model files: conv N(0, 2/fan_out), BN 1/0; FC default (ResNet) or "
                + "N(0, 0.01²) (VGG, MobileNetV2); optional zero-init-residual";
    }

    @Override
    public String citation() {
        return "torchvision.models resnet.py / vgg.py / mobilenetv2.py; He et al. 2015 "
                + "(arXiv:1502.01852); zero-init-residual: Goyal et al. 2017 (arXiv:1706.02677)";
    }

    @Override
    public List<InitOption> options() {
        return List.of(InitOption.choice("zero-init-residual", DEFAULT_ZERO_INIT_RESIDUAL,
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
            int zeroed = 0;
            for (Layer layer : ctx.network().layers()) {
                if (ctx.initScalar(layer)) {
                    continue;
                }
                if (layer.kind() == LayerKind.BATCH_NORM) {
                    boolean zero = zeroInitResidual && layer.role() == Role.BRANCH_LAST;
                    zeroed += zero ? 1 : 0;
                    ctx.fill(layer, "weight", zero ? 0f : 1f);
                    ctx.fill(layer, "bias", 0f);
                } else if (layer.kind() == LayerKind.CONV) {
                    ctx.normal(layer, "weight", Math.sqrt(2.0 / Fans.of(layer).fanOut()));
                    if (ctx.has(layer, "bias")) {
                        ctx.fill(layer, "bias", 0f);
                    }
                } else if (resnet) {
                    double bound = 1 / Math.sqrt(Fans.of(layer).fanIn());
                    ctx.uniform(layer, "weight", bound);
                    ctx.uniform(layer, "bias", bound);
                } else {
                    ctx.normal(layer, "weight", LINEAR_STD);
                    ctx.fill(layer, "bias", 0f);
                }
            }
            if (zeroInitResidual && zeroed == 0) {
                throw new BadInputException("init 'torchvision': zero-init-residual found no BN at "
                        + "the end of a residual branch in '" + arch + "'");
            }
        };
    }
}
