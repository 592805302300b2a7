package org.initbench.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.initbench.data.DatasetName;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.initbench.model.Norm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code initbench models}: every architecture (canonical id, with the older ids it still accepts)
 * with its parameter count and depth.
 */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = {"List architectures with trainable parameters and config depth (#Conv2d + #Linear).",
            ModelsCommand.VGG_NOTE, ModelsCommand.BRANCH_SCALAR_NOTE})
public final class ModelsCommand implements Callable<Integer> {
    static final String VGG_NOTE = "A VGG id names the architecture, --norm its normalization (default bn):"
            + " torchvision's vgg16_bn is vgg16 here, torchvision's vgg16 is vgg16 --norm none;"
            + " the aliases (vgg16bn, ...) are the ids of earlier versions and still work.";

    static final String BRANCH_SCALAR_NOTE = "--branch-scalar adds one learned α per residual block (x + α·F(x),"
            + " SkipInit/ReZero) to the residual nets (resnet*, mobilenetv2) under any --norm: as many parameters"
            + " as residual blocks.";

    @Spec CommandSpec spec;

    @Option(names = "--dataset", defaultValue = "cifar10",
            description = "Dataset that sets input channels and classes; default ${DEFAULT-VALUE}.")
    String dataset;

    @Option(names = "--norm", description = "Norm variant: bn, none or weightnorm; default each arch's own"
            + " (bn; none for plaincnn, which refuses bn).")
    String norm;

    @Mixin RecipeOptions.BranchScalar branchScalar;

    @Override
    public Integer call() {
        DatasetName d = DatasetName.parse(dataset);
        Norm wanted = norm == null ? null : Norm.parse(norm);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-12s %-10s %12s %6s %16s  %-8s  (%s: %d input channel(s), %d classes%s)%n", "arch", "norm",
                "params", "depth", "residual blocks", "aliases", d.id(), d.channels(), d.numClasses(),
                branchScalar.value ? "; with --branch-scalar: one α per residual block" : "");
        for (String id : Models.ids()) {
            Norm n = wanted == null ? Models.defaultNorm(id) : wanted;
            if (n == Norm.BN && Models.defaultNorm(id) != Norm.BN) {
                continue; // plaincnn has no BN variant
            }
            if (branchScalar.value && !Models.hasResidualBranches(id)) {
                continue; // VGG and plaincnn have no residual branch to scale
            }
            Network net = Models.build(id, d.channels(), d.numClasses(), 1.0, n, branchScalar.value);
            List<String> aliases = Models.aliases(id);
            out.printf("%-12s %-10s %,12d %6d %16d  %s%n", id, n.id(), net.parameterCount(), net.depth(),
                    net.residualBlockCount(), aliases.isEmpty() ? "-" : String.join(", ", aliases));
        }
        out.println(VGG_NOTE);
        out.println(BRANCH_SCALAR_NOTE);
        return 0;
    }
}
