package org.initbench.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.util.Random;
import org.initbench.data.HostBatch;
import org.initbench.init.InitContext;
import org.initbench.init.InitRegistry;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.initbench.model.Norm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each batch lives in its own sub-manager: after the first step no array accumulates anywhere under the
 * root, for every norm variant (weight norm computes its effective weights from the parameters on every
 * forward, and those must die with the step too).
 */
class TrainStepMemoryTest {

    @ParameterizedTest
    @EnumSource(Norm.class)
    void managedArraysStayConstantAcrossSteps(Norm norm) {
        Network net = Models.build("resnet20", 1, 10, 0.25, norm);
        Random r = new Random(3);
        float[] images = new float[8 * 32 * 32];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) r.nextGaussian();
        }
        HostBatch batch = new HostBatch(images, new int[] {0, 1, 2, 3, 4, 5, 6, 7}, 8, 1);
        String init = norm == Norm.BN ? "kaiming-normal" : "role-aware";
        try (NDManager root = NDManager.newBaseManager()) {
            Models.materialize(net, root);
            InitContext.apply(net, InitRegistry.load().resolve(init).strategy(), 1);
            Sgd sgd = new Sgd(net.trainableParameters(), new SgdConfig(0.9, 5e-4, false), root);
            ParameterStore ps = new ParameterStore(root, false);
            TrainStep.train(net, ps, sgd, root, batch, 0.1);
            int afterFirst = ((BaseNDManager) root).getManagedArrays().size();
            for (int i = 0; i < 5; i++) {
                assertThat(TrainStep.train(net, ps, sgd, root, batch, 0.1).loss()).isFinite();
            }
            assertThat(((BaseNDManager) root).getManagedArrays()).as("arrays under the root, sub-managers included").hasSize(afterFirst);
        }
    }
}
