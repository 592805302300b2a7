package org.initbench.init.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.initbench.BadInputException;
import org.initbench.init.Fans;
import org.initbench.init.InitContext;
import org.initbench.init.InitRegistry;
import org.initbench.init.InitStrategy;
import org.initbench.init.InitStrategyProvider;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.initbench.model.Norm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** skipinit and rezero, and what every other scheme does with the branch scalar α: 1, the ungated net. */
class BranchScalarSchemesTest {

    /**
     * The built-in schemes (not the test plugins on the class path) but skipinit and rezero, and gradinit, which
     * starts α at 1 through its base and then fits a scale to it as to every trainable tensor.
     */
    static Stream<String> otherBuiltIns() {
        return InitRegistry.load().providers().stream()
                .filter(p -> p.getClass().getPackageName().equals(SkipInit.class.getPackageName()))
                .map(InitStrategyProvider::id)
                .filter(id -> !id.equals(SkipInit.ID) && !id.equals(ReZero.ID) && !id.equals(GradInit.ID));
    }

    /** Every other scheme leaves α at 1 on every norm it accepts (InitContext.initScalar). */
    @ParameterizedTest
    @MethodSource("otherBuiltIns")
    void everyOtherSchemeSetsAlphaToOne(String id) {
        int accepted = 0;
        for (Norm norm : Norm.values()) {
            Network net = Models.build("resnet20", 3, 10, 0.25, norm, true);
            try (NDManager m = NDManager.newBaseManager()) {
                Models.materialize(net, m);
                try {
                    // metainit (α is one-dimensional: not tuned) with few steps: its own test checks the algorithm
                    String spec = id.equals(MetaInit.ID) ? "metainit:steps=2,batch=2" : id;
                    InitContext.apply(net, InitRegistry.load().resolve(spec).strategy(), 4,
                            org.initbench.init.SampleBatch.gaussian(4, 3, 1));
                } catch (BadInputException refused) {
                    continue;
                }
                accepted++;
                assertThat(alphas(net)).as(id + " " + norm).hasSize(9).containsOnly(1f);
            }
        }
        assertThat(accepted).as(id + " accepts some norm").isPositive();
    }

    @ParameterizedTest
    @CsvSource({"skipinit, resnet56, none", "rezero, resnet20, bn", "rezero, resnet20, none",
        "rezero, resnet20, weightnorm", "rezero, mobilenetv2, bn"})
    void alphaIsZeroAndTheWeightsHeNormalFanIn(String id, String arch, String norm) {
        Network net = Models.build(arch, 3, 10, 0.5, Norm.parse(norm), true);
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, InitRegistry.load().resolve(id).strategy(), 7);
            assertThat(alphas(net)).hasSize(net.residualBlockCount()).containsOnly(0f);
            // the widest conv has enough entries for a 10 % std check
            Layer widest = net.layers().stream().filter(l -> l.kind() == LayerKind.CONV)
                    .max((a, b) -> Long.compare(a.parameterCount(), b.parameterCount())).orElseThrow();
            float[] w = effective(widest, m);
            double expected = Math.sqrt(2.0 / Fans.of(widest).fanIn());
            assertThat(std(w)).as(widest.path()).isCloseTo(expected, org.assertj.core.data.Percentage.withPercentage(10));
            for (Layer l : net.layers()) {
                if (l.kind() == LayerKind.BATCH_NORM) {
                    assertThat(l.parameters().get("weight").getArray().toFloatArray()).containsOnly(1f);
                    assertThat(l.parameters().get("bias").getArray().toFloatArray()).containsOnly(0f);
                } else if (l.kind() == LayerKind.SCALE) {
                    assertThat(l.parameters().get("weight").getArray().toFloatArray()).containsOnly(1f);
                } else if (l.kind() == LayerKind.SCALAR_BIAS || l.kind().weighted() && l.hasBias()) {
                    assertThat(l.parameters().get("bias").getArray().toFloatArray()).containsOnly(0f);
                }
            }
        }
    }

    @Test
    void skipinitTakesASmallAlpha() {
        Network net = Models.build("resnet20", 3, 10, 0.25, Norm.NONE, true);
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, InitRegistry.load().resolve("skipinit:alpha=0.25").strategy(), 7);
            assertThat(alphas(net)).hasSize(9).containsOnly(0.25f);
        }
        assertThat(InitRegistry.load().resolve("skipinit").spec()).isEqualTo("skipinit:alpha=0");
        assertThatThrownBy(() -> InitRegistry.load().resolve("skipinit:alpha=-1").strategy())
                .isInstanceOf(BadInputException.class).hasMessageContaining("alpha must be >= 0");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "skipinit | resnet20 | bn | true | skipinit needs a residual net with --branch-scalar and --norm none"
            + " (got resnet20 with --norm bn and --branch-scalar)",
        "skipinit | resnet20 | none | false | skipinit needs a residual net with --branch-scalar and --norm none"
            + " (got resnet20 with --norm none, without --branch-scalar)",
        "skipinit | mobilenetv2 | weightnorm | true | skipinit needs a residual net with --branch-scalar and --norm none"
            + " (got mobilenetv2 with --norm weightnorm and --branch-scalar)",
        "rezero | resnet20 | bn | false | rezero needs a residual net with --branch-scalar"
            + " (got resnet20 with --norm bn, without --branch-scalar)",
        "rezero | vgg11 | bn | false | rezero needs a residual net with --branch-scalar"
            + " (got vgg11 with --norm bn, without --branch-scalar)",
    })
    void refusesOtherModelsInOneLine(String id, String arch, String norm, boolean alpha, String message) {
        Network net = Models.build(arch, 3, 10, 0.25, Norm.parse(norm), alpha);
        InitStrategy s = InitRegistry.load().resolve(id).strategy();
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            assertThatThrownBy(() -> InitContext.apply(net, s, 1)).isInstanceOf(BadInputException.class)
                    .hasMessage(message);
        }
    }

    @Test
    void defaultsAreDeclaredOnceAndListed() {
        Map<String, String> skipinit = InitRegistry.load().provider("skipinit").options().stream()
                .collect(java.util.stream.Collectors.toMap(o -> o.name(), o -> o.defaultValue()));
        assertThat(skipinit).containsExactly(Map.entry("alpha", SkipInit.DEFAULT_ALPHA));
        assertThat(SkipInit.DEFAULT_ALPHA).isEqualTo("0");
        assertThat(InitRegistry.load().provider("rezero").options()).isEmpty();
        assertThat(List.of(InitRegistry.load().provider("skipinit").citation(),
                InitRegistry.load().provider("rezero").citation()))
                .anyMatch(c -> c.contains("arXiv:2002.10444")).anyMatch(c -> c.contains("arXiv:2003.04887"));
    }

    private static float[] alphas(Network net) {
        List<Layer> a = net.layers().stream().filter(l -> l.kind() == LayerKind.BRANCH_SCALAR).toList();
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).parameters().get("weight").getArray().getFloat(0);
        }
        return out;
    }

    /** The effective weight: the plain weight, or g·v/‖v‖ per row under weight norm. */
    private static float[] effective(Layer l, NDManager m) {
        if (!l.weightNormalized()) {
            return l.parameters().get("weight").getArray().toFloatArray();
        }
        var v = l.parameters().get("weight_v").getArray();
        var g = l.parameters().get("weight_g").getArray();
        var rows = v.reshape(v.getShape().get(0), -1);
        var norm = rows.square().sum(new int[] {1}, true).sqrt();
        return rows.div(norm).mul(g.reshape(-1, 1)).toFloatArray();
    }

    private static double std(float[] v) {
        double s = 0;
        double s2 = 0;
        for (float x : v) {
            s += x;
            s2 += (double) x * x;
        }
        double mean = s / v.length;
        return Math.sqrt(s2 / v.length - mean * mean);
    }
}
