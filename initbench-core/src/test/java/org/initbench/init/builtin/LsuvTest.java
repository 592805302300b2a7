package org.initbench.init.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.initbench.BadInputException;
import org.initbench.init.InitContext;
import org.initbench.init.InitRegistry;
import org.initbench.init.SampleBatch;
import org.initbench.model.LayerKind;
import org.initbench.model.ModelGraph;
import org.initbench.model.Models;
import org.initbench.model.Moments;
import org.initbench.model.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LsuvTest {

    /** After LSUV every conv and linear output has variance 1 ± tol on the batch it saw. */
    @ParameterizedTest
    @CsvSource({"resnet20,eval", "vgg11bn,train", "mobilenetv2,eval", "plaincnn,eval"})
    void unitOutputVarianceOnEveryLayer(String arch, String bnMode) {
        Network net = Models.build(arch, 3, 10, 0.25);
        SampleBatch batch = batch(8, 5);
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, InitRegistry.load().resolve("lsuv:bn-mode=" + bnMode).strategy(), 4, batch);
            Map<String, Moments> got = new LinkedHashMap<>();
            try (NDManager sub = m.newSubManager()) {
                ModelGraph.of(net).forward(new ParameterStore(sub, false), sub.create(batch.images(), batch.shape()),
                        bnMode.equals("train"), (node, y) -> {
                            if (node instanceof ModelGraph.Leaf l && l.layer() != null && l.layer().kind() != LayerKind.BATCH_NORM) {
                                got.put(node.name(), AutoInitTest.pooled(y));
                            }
                            return true;
                        });
            }
            assertThat(got).hasSize(net.depth());
            got.forEach((name, mo) -> assertThat(Math.abs(mo.variance() - 1)).as(name + " variance " + mo.variance())
                    .isLessThan(0.1));
        }
    }

    @Test
    void needsData() {
        Network net = Models.build("plaincnn", 3, 10, 0.25);
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            assertThatThrownBy(() -> InitContext.apply(net, InitRegistry.load().resolve("lsuv").strategy(), 1))
                    .isInstanceOf(BadInputException.class).hasMessageContaining("lsuv needs data");
        }
        assertThat(InitRegistry.load().provider("lsuv").dataDependent()).isTrue();
    }

    static SampleBatch batch(int size, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[size * 3 * 32 * 32];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.5 + 2 * rng.nextGaussian());
        }
        return new SampleBatch(x, new int[size], size, 3, 32, 32);
    }
}
