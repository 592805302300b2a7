package org.initbench.model;

import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.List;

/** Small custom networks for analytic tests: stacks of Linear layers on flattened 1x32x32 images. */
public final class TestNets {
    private TestNets() {}

    /**
     * Flatten, then {@code depth} Linear(1024, 1024) layers (paths {@code hidden.i}, role plain, with
     * bias), each followed by a ReLU when {@code relu}, then Linear(1024, classes) ({@code fc}).
     */
    public static Network mlp(int depth, boolean relu, int classes) {
        int width = 32 * 32;
        SequentialBlock b = new SequentialBlock().add(Blocks.batchFlattenBlock());
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < depth; i++) {
            Linear l = Linear.builder().setUnits(width).optBias(true).build();
            layers.add(new Layer("hidden." + i, LayerKind.LINEAR, Role.PLAIN, 0, i, width, width, 1, 1, 1, true,
                    false, null, l));
            b.add(l);
            if (relu) {
                b.add(Activation.reluBlock());
            }
        }
        Linear fc = Linear.builder().setUnits(classes).optBias(true).build();
        layers.add(new Layer("fc", LayerKind.LINEAR, Role.CLASSIFIER, -1, -1, width, classes, 1, 1, 1, true, false,
                null, fc));
        b.add(fc);
        return new Network("mlp" + depth, Norm.NONE, 1, classes, 1.0, 32, b, layers);
    }
}
