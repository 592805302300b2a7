package org.initbench.init.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.initbench.init.Fans;
import org.initbench.init.InitRegistry;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.initbench.testkit.Stats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Declared statistics of the torch.nn.init schemes on every conv and linear layer of the full-width
 * ResNet-56 with at least {@value #MIN} weights (stage 3 and, with 200 classes, the 64×200
 * classifier): sample mean and std within {@value #Z} standard errors of the declared values, and a
 * KS test of the shape at α = 0.001.
 */
class ClassicSchemesTest {
    static final int MIN = 10_000;
    static final double Z = 5;
    static final double NORMAL_KURTOSIS = 3;
    static final double UNIFORM_KURTOSIS = 1.8;

    /** The declared law of one layer's weights. */
    record Law(double mean, double std, double kurtosis, DoubleUnaryOperator cdf) {
        static Law normal(double mean, double std) {
            return new Law(mean, std, NORMAL_KURTOSIS, Stats.normalCdf(mean, std));
        }

        static Law uniform(double a, double b) {
            return new Law((a + b) / 2, (b - a) / Math.sqrt(12), UNIFORM_KURTOSIS, Stats.uniformCdf(a, b));
        }

        static Law symmetricUniform(double bound) {
            return uniform(-bound, bound);
        }
    }

    interface LawOf {
        Law of(Layer layer);
    }

    /** Checks every big layer of the full-width ResNet-56 (200 classes) and returns how many. */
    static int check(String spec, LawOf law) {
        Initialized init = Initialized.of("resnet56", 200, 1.0, spec, 7);
        List<Layer> layers = init.weighted(MIN);
        for (Layer l : layers) {
            checkLayer(init.get(l, "weight"), law.of(l), spec + " " + l.path());
        }
        assertThat(layers).extracting(Layer::kind).contains(LayerKind.CONV, LayerKind.LINEAR);
        return layers.size();
    }

    static void checkLayer(float[] w, Law law, String what) {
        int n = w.length;
        assertThat(Stats.mean(w)).as(what + " mean")
                .isCloseTo(law.mean(), within(Stats.meanTolerance(law.std(), n, Z)));
        assertThat(Stats.std(w)).as(what + " std")
                .isCloseTo(law.std(), within(Stats.stdTolerance(law.std(), law.kurtosis(), n, Z)));
        assertThat(Stats.ksStatistic(w, law.cdf())).as(what + " KS D").isLessThan(Stats.ksCritical(n));
    }

    private static double sumFans(Layer l) {
        return Fans.of(l).fanIn() + Fans.of(l).fanOut();
    }

    @Test
    void bigLayersIncludeStageThreeAndTheClassifier() {
        assertThat(check("normal", l -> Law.normal(0, 1))).isEqualTo(19);
    }

    @Test
    void normalTakesMeanAndStd() {
        check("normal:mean=0.5,std=0.1", l -> Law.normal(0.5, 0.1));
    }

    @Test
    void uniformDefaultsToZeroOne() {
        check("uniform", l -> Law.uniform(0, 1));
        check("uniform:a=-3,b=-1", l -> Law.uniform(-3, -1));
    }

    @Test
    void xavierUniform() {
        check("xavier-uniform", l -> Law.symmetricUniform(Math.sqrt(6 / sumFans(l))));
        check("xavier-uniform:gain=2", l -> Law.symmetricUniform(2 * Math.sqrt(6 / sumFans(l))));
    }

    @Test
    void xavierNormal() {
        check("xavier-normal", l -> Law.normal(0, Math.sqrt(2 / sumFans(l))));
        check("xavier-normal:gain=0.5", l -> Law.normal(0, 0.5 * Math.sqrt(2 / sumFans(l))));
    }

    @Test
    void kaimingUniformDefaultsToFanInWithGainSqrtTwo() {
        check("kaiming-uniform", l -> Law.symmetricUniform(Math.sqrt(6.0 / Fans.of(l).fanIn())));
        check("kaiming-uniform:mode=fan_out,nonlinearity=tanh",
                l -> Law.symmetricUniform(Math.sqrt(3) * 5 / 3 / Math.sqrt(Fans.of(l).fanOut())));
    }

    @Test
    void lecunNormal() {
        check("lecun-normal", l -> Law.normal(0, 1 / Math.sqrt(Fans.of(l).fanIn())));
    }

    /** Every scheme built on {@link EveryWeight}: conv and linear biases 0, BN γ = 1 and β = 0. */
    @ParameterizedTest
    @ValueSource(strings = {"zeros", "constant", "normal", "uniform", "xavier-uniform",
        "xavier-normal", "kaiming-uniform", "kaiming-normal", "lecun-normal", "truncated-normal",
        "orthogonal"})
    void biasesZeroAndNormsOneZero(String id) {
        for (String arch : List.of("vgg11bn", "plaincnn")) {
            Initialized init = Initialized.of(arch, 10, 0.25, id, 3);
            for (Layer l : init.net().layers()) {
                if (l.kind() == LayerKind.BATCH_NORM) {
                    assertThat(init.get(l, "weight")).as(l.path()).containsOnly(1f);
                }
                assertThat(init.get(l, "bias")).as(l.path()).containsOnly(0f);
            }
        }
    }

    @Test
    void zerosAndConstantSetExactValues() {
        Initialized zeros = Initialized.of("vgg11bn", 10, 0.25, "zeros", 3);
        Initialized constant = Initialized.of("resnet20", 10, 0.25, "constant", 3);
        Initialized negative = Initialized.of("mobilenetv2", 10, 0.25, "constant:value=-0.5", 3);
        for (Initialized init : List.of(zeros, constant, negative)) {
            float expected = init == zeros ? 0f : init == constant ? 0.01f : -0.5f;
            for (Layer l : init.net().layers()) {
                if (l.kind() != LayerKind.BATCH_NORM) {
                    assertThat(init.get(l, "weight")).as(l.path()).containsOnly(expected);
                }
            }
        }
    }

    @Test
    void defaultsArePinned() {
        InitRegistry r = InitRegistry.load();
        assertThat(r.resolve("constant").spec()).isEqualTo("constant:value=0.01");
        assertThat(r.resolve("normal").spec()).isEqualTo("normal:mean=0,std=1");
        assertThat(r.resolve("uniform").spec()).isEqualTo("uniform:a=0,b=1");
        assertThat(r.resolve("xavier-uniform").spec()).isEqualTo("xavier-uniform:gain=1");
        assertThat(r.resolve("xavier-normal").spec()).isEqualTo("xavier-normal:gain=1");
        assertThat(r.resolve("kaiming-uniform").spec())
                .isEqualTo("kaiming-uniform:mode=fan_in,nonlinearity=leaky_relu,a=0");
        assertThat(r.resolve("truncated-normal").spec())
                .isEqualTo("truncated-normal:mean=0,std=1,a=-2,b=2,correct=false");
        assertThat(r.resolve("orthogonal").spec()).isEqualTo("orthogonal:gain=1");
        assertThat(r.resolve("torchvision").spec()).isEqualTo("torchvision:zero-init-residual=false");
        assertThat(r.resolve("zeros").spec()).isEqualTo("zeros");
        assertThat(r.resolve("lecun-normal").spec()).isEqualTo("lecun-normal");
        assertThat(r.resolve("zer-o").spec()).isEqualTo("zer-o:scale=paper");
        assertThat(r.resolve("idinit").spec()).isEqualTo("idinit:tau=1,epsilon=1e-6,conv=patch");
        assertThat(r.providers().stream()
                .filter(p -> p.getClass().getPackage() == Zeros.class.getPackage() && !p.randomized())
                .map(p -> p.id())).containsExactlyInAnyOrder("zeros", "constant", "zer-o", "idinit");
    }
}
