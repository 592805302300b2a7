package org.initbench.init.builtin;

import org.initbench.BadInputException;
import org.initbench.init.Fans;
import org.initbench.init.InitContext;
import org.initbench.init.Nonlinearity;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.initbench.model.Network;
import org.initbench.model.Norm;
import org.initbench.model.Role;

/** Where a residual branch ends, and what ends it, for the schemes that treat it specially. */
final class Residuals {
    private Residuals() {}

    /**
     * Whether the conv ends a residual branch (ResNet conv2, MobileNetV2 projection of a block with a
     * skip), or the norm normalizes such a conv (a norm carries its conv's role). Shortcut
     * projections and the projections of blocks without a skip are not branch ends.
     */
    static boolean endsBranch(Layer layer) {
        return layer.residual() && (layer.role() == Role.BRANCH_LAST || layer.role() == Role.PROJECT);
    }

    /**
     * Refuses a residual net whose branches end without a BN (norm-free or weight-normalized
     * variants), where a scheme built on zeroing the last BN γ has nothing to zero; nets without
     * residual blocks pass.
     */
    static void requireBranchBn(InitContext ctx, String id) {
        boolean residual = ctx.network().layers().stream().anyMatch(Residuals::endsBranch);
        boolean bn = ctx.network().layers().stream()
                .anyMatch(l -> l.kind() == LayerKind.BATCH_NORM && endsBranch(l));
        if (residual && !bn) {
            throw new BadInputException(id + " zeroes the last BN γ of each residual branch and needs"
                    + " --norm bn (got " + ctx.network().arch() + " with --norm "
                    + ctx.network().norm().id() + "); for norm-free ResNets see fixup-original");
        }
    }

    /**
     * The rule SkipInit and ReZero give every weight but α: He normal, W ~ N(0, 2/fan_in) (PyTorch's {@code
     * kaiming_normal_} at its defaults, He et al. 2015's forward rule, the init of He et al. 2016's CIFAR
     * ResNets) on every conv and linear, classifier and shortcut projections included; biases 0; BN γ = 1,
     * β = 0; Fixup's scalars neutral; α = {@code alpha} on every branch scalar.
     */
    static void heWithBranchScalars(InitContext ctx, double alpha) {
        double relu = Fans.gain(Nonlinearity.RELU, 0);
        EveryWeight.forEach(ctx, (c, layer) -> {
            c.normal(layer, "weight", relu / Math.sqrt(Fans.of(layer).fanIn()));
            EveryWeight.zeroBias(c, layer);
        });
        for (Layer layer : ctx.network().layers()) {
            if (layer.kind() == LayerKind.BRANCH_SCALAR) {
                ctx.fill(layer, "weight", (float) alpha);
            }
        }
    }

    /**
     * Refuses a net without branch scalars ({@code --branch-scalar}), or, with {@code normFree}, one that
     * normalizes ({@code --norm} other than {@code none}): one line naming what {@code id} needs.
     */
    static void requireBranchScalars(InitContext ctx, String id, boolean normFree) {
        Network net = ctx.network();
        if (!net.branchScalar() || normFree && net.norm() != Norm.NONE) {
            throw new BadInputException(id + " needs a residual net with --branch-scalar"
                    + (normFree ? " and --norm none" : "") + " (got " + net.arch() + " with --norm " + net.norm().id()
                    + (net.branchScalar() ? " and --branch-scalar" : ", without --branch-scalar") + ")");
        }
    }

    /**
     * The seed's BN Fixup factor for a branch-end conv, L^(−1/2), L = residual blocks (at least 1):
     * ×0.19245 on ResNet-56. Under BN it changes no function, only that conv's effective learning rate.
     */
    static double bnBranchEndScale(InitContext ctx) {
        return Math.pow(Math.max(1, ctx.config().residualBlocks()), -0.5);
    }

    /**
     * Fixup's depth factor L^(−1/(2m−2)) for a weight layer inside a residual branch (Zhang, Dauphin,
     * Ma 2019, rule 2): L = residual blocks of the net, m = convs on this layer's branch (2 for a
     * BasicBlock: L^(−1/2); 3 for a MobileNetV2 inverted residual: L^(−1/4)).
     */
    static double depthScale(Network net, Layer layer) {
        long m = net.layers().stream()
                .filter(l -> l.kind() == LayerKind.CONV && l.residual()
                        && l.stage() == layer.stage() && l.block() == layer.block())
                .count();
        return Math.pow(net.residualBlockCount(), -1.0 / (2 * m - 2));
    }
}
