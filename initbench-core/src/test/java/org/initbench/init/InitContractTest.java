package org.initbench.init;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.initbench.BadInputException;
import org.initbench.Seeds;
import org.initbench.model.Layer;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.initbench.model.Norm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every registered strategy (plugins included) keeps, on every architecture, on norm
 * variants and on branch-scalar variants: it sets every weight, bias, BN gamma/beta, scalar and weight-norm g/v to
 * finite values of the right shape; the same seed gives the same values and another seed different
 * ones (for random schemes); BN running statistics stay 0/1. A strategy may refuse a model with a
 * one-line {@link BadInputException}, and nothing else; each must accept at least one model.
 */
class InitContractTest {
    /** The third field of a {@link #MODELS} entry for a net built with {@code --branch-scalar}. */
    static final String ALPHA = "branch-scalar";

    /**
     * Every architecture with its own norm, the norm-free and weight-normalized variants of a residual, a
     * plain and an inverted-residual net, and the residual and inverted-residual nets with a branch scalar
     * ({@code --branch-scalar}) under bn and none: {arch, norm, {@link #ALPHA} or ""}.
     */
    static final List<String[]> MODELS = Stream.of(
            Models.ids().stream().map(a -> new String[] {a, Models.defaultNorm(a).id(), ""}),
            Stream.of("resnet20", "vgg11bn", "mobilenetv2").flatMap(a -> Stream.of(
                    new String[] {a, "none", ""}, new String[] {a, "weightnorm", ""})),
            Stream.of("resnet20", "mobilenetv2").flatMap(a -> Stream.of(
                    new String[] {a, "bn", ALPHA}, new String[] {a, "none", ALPHA})))
            .flatMap(s -> s).toList();

    /** A fixed N(0, 1) batch of 4 images for data-dependent strategies; the others ignore it. */
    static final SampleBatch SAMPLE = SampleBatch.gaussian(4, 3, 17);

    /**
     * The schemes that optimize (thousands of passes at their defaults) run here with few iterations and small
     * batches; their own tests check the algorithm.
     */
    static final Map<String, String> QUICK = Map.of("gradinit", "gradinit:iters=2,batch=4",
            "metainit", "metainit:steps=2,batch=2");

    static ResolvedInit resolve(String id) {
        return InitRegistry.load().resolve(QUICK.getOrDefault(id, id));
    }

    static Stream<Arguments> strategiesAndArchs() {
        return InitRegistry.load().providers().stream().flatMap(p -> MODELS.stream()
                .map(m -> Arguments.of(p.id(), m[0], m[1], m[2])));
    }

    @ParameterizedTest(name = "{0} on {1} ({2} {3})")
    @MethodSource("strategiesAndArchs")
    void setsEveryParameterFinitelyAndDeterministically(String id, String arch, String norm, String alpha) {
        ResolvedInit init = resolve(id);
        Map<String, float[]> a;
        try {
            a = values(arch, norm, alpha, init, 11);
        } catch (BadInputException e) {
            assertThat(e.getMessage()).as("a refusal is one clear line").isNotBlank().doesNotContain("\n");
            return;
        }
        Map<String, float[]> b = values(arch, norm, alpha, init, 11);
        Map<String, float[]> c = values(arch, norm, alpha, init, 12);
        boolean anyDiffers = false;
        for (var e : a.entrySet()) {
            int nonFinite = 0;
            for (float v : e.getValue()) {
                nonFinite += Float.isFinite(v) ? 0 : 1;
            }
            assertThat(nonFinite).as("non-finite values in %s", e.getKey()).isZero();
            assertThat(java.util.Arrays.equals(b.get(e.getKey()), e.getValue())).as("same seed, same %s", e.getKey()).isTrue();
            anyDiffers |= !java.util.Arrays.equals(e.getValue(), c.get(e.getKey()));
            if (e.getKey().endsWith("running_mean")) {
                assertThat(e.getValue()).containsOnly(0f);
            }
            if (e.getKey().endsWith("running_var")) {
                assertThat(e.getValue()).containsOnly(1f);
            }
        }
        boolean random = InitRegistry.load().provider(id).randomized();
        assertThat(anyDiffers).as("another seed changes the values").isEqualTo(random);
    }

    /** A strategy that refuses every model is broken, not cautious. */
    @ParameterizedTest
    @MethodSource("ids")
    void acceptsSomeModel(String id) {
        ResolvedInit init = resolve(id);
        long accepted = MODELS.stream().filter(m -> {
            try {
                values(m[0], m[1], m[2], init, 1);
                return true;
            } catch (BadInputException e) {
                return false;
            }
        }).count();
        assertThat(accepted).isPositive();
    }

    static Stream<String> ids() {
        return InitRegistry.load().providers().stream().map(InitStrategyProvider::id);
    }

    private static Map<String, float[]> values(String arch, String norm, String alpha, ResolvedInit init,
            long seed) {
        Network net = Models.build(arch, 3, 10, 0.25, Norm.parse(norm), ALPHA.equals(alpha));
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
