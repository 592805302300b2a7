package org.initbench.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.initbench.init.InitContext;
import org.initbench.init.InitRegistry;
import org.initbench.init.SampleBatch;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BatchInputTest {

    @ParameterizedTest
    @CsvSource({"resnet20, 3", "mobilenetv2, 1"})
    void channelsLastInputHasTheSameValuesAndGivesTheSameOutputs(String arch, int channels) {
        SampleBatch s = SampleBatch.gaussian(4, channels, 5);
        int[] labels = new int[4];
        HostBatch b = new HostBatch(s.images(), labels, 4, channels);
        assertThat(BatchInput.toNhwc(new float[] {1, 2, 3, 4, 5, 6}, 1, 2, 3)).containsExactly(1, 4, 2, 5, 3, 6);
        Network net = Models.build(arch, channels, 10, 0.25);
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, InitRegistry.load().resolve("kaiming-normal").strategy(), 1);
            NDArray plain = m.create(FloatBuffer.wrap(b.images()), new Shape(4, channels, 32, 32));
            NDArray x = BatchInput.images(m, b);
            assertThat(x.getShape()).isEqualTo(plain.getShape());
            assertThat(x.toFloatArray()).containsExactly(plain.toFloatArray());
            ParameterStore ps = new ParameterStore(m, false);
            for (boolean training : new boolean[] {false, true}) {
                float[] a = net.block().forward(ps, new NDList(x), training).singletonOrThrow().toFloatArray();
                float[] e = net.block().forward(ps, new NDList(plain), training).singletonOrThrow().toFloatArray();
                double scale = Arrays.stream(box(e)).mapToDouble(Math::abs).max().orElse(1);
                for (int i = 0; i < e.length; i++) {
                    assertThat((double) a[i]).as("output %d (training %s)", i, training)
                            .isCloseTo(e[i], within(1e-4 * scale));
                }
            }
        }
    }

    private static Float[] box(float[] v) {
        Float[] out = new Float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }
}
