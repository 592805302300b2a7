package org.initbench.init.builtin;

import static org.initbench.init.builtin.RoleTable.LINEAR;

import java.util.random.RandomGenerator;
import org.initbench.init.Fans;
import org.initbench.init.InitContext;
import org.initbench.init.InitStrategy;
import org.initbench.init.Orthogonals;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.initbench.model.Network;
import org.initbench.model.Norm;
import org.initbench.model.Role;

/**
 * role-aware applied to a net: each conv and linear layer by its {@link RoleTable} row and the {@link
 * RoleAwareOptions}, then the BN exceptions (branch ends γ = 0, the max-pooled readout γ = √(2/d)), then weight
 * norm's direction scale. Scalars, every other BN and every bias take the shared neutral values ({@link
 * EveryWeight#forEach}).
 */
final class RoleAwareStrategy implements InitStrategy {
    private final RoleAwareOptions options;

    RoleAwareStrategy(RoleAwareOptions options) {
        this.options = options;
    }

    @Override
    public void initialize(InitContext ctx) {
        Network net = ctx.network();
        boolean normFree = net.norm() != Norm.BN;
        EveryWeight.forEach(ctx, (c, layer) -> {
            EveryWeight.zeroBias(c, layer);
            weight(c, layer, normFree);
            if (layer.weightNormalized() && options.vscale() != 1) {
                c.set(layer, "weight_v", scaled(c.get(layer, "weight_v"), options.vscale()));
            }
        });
        if (normFree) {
            return;
        }
        Layer readout = options.unitReadout() ? Readout.norm(net) : null;
        for (Layer layer : net.layers()) {
            if (layer.kind() != LayerKind.BATCH_NORM) {
                continue;
            }
            if (options.identityBranch() && RoleTable.factor(layer) == RoleTable.Factor.BRANCH_END) {
                ctx.fill(layer, "weight", 0f);
            } else if (layer == readout) {
                ctx.fill(layer, "weight", (float) Math.sqrt(2.0 / Readout.classifierFanIn(net)));
            }
        }
    }

    /** The weight of one conv or linear layer (effective weight under weight norm). */
    private void weight(InitContext ctx, Layer layer, boolean normFree) {
        RoleTable.Row row = RoleTable.row(layer);
        RoleTable.Factor factor = RoleTable.factor(layer);
        if (layer.kind() == LayerKind.LINEAR) {
            if (options.zeroClassifier()) {
                ctx.zeroWeight(layer);
            } else {
                ctx.normal(layer, "weight", LINEAR / Math.sqrt(Fans.of(layer).fanIn()));
            }
        } else if (factor == RoleTable.Factor.BRANCH_END && options.identityBranch() && normFree) {
            ctx.zeroWeight(layer);
        } else if (factor == RoleTable.Factor.BRANCH_END) {
            double depth = options.endDepth() && !normFree ? Residuals.bnBranchEndScale(ctx) : 1;
            conv(ctx, layer, (options.identityBranch() ? LINEAR : row.gain()) * depth
                    * options.fanFactor(layer, normFree));
        } else {
            double depth = normFree && factor == RoleTable.Factor.DEPTH ? options.depthFactor(ctx.network(), layer) : 1;
            double trunk = factor == RoleTable.Factor.TRUNK ? options.trunkFactor(ctx.network().norm()) : 1;
            conv(ctx, layer, row.gain() * depth * options.fanFactor(layer, normFree) * trunk);
        }
    }

    /**
     * Element variance gain²/fan_in. Orthogonal: per group, the [C_out/g, fan_in] matrix is s·Q, Q Haar
     * semi-orthogonal ({@link Orthogonals#matrix}), s = gain·√max(1, (C_out/g)/fan_in), so every singular value is
     * equal and a row has norm gain when C_out/g ≤ fan_in. Gaussian: N(0, gain²/fan_in).
     */
    private void conv(InitContext ctx, Layer layer, double gain) {
        long fanIn = Fans.of(layer).fanIn();
        if (!options.orthogonal()) {
            ctx.normal(layer, "weight", gain / Math.sqrt(fanIn));
            return;
        }
        int rows = layer.outChannels() / layer.groups();
        int cols = Math.toIntExact(fanIn);
        double scale = gain * Math.sqrt(Math.max(1.0, (double) rows / cols));
        RandomGenerator rng = ctx.rng(layer, "weight");
        float[] w = new float[layer.outChannels() * cols];
        for (int g = 0; g < layer.groups(); g++) {
            System.arraycopy(Orthogonals.matrix(rng, rows, cols, scale), 0, w, g * rows * cols, rows * cols);
        }
        ctx.set(layer, "weight", w);
    }

    /** {@code w} × {@code factor}, in place. */
    private static float[] scaled(float[] w, double factor) {
        for (int i = 0; i < w.length; i++) {
            w[i] *= (float) factor;
        }
        return w;
    }

    /** Where the classifier reads BN → ReLU features through max pooling only (VGG, plaincnn). */
    static final class Readout {
        private Readout() {}

        /**
         * The last BN of a plain stack, when no conv follows it; null where the classifier reads globally averaged
         * features (MobileNetV2's head) or a residual sum (ResNet).
         */
        static Layer norm(Network net) {
            Layer last = null;
            for (Layer layer : net.layers()) {
                if (layer.kind() == LayerKind.BATCH_NORM || layer.kind() == LayerKind.CONV) {
                    last = layer;
                }
            }
            return last != null && last.kind() == LayerKind.BATCH_NORM && last.role() == Role.PLAIN ? last : null;
        }

        /** d, the classifier's fan_in. */
        static long classifierFanIn(Network net) {
            return net.layers().stream().filter(l -> l.role() == Role.CLASSIFIER).findFirst()
                    .map(l -> Fans.of(l).fanIn()).orElseThrow();
        }
    }
}
