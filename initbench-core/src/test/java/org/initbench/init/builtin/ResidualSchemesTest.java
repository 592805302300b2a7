package org.initbench.init.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.initbench.BadInputException;
import org.initbench.init.Fans;
import org.initbench.init.InitContext;
import org.initbench.init.InitRegistry;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.initbench.model.Norm;
import org.initbench.model.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** fixup (the seed's BN adaptation) and zero-gamma: exactly which layers are zeroed or scaled. */
class ResidualSchemesTest {

    @Test
    void fixupOnResnet56() {
        Network net = Models.build("resnet56", 3, 10, 1);
        Map<String, float[]> v = init("resnet56", 1, "fixup", 3);
        double scale = 1 / Math.sqrt(27);
        assertThat(net.residualBlockCount()).isEqualTo(27);
        checkStds(net, v, l -> Math.sqrt(2.0 / Fans.of(l).fanOut())
                * (l.role() == Role.BRANCH_LAST ? scale : 1));
        int zeroed = 0;
        int shortcuts = 0;
        for (Layer l : net.layers()) {
            if (l.kind() != LayerKind.BATCH_NORM) {
                continue;
            }
            boolean last = l.path().endsWith(".bn2");
            assertThat(v.get(l.path() + ".weight")).as(l.path()).containsOnly(last ? 0f : 1f);
            assertThat(v.get(l.path() + ".bias")).as(l.path()).containsOnly(0f);
            zeroed += last ? 1 : 0;
            shortcuts += l.role() == Role.SHORTCUT ? 1 : 0;
        }
        assertThat(zeroed).isEqualTo(27);
        assertThat(shortcuts).isEqualTo(2);
        assertThat(v.get("fc.weight")).containsOnly(0f);
        assertThat(v.get("fc.bias")).containsOnly(0f);
    }

    @Test
    void fixupOnMobilenetv2ScalesAndZeroesOnlyProjectionsOfSkipBlocks() {
        Network net = Models.build("mobilenetv2", 3, 10, 1);
        Map<String, float[]> v = init("mobilenetv2", 1, "fixup", 3);
        double scale = 1 / Math.sqrt(10);
        checkStds(net, v, l -> Math.sqrt(2.0 / Fans.of(l).fanOut())
                * (l.role() == Role.PROJECT && l.residual() ? scale : 1));
        int zeroed = 0;
        int projections = 0;
        for (Layer l : net.layers()) {
            if (l.kind() == LayerKind.BATCH_NORM) {
                boolean last = l.role() == Role.PROJECT && l.residual();
                assertThat(v.get(l.path() + ".weight")).as(l.path()).containsOnly(last ? 0f : 1f);
                zeroed += last ? 1 : 0;
                projections += l.role() == Role.PROJECT ? 1 : 0;
            }
        }
        assertThat(zeroed).isEqualTo(10);
        assertThat(projections).isEqualTo(17);
    }

    /** Same streams as kaiming-normal: the only differences are the Fixup rules. */
    @Test
    void fixupWithKaimingClassifierDiffersFromKaimingNormalOnlyByTheFixupRules() {
        Network net = Models.build("resnet20", 3, 10, 0.25);
        Map<String, float[]> fixup = init("resnet20", 0.25, "fixup:classifier=kaiming", 8);
        Map<String, float[]> he = init("resnet20", 0.25, "kaiming-normal", 8);
        for (Layer l : net.layers()) {
            String w = l.path() + ".weight";
            if (l.kind() == LayerKind.BATCH_NORM) {
                continue;
            }
            double factor = Residuals.endsBranch(l) ? 1 / 3.0 : 1; // L = 9
            for (int i = 0; i < he.get(w).length; i++) {
                assertThat((double) fixup.get(w)[i]).as(w)
                        .isCloseTo(he.get(w)[i] * factor, within(1e-6 * Math.abs(he.get(w)[i]) + 1e-12));
            }
        }
    }

    @Test
    void fixupWithoutResidualBlocksIsKaimingNormalWithTheChosenClassifier() {
        Map<String, float[]> kaiming = init("vgg11bn", 0.25, "fixup:classifier=kaiming", 4);
        Map<String, float[]> zero = init("vgg11bn", 0.25, "fixup", 4);
        Map<String, float[]> he = init("vgg11bn", 0.25, "kaiming-normal", 4);
        for (var e : he.entrySet()) {
            assertSame(e.getKey(), kaiming.get(e.getKey()), e.getValue());
            assertSame(e.getKey(), zero.get(e.getKey()), e.getKey().startsWith("classifier.")
                    ? new float[e.getValue().length] : e.getValue());
        }
        float[] bound = init("plaincnn", 0.25, "fixup:classifier=default", 4).get("classifier.bias");
        assertThat(bound).isNotEqualTo(new float[bound.length]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet20", "mobilenetv2", "vgg11bn"})
    void zeroGammaZeroesExactlyTheBranchLastGammas(String arch) {
        Network net = Models.build(arch, 3, 10, 0.25);
        Map<String, float[]> zg = init(arch, 0.25, "zero-gamma", 6);
        Map<String, float[]> base = init(arch, 0.25, "kaiming-normal", 6);
        int zeroed = 0;
        for (var e : base.entrySet()) {
            String path = e.getKey().substring(0, e.getKey().lastIndexOf('.'));
            Layer l = net.layers().stream().filter(x -> x.path().equals(path)).findFirst().orElseThrow();
            boolean zero = l.kind() == LayerKind.BATCH_NORM && e.getKey().endsWith(".weight")
                    && (l.role() == Role.BRANCH_LAST || l.role() == Role.PROJECT && l.residual());
            assertSame(e.getKey(), zg.get(e.getKey()), zero ? new float[e.getValue().length] : e.getValue());
            zeroed += zero ? 1 : 0;
        }
        assertThat(zeroed).isEqualTo(net.residualBlockCount());
        assertThat(zeroed > 0).isEqualTo(!arch.startsWith("vgg"));
    }

    /**
     * On a weight-normed net Fixup's zero classifier is g = 0 with unit-norm v rows, so it learns; v = g
     * = 0 (what a plain zero fill writes) gets no gradient and the net would stay at chance.
     */
    @Test
    void fixupsZeroClassifierOnWeightNormIsAZeroThatLearns() {
        Map<String, float[]> v = init("vgg11bn", 0.25, Norm.WEIGHTNORM, "fixup", 4);
        float[] g = v.get("classifier.weight_g");
        float[] dir = v.get("classifier.weight_v");
        assertThat(g).containsOnly(0f);
        int cols = dir.length / g.length;
        for (int r = 0; r < g.length; r++) {
            assertThat(RoleAwareTest.norm(dir, r * cols, cols)).as("row %d", r).isCloseTo(1, within(1e-5));
        }
        assertThat(RoleAwareTest.gradientNormsOfG("vgg11bn", "fixup").get("classifier")).isPositive();
    }

    @Test
    void zeroGammaRunsItsBase() {
        assertThat(init("resnet20", 0.25, "zero-gamma:base=pytorch-default", 2).get("fc.bias"))
                .isEqualTo(init("resnet20", 0.25, "pytorch-default", 2).get("fc.bias"));
    }

    /** Without BN on the branches there is no γ to zero: refused in one line, not silently skipped. */
    @ParameterizedTest
    @ValueSource(strings = {"fixup", "zero-gamma"})
    void residualNetsWithoutBnAreRefused(String id) {
        for (Norm norm : new Norm[] {Norm.NONE, Norm.WEIGHTNORM}) {
            assertThatThrownBy(() -> init("resnet20", 0.25, norm, id, 1))
                    .isInstanceOf(BadInputException.class)
                    .hasMessageContaining("--norm bn").hasMessageContaining("--norm " + norm.id());
        }
        assertThat(init("plaincnn", 0.25, Norm.NONE, id, 1)).isNotEmpty();
        assertThat(init("vgg11bn", 0.25, Norm.WEIGHTNORM, id, 1)).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"zero-gamma", "pa-rewiring", "stabilize-strength"})
    void badBaseIsBadInputNamingTheValidIds(String id) {
        InitRegistry registry = InitRegistry.load();
        assertThatThrownBy(() -> registry.resolve(id + ":base=" + id))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("valid: ").hasMessageContaining("kaiming-normal");
        assertThatThrownBy(() -> registry.resolve(id + ":base=nope"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("kaiming-normal");
        assertThatThrownBy(() -> Bases.resolve(id, id)).isInstanceOf(BadInputException.class);
    }

    /** Exact equality (AssertJ's containsExactly is slow on large arrays). */
    static void assertSame(String what, float[] actual, float[] expected) {
        assertThat(Arrays.equals(actual, expected)).as(what).isTrue();
    }

    /** Initializes a fresh {@code arch} (a block is materialized once); every parameter's values. */
    static Map<String, float[]> init(String arch, double width, String spec, long seed) {
        return init(arch, width, Models.defaultNorm(arch), spec, seed);
    }

    static Map<String, float[]> init(String arch, double width, Norm norm, String spec, long seed) {
        Network net = Models.build(arch, 3, 10, width, norm);
        Map<String, float[]> out = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, InitRegistry.load().resolve(spec).strategy(), seed);
            for (Layer l : net.layers()) {
                for (var p : l.parameters().entrySet()) {
                    out.put(l.path() + "." + p.getKey(), p.getValue().getArray().toFloatArray());
                }
            }
        }
        return out;
    }

    /**
     * Sample std of every conv of at least 1000 weights against the expected std σ: the sample std
     * of n normals has standard error σ/√(2n); the mean has σ/√n. Both within 6 standard errors.
     */
    static void checkStds(Network net, Map<String, float[]> v, ToDoubleFunction<Layer> expected) {
        int checked = 0;
        for (Layer l : net.layers()) {
            float[] w = v.get(l.path() + ".weight");
            if (l.kind() != LayerKind.CONV || w.length < 1000) {
                continue;
            }
            double mean = 0;
            double sq = 0;
            for (float x : w) {
                mean += x;
                sq += (double) x * x;
            }
            mean /= w.length;
            double std = Math.sqrt(sq / w.length - mean * mean);
            double sigma = expected.applyAsDouble(l);
            assertThat(std).as(l.path()).isCloseTo(sigma, within(6 * sigma / Math.sqrt(2.0 * w.length)));
            assertThat(mean).as(l.path()).isCloseTo(0, within(6 * sigma / Math.sqrt(w.length)));
            checked++;
        }
        assertThat(checked).isGreaterThan(20);
    }
}
