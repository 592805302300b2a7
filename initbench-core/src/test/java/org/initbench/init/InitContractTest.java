package org.initbench.init;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.initbench.Seeds;
import org.initbench.model.Layer;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every registered strategy (plugins included) keeps, on every architecture: it sets
 * every weight, bias and BN gamma/beta to finite values of the right shape; the same seed gives the
 * same values and another seed different ones (for random schemes); BN running statistics stay 0/1.
 */
class InitContractTest {
    /** One architecture of each family: residual + BN, plain + BN, inverted residual, no norm. */
    static final List<String> FAMILIES = List.of("resnet20", "vgg11bn", "mobilenetv2", "plaincnn");

    /** A fixed N(0, 1) batch of 4 images for data-dependent strategies; the others ignore it. */
    static final SampleBatch SAMPLE = sample(4, 3, 17);

    static SampleBatch sample(int size, int channels, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[size * channels * 32 * 32];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        return new SampleBatch(x, size, channels, 32, 32);
    }

    static Stream<Arguments> strategiesAndArchs() {
        return InitRegistry.load().providers().stream().flatMap(p -> FAMILIES.stream()
                .map(arch -> Arguments.of(p.id(), arch)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("strategiesAndArchs")
    void setsEveryParameterFinitelyAndDeterministically(String id, String arch) {
        ResolvedInit init = InitRegistry.load().resolve(id);
        Map<String, float[]> a = values(arch, init, 11);
        Map<String, float[]> b = values(arch, init, 11);
        Map<String, float[]> c = values(arch, init, 12);
        boolean anyDiffers = false;
        for (var e : a.entrySet()) {
            for (float v : e.getValue()) {
                assertThat(Float.isFinite(v)).as(e.getKey()).isTrue();
            }
            assertThat(b.get(e.getKey())).as(e.getKey()).containsExactly(e.getValue());
            anyDiffers |= !java.util.Arrays.equals(e.getValue(), c.get(e.getKey()));
            if (e.getKey().endsWith("running_mean")) {
                assertThat(e.getValue()).containsOnly(0f);
            }
            if (e.getKey().endsWith("running_var")) {
                assertThat(e.getValue()).containsOnly(1f);
            }
        }
        boolean random = InitRegistry.load().providers().stream().filter(p -> p.id().equals(id))
                .findFirst().orElseThrow().randomized();
        assertThat(anyDiffers).as("another seed changes the values").isEqualTo(random);
    }

    private static Map<String, float[]> values(String arch, ResolvedInit init, long seed) {
        Network net = Models.build(arch, 3, 10, 0.25);
        Map<String, float[]> out = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, init.strategy(), seed, SAMPLE);
            for (Layer l : net.layers()) {
                for (Map.Entry<String, Parameter> p : l.parameters().entrySet()) {
                    out.put(l.path() + "." + p.getKey(), p.getValue().getArray().toFloatArray());
                }
            }
        }
        return out;
    }

    /** A parameter's values come from hash(seed, path) alone, whatever the visiting order. */
    @ParameterizedTest
    @MethodSource("archs")
    void drawsArePerParameter(String arch) {
        Network net = Models.build(arch, 3, 10, 0.25);
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, InitRegistry.load().resolve("kaiming-normal").strategy(), 99);
            Layer last = net.layers().stream().filter(l -> l.kind() == org.initbench.model.LayerKind.CONV)
                    .reduce((x, y) -> y).orElseThrow();
            float[] actual = last.parameters().get("weight").getArray().toFloatArray();
            SplittableRandom rng = new SplittableRandom(Seeds.derive(99, last.path() + ".weight"));
            double std = Math.sqrt(2.0 / Fans.of(last).fanOut());
            for (int i = 0; i < 16; i++) {
                assertThat(actual[i]).isEqualTo((float) (rng.nextGaussian() * std));
            }
        }
    }

    static Stream<String> archs() {
        return Stream.of("resnet20", "vgg11bn", "mobilenetv2");
    }
}
