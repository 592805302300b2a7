package org.initbench.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.util.Random;
import org.initbench.data.HostBatch;
import org.initbench.init.InitContext;
import org.initbench.init.InitRegistry;
import org.initbench.model.Layer;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.initbench.model.Norm;
import org.initbench.train.Sgd;
import org.initbench.train.SgdConfig;
import org.initbench.train.TrainStep;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The norm-free and weight-normalized ResNets train: finite losses, and the scalars and g move. */
class NormTrainingTest {

    @ParameterizedTest(name = "{0} with {1}")
    @CsvSource({"none, fixup-original", "weightnorm, arpit", "weightnorm, kaiming-normal"})
    void resnet20TrainsAFewSteps(String norm, String init) {
        Network net = Models.build("resnet20", 1, 10, 0.25, Norm.parse(norm));
        Random r = new Random(3);
        float[] images = new float[8 * 32 * 32];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) r.nextGaussian();
        }
        HostBatch batch = new HostBatch(images, new int[] {0, 1, 2, 3, 4, 5, 6, 7}, 8, 1);
        try (NDManager root = NDManager.newBaseManager()) {
            Models.materialize(net, root);
            InitContext.apply(net, InitRegistry.load().resolve(init).strategy(), 1);
            Layer moving = net.layers().get(1); // bias1 (none) or layer1.0.conv1 (weightnorm)
            String name = norm.equals("none") ? "bias" : "weight_g";
            float[] before = moving.parameters().get(name).getArray().toFloatArray();
            Sgd sgd = new Sgd(net.trainableParameters(), new SgdConfig(0.9, 5e-4, false), root);
            ParameterStore ps = new ParameterStore(root, false);
            float first = Float.NaN;
            float last = Float.NaN;
            for (int i = 0; i < 4; i++) {
                last = TrainStep.train(net, ps, sgd, root, batch, 0.05).loss();
                assertThat(last).as("step " + i).isFinite();
                if (i == 0) {
                    first = last;
                }
            }
            assertThat(last).as("the loss falls on a batch it sees again").isLessThan(first);
            assertThat(moving.parameters().get(name).getArray().toFloatArray()).isNotEqualTo(before);
        }
    }
}
