package org.initbench.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates DJL layers and records each in the inventory with its path, role and position. Building
 * never initializes: the blocks get their parameter arrays later, in {@code Models.materialize}.
 */
final class LayerRecorder {
    /** DJL keeps the weight of the old running value: DJL 0.9 equals PyTorch momentum 0.1. */
    static final float BN_MOMENTUM_DJL = 0.9f;

    static final float BN_EPSILON = 1e-5f;

    private final List<Layer> layers = new ArrayList<>();

    List<Layer> layers() {
        return layers;
    }

    /** A k x k conv with padding k/2. */
    Block conv(Pos pos, String path, Role role, int in, int out, int k, int stride, int groups, boolean bias) {
        Block b =
                Conv2d.builder()
                        .setKernelShape(new Shape(k, k))
                        .optStride(new Shape(stride, stride))
                        .optPadding(new Shape(k / 2, k / 2))
                        .setFilters(out)
                        .optGroups(groups)
                        .optBias(bias)
                        .build();
        layers.add(new Layer(path, LayerKind.CONV, role, pos.stage, pos.block, in, out, k, stride,
                groups, bias, pos.residual, null, b));
        return b;
    }

    /** Batch norm over {@code channels}, normalizing the output of the layer at {@code normalizes}. */
    Block batchNorm(Pos pos, String path, Role role, String normalizes, int channels) {
        Block b = BatchNorm.builder().optMomentum(BN_MOMENTUM_DJL).optEpsilon(BN_EPSILON).build();
        layers.add(new Layer(path, LayerKind.BATCH_NORM, role, pos.stage, pos.block, channels,
                channels, 1, 1, 1, false, pos.residual, normalizes, b));
        return b;
    }

    Block linear(String path, int in, int out) {
        Block b = Linear.builder().setUnits(out).optBias(true).build();
        layers.add(new Layer(path, LayerKind.LINEAR, Role.CLASSIFIER, -1, -1, in, out, 1, 1, 1,
                true, false, null, b));
        return b;
    }

    /** Position of a layer: stage and block index, and whether it is on a residual branch. */
    record Pos(int stage, int block, boolean residual) {
        static final Pos OUTSIDE = new Pos(-1, -1, false);
    }
}
