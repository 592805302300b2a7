package org.initbench.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.initbench.init.InitContext;
import org.initbench.init.InitRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelGraphTest {

    @ParameterizedTest
    @ValueSource(strings = {"resnet20", "vgg11bn", "mobilenetv2", "plaincnn"})
    void probedForwardEqualsTheBlocksOwnForward(String arch) {
        Network net = Models.build(arch, 3, 10, 0.25);
        ModelGraph g = ModelGraph.of(net);
        assertThat(g.leaves().stream().filter(l -> l.layer() != null).map(l -> l.layer().path()))
                .containsExactlyElementsOf(net.layers().stream().map(Layer::path).toList());
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, InitRegistry.load().resolve("kaiming-normal").strategy(), 1);
            for (boolean training : new boolean[] {false, true}) {
                try (NDManager sub = m.newSubManager()) {
                    ParameterStore ps = new ParameterStore(sub, false);
                    NDArray x = sub.create(gaussian(2 * 3 * 32 * 32), net.inputShape(2));
                    float[] own = net.block().forward(ps, new NDList(x), training).singletonOrThrow().toFloatArray();
                    List<String> seen = new ArrayList<>();
                    NDArray probed = g.forward(ps, x, training, (node, y) -> seen.add(node.name()));
                    assertThat(probed.toFloatArray()).containsExactly(own);
                    assertThat(seen).containsAll(net.layers().stream().map(Layer::path).toList());
                    assertThat(probed.getShape().slice(1)).isEqualTo(g.root().outputShape().slice(1));
                }
            }
        }
    }

    @Test
    void theProbeCanStopThePass() {
        Network net = Models.build("resnet20", 3, 10, 0.25);
        ModelGraph g = ModelGraph.of(net);
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, InitRegistry.load().resolve("kaiming-normal").strategy(), 1);
            List<String> seen = new ArrayList<>();
            NDArray out = g.forward(new ParameterStore(m, false), m.create(gaussian(3072), net.inputShape(1)), false,
                    (node, y) -> seen.add(node.name()) && !node.name().equals("layer1.0.conv1"));
            assertThat(out).isNull();
            assertThat(seen).endsWith("layer1.0.conv1").doesNotContain("layer1.0.bn1");
        }
    }

    @Test
    void unknownBlocksAreNamed() {
        SequentialBlock b = new SequentialBlock().add(Activation.reluBlock()).add(Activation.tanhBlock());
        Network net = new Network("custom", Norm.BN, 3, 10, 1.0, 32, b, List.of());
        assertThatThrownBy(() -> ModelGraph.of(net)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("LambdaBlock 'Tanh'").hasMessageContaining("#1")
                .hasMessageContaining(MomentRule.class.getName());
    }

    /** A custom block declaring its rule becomes one CUSTOM leaf. */
    @Test
    void customBlocksDeclareTheirMomentRule() {
        class Doubler extends LambdaBlock implements MomentRule {
            Doubler() {
                super(l -> new NDList(l.singletonOrThrow().mul(2)), "doubler");
            }

            @Override
            public Moments propagate(Moments in, Shape shape) {
                return new Moments(2 * in.mean(), 4 * in.variance());
            }
        }
        SequentialBlock b = new SequentialBlock().add(new Doubler()).add(Activation.reluBlock());
        ModelGraph g = ModelGraph.of(new Network("custom", Norm.BN, 3, 10, 1.0, 32, b, List.of()));
        assertThat(g.leaves()).extracting(ModelGraph.Leaf::op)
                .containsExactly(ModelGraph.Op.CUSTOM, ModelGraph.Op.RELU);
        assertThat(g.leaves().get(0).name()).isEqualTo("#0:Doubler");
    }

    static float[] gaussian(int n) {
        SplittableRandom rng = new SplittableRandom(42);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        return x;
    }
}
