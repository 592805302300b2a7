package org.initbench.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates DJL layers for one {@link Norm} variant and records each in the inventory with its path,
 * role and position. Building never initializes: the blocks get their parameter arrays later, in
 * {@code Models.materialize}.
 *
 * <p>Under {@link Norm#WEIGHTNORM} every conv and linear is a {@link WeightNormBlock} and always has
 * a bias (as in Arpit et al.'s WN nets, whose {@code nn.Conv2d} keep PyTorch's default bias=True: the
 * bias takes over the β of the removed BN). Batch norms are added only under {@link Norm#BN}.
 */
final class LayerRecorder {
    /** DJL keeps the weight of the old running value: DJL 0.9 equals PyTorch momentum 0.1. */
    static final float BN_MOMENTUM_DJL = 0.9f;

    static final float BN_EPSILON = 1e-5f;

    private final Norm norm;
    private final List<Layer> layers = new ArrayList<>();

    LayerRecorder(Norm norm) {
        this.norm = norm;
    }

    Norm norm() {
        return norm;
    }

    List<Layer> layers() {
        return layers;
    }

    /** The conv {@code c} at {@code pos}: padding k/2 (weight-normalized, with bias, under WEIGHTNORM). */
    Block conv(Pos pos, Conv c) {
        Block b;
        boolean hasBias = c.bias() || norm == Norm.WEIGHTNORM;
        if (norm == Norm.WEIGHTNORM) {
            b = WeightNormBlock.conv(c.in(), c.out(), c.kernel(), c.stride(), c.groups());
        } else {
            b = Conv2d.builder()
                    .setKernelShape(new Shape(c.kernel(), c.kernel()))
                    .optStride(new Shape(c.stride(), c.stride()))
                    .optPadding(new Shape(c.kernel() / 2, c.kernel() / 2))
                    .setFilters(c.out())
                    .optGroups(c.groups())
                    .optBias(c.bias())
                    .build();
        }
        layers.add(new Layer(c.path(), LayerKind.CONV, c.role(), pos.stage, pos.block, c.in(), c.out(), c.kernel(),
                c.stride(), c.groups(), hasBias, pos.residual, null, b));
        return b;
    }

    /**
     * Adds to {@code into} a batch norm over {@code channels}, normalizing the output of the layer at
     * {@code normalizes}, when the variant has batch norm; otherwise adds nothing.
     */
    void batchNorm(SequentialBlock into, Pos pos, String path, Role role, String normalizes, int channels) {
        if (norm != Norm.BN) {
            return;
        }
        Block b = BatchNorm.builder().optMomentum(BN_MOMENTUM_DJL).optEpsilon(BN_EPSILON).build();
        layers.add(new Layer(path, LayerKind.BATCH_NORM, role, pos.stage, pos.block, channels,
                channels, 1, 1, 1, false, pos.residual, normalizes, b));
        into.add(b);
    }

    /** A learned scalar added to the activation (Fixup), parameter {@code bias}. */
    Block scalarBias(Pos pos, String path, Role role) {
        return scalar(pos, path, role, LayerKind.SCALAR_BIAS);
    }

    /** A learned scalar multiplier (Fixup's {@code scale}), parameter {@code weight}. */
    Block scale(Pos pos, String path, Role role) {
        return scalar(pos, path, role, LayerKind.SCALE);
    }

    /**
     * The learned α that multiplies a residual branch's output before the add ({@code --branch-scalar}),
     * parameter {@code weight}; {@code role} is that of the layer ending the branch.
     */
    Block branchScalar(Pos pos, String path, Role role) {
        return scalar(pos, path, role, LayerKind.BRANCH_SCALAR);
    }

    private Block scalar(Pos pos, String path, Role role, LayerKind kind) {
        Block b = new ScalarBlock(kind != LayerKind.SCALAR_BIAS);
        layers.add(new Layer(path, kind, role, pos.stage, pos.block, 1, 1, 1, 1, 1, false,
                pos.residual, null, b));
        return b;
    }

    Block linear(String path, int in, int out) {
        Block b = norm == Norm.WEIGHTNORM
                ? WeightNormBlock.linear(in, out)
                : Linear.builder().setUnits(out).optBias(true).build();
        layers.add(new Layer(path, LayerKind.LINEAR, Role.CLASSIFIER, -1, -1, in, out, 1, 1, 1,
                true, false, null, b));
        return b;
    }

    /**
     * A conv as the architecture describes it: {@link #of} gives a 3x3, stride-1, ungrouped conv
     * without bias; the {@code with}-methods change one field each.
     *
     * @param path module path, e.g. {@code layer1.0.conv1}
     * @param role the conv's part in the architecture
     * @param in input channels
     * @param out output channels
     * @param kernel square kernel size
     * @param stride stride in both directions
     * @param groups conv groups (the channel count for depthwise)
     * @param bias whether the conv has a bias (always under WEIGHTNORM)
     */
    record Conv(String path, Role role, int in, int out, int kernel, int stride, int groups, boolean bias) {
        static Conv of(String path, Role role, int in, int out) {
            return new Conv(path, role, in, out, 3, 1, 1, false);
        }

        Conv kernel(int k) {
            return new Conv(path, role, in, out, k, stride, groups, bias);
        }

        Conv stride(int s) {
            return new Conv(path, role, in, out, kernel, s, groups, bias);
        }

        Conv groups(int g) {
            return new Conv(path, role, in, out, kernel, stride, g, bias);
        }

        Conv withBias() {
            return new Conv(path, role, in, out, kernel, stride, groups, true);
        }
    }

    /** Position of a layer: stage and block index, and whether it is on a residual branch. */
    record Pos(int stage, int block, boolean residual) {
        static final Pos OUTSIDE = new Pos(-1, -1, false);
    }
}
