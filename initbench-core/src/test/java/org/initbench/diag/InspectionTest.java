package org.initbench.diag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.initbench.Seeds;
import org.initbench.data.DatasetName;
import org.initbench.diag.InspectReport.InitResult;
import org.initbench.diag.InspectReport.LayerStats;
import org.initbench.diag.InspectReport.ParamStats;
import org.initbench.diag.InspectReport.ResidualStats;
import org.initbench.init.InitContext;
import org.initbench.init.InitOption;
import org.initbench.init.InitRegistry;
import org.initbench.init.InitStrategy;
import org.initbench.init.InitStrategyProvider;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.initbench.model.Role;
import org.initbench.model.TestNets;
import org.initbench.train.TrainStep;
import org.junit.jupiter.api.Test;

/**
 * Per-layer numbers of {@link Inspection} against independent computations: a convolution by hand,
 * DJL's own backward pass, the residual block's branch and shortcut run on their own, constructed
 * dead units, and the analytic cases of the issue (orthogonal linear stack, He ReLU stack, zeros,
 * Fixup, AutoInit's prediction).
 */
class InspectionTest {
    private static final long SEED = 7;
    private static final InitRegistry REGISTRY = InitRegistry.load();

    static InspectConfig config(String arch, List<String> inits, int batch, double width, boolean predict) {
        return new InspectConfig(arch, "fashion-mnist", inits, batch, InspectConfig.Input.GAUSSIAN, SEED, width, null,
                predict);
    }

    /** A Gaussian-input inspection of a built-in arch. */
    static InspectReport inspect(String arch, double width, int batch, boolean predict, String... inits) {
        Inspection i = Inspection.prepare(config(arch, List.of(inits), batch, width, predict), REGISTRY);
        return i.run(i.loadBatch(null, n -> { }));
    }

    /** The same net the inspection built, initialized the same way (init draws from hash(seed, "init")). */
    static Network initialized(Supplier<Network> nets, String init, NDManager m) {
        Network net = nets.get();
        Models.materialize(net, m);
        InitContext.apply(net, REGISTRY.resolve(init).strategy(), Seeds.derive(SEED, "init"));
        return net;
    }

    static Inspection.Batch batch(String arch, int size, double width) {
        return Inspection.prepare(config(arch, List.of("zeros"), size, width, false), REGISTRY).loadBatch(null, n -> { });
    }

    @Test
    void aBf16InspectionMeasuresWhatTheFp32OneDoesWithinBf16Rounding() {
        List<InspectReport> both = new ArrayList<>();
        for (String precision : List.of("fp32", "bf16")) {
            InspectConfig c = new InspectConfig("resnet20", "fashion-mnist", List.of("kaiming-normal"), 16,
                    InspectConfig.Input.GAUSSIAN, SEED, 0.25, null, false, precision);
            Inspection i = Inspection.prepare(c, REGISTRY);
            both.add(i.run(i.loadBatch(null, n -> { })));
        }
        var fp32 = both.get(0).inits().get(0);
        var bf16 = both.get(1).inits().get(0);
        assertThat(bf16.network().loss()).isCloseTo(fp32.network().loss(), within(0.03 * fp32.network().loss()));
        assertThat(bf16.layers()).hasSameSizeAs(fp32.layers());
        for (int l = 0; l < fp32.layers().size(); l++) {
            assertThat(bf16.layers().get(l).outStd()).as(fp32.layers().get(l).path())
                    .isCloseTo(fp32.layers().get(l).outStd(), within(0.05 * fp32.layers().get(l).outStd() + 1e-3));
        }
        assertThat(bf16.network().loss()).isNotEqualTo(fp32.network().loss()); // it did run in bf16
        assertThatThrownBy(() -> new InspectConfig("resnet20", "fashion-mnist", List.of("zeros"), 4,
                InspectConfig.Input.GAUSSIAN, SEED, 1, null, false, "fp16")).hasMessageContaining("fp32, bf16");
    }

    @Test
    void stemStatisticsEqualAConvolutionComputedByHand() {
        int n = 2;
        Supplier<Network> nets = () -> Models.build("plaincnn", 1, 10, 0.25);
        InspectReport r = inspect("plaincnn", 0.25, n, false, "pytorch-default");
        LayerStats stem = r.inits().get(0).layers().get(0);
        assertThat(stem.path()).isEqualTo("features.0");
        float[] x = batch("plaincnn", n, 0.25).images().images();
        try (NDManager m = NDManager.newBaseManager()) {
            Network net = initialized(nets, "pytorch-default", m);
            Layer conv = net.layers().get(0);
            float[] w = conv.parameters().get("weight").getArray().toFloatArray();
            float[] b = conv.parameters().get("bias").getArray().toFloatArray();
            int c = conv.outChannels();
            double[] y = new double[n * c * 32 * 32];
            for (int i = 0; i < n; i++) {
                for (int o = 0; o < c; o++) {
                    for (int h = 0; h < 32; h++) {
                        for (int v = 0; v < 32; v++) {
                            double s = b[o];
                            for (int dh = 0; dh < 3; dh++) {
                                for (int dv = 0; dv < 3; dv++) {
                                    int hh = h + dh - 1;
                                    int vv = v + dv - 1;
                                    if (hh >= 0 && hh < 32 && vv >= 0 && vv < 32) {
                                        s += w[o * 9 + dh * 3 + dv] * x[(i * 32 + hh) * 32 + vv];
                                    }
                                }
                            }
                            y[((i * c + o) * 32 + h) * 32 + v] = s;
                        }
                    }
                }
            }
            double[] relu = new double[y.length];
            for (int k = 0; k < y.length; k++) {
                relu[k] = Math.max(0, y[k]);
            }
            int dead = 0;
            int units = c * 32 * 32;
            for (int u = 0; u < units; u++) {
                boolean allZero = true;
                for (int i = 0; i < n; i++) {
                    allZero &= relu[i * units + u] == 0;
                }
                dead += allZero ? 1 : 0;
            }
            assertThat(stem.outMean()).isCloseTo(mean(y), within(1e-5));
            assertThat(stem.outStd()).isCloseTo(std(y), within(1e-5 * std(y)));
            assertThat(stem.preStd()).isCloseTo(std(y), within(1e-5 * std(y)));
            assertThat(stem.postMean()).isCloseTo(mean(relu), within(1e-5));
            assertThat(stem.postStd()).isCloseTo(std(relu), within(1e-5 * std(relu)));
            assertThat(stem.deadFraction()).isEqualTo((double) dead / units).isBetween(0.05, 0.95);
            assertThat(stem.weightStd()).isCloseTo(std(toDouble(w)), within(1e-6));
        }
    }

    @Test
    void deadUnitsOfAConstructedCaseAreCounted() {
        // stem conv: weights 0, bias +1 on even channels and -1 on odd ones: exactly half the ReLU units die
        InitStrategyProvider halfDead = provider("half-dead", ctx -> {
            for (Layer l : ctx.network().layers()) {
                if (l.path().equals("features.0")) {
                    ctx.fill(l, "weight", 0f);
                    float[] b = new float[l.outChannels()];
                    for (int i = 0; i < b.length; i++) {
                        b[i] = i % 2 == 0 ? 1f : -1f;
                    }
                    ctx.set(l, "bias", b);
                } else {
                    ctx.normal(l, "weight", 0.1);
                    ctx.fill(l, "bias", 0f);
                }
            }
        });
        InitRegistry reg = InitRegistry.of(List.of(halfDead));
        Inspection i = Inspection.of(config("plaincnn", List.of("half-dead"), 4, 0.25, false), DatasetName.FASHION_MNIST,
                () -> Models.build("plaincnn", 1, 10, 0.25), reg);
        LayerStats stem = i.run(i.loadBatch(null, n -> { })).inits().get(0).layers().get(0);
        assertThat(stem.deadFraction()).isEqualTo(0.5);
        assertThat(stem.postMean()).isEqualTo(0.5);
        assertThat(stem.postStd()).isEqualTo(0.5);
    }

    @Test
    void gradientNormsEqualThoseOfDjlsOwnBackwardPass() {
        int n = 8;
        Supplier<Network> nets = () -> Models.build("resnet20", 1, 10, 0.25);
        InspectReport r = inspect("resnet20", 0.25, n, false, "kaiming-normal");
        InitResult res = r.inits().get(0);
        Inspection.Batch b = batch("resnet20", n, 0.25);
        try (NDManager m = NDManager.newBaseManager()) {
            Network net = initialized(nets, "kaiming-normal", m);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.create(b.images().images(), net.inputShape(n));
            long[] y = new long[n];
            for (int i = 0; i < n; i++) {
                y[i] = b.images().labels()[i];
            }
            float loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logits = net.block().forward(ps, new NDList(x), true).singletonOrThrow();
                NDArray l = TrainStep.crossEntropy(logits, m.create(y).toType(DataType.INT64, false), 10);
                gc.backward(l);
                loss = l.getFloat();
            }
            assertThat(res.network().loss()).isCloseTo(loss, within(1e-5));
            int checked = 0;
            for (Layer layer : net.layers()) {
                for (Map.Entry<String, Parameter> e : layer.parameters().entrySet()) {
                    if (!e.getValue().requiresGradient()) {
                        continue;
                    }
                    double g = norm(e.getValue().getArray().getGradient().toFloatArray());
                    ParamStats p = res.parameters().stream()
                            .filter(q -> q.path().equals(layer.path()) && q.name().equals(e.getKey())).findFirst()
                            .orElseThrow();
                    assertThat(p.gradNorm()).as(layer.path() + "." + e.getKey()).isCloseTo(g, within(1e-4 * g + 1e-7));
                    if (p.norm() == 0) { // BN β = 0
                        assertThat(p.gradToWeight()).isNull();
                    } else {
                        assertThat(p.gradToWeight()).isCloseTo(g / p.norm(), within(1e-4 * g / p.norm() + 1e-7));
                    }
                    checked++;
                }
            }
            assertThat(checked).isEqualTo(res.parameters().size()).isEqualTo(21 + 2 * 21 + 2); // conv weights, BN γ/β, fc
            LayerStats first = res.layers().get(0);
            LayerStats last = res.layers().get(res.layers().size() - 1);
            assertThat(res.network().firstLastGradRatio())
                    .isCloseTo(first.weightGradNorm() / last.weightGradNorm(), within(1e-9));
            assertThat(res.network().lnClasses()).isEqualTo(Math.log(10));
        }
    }

    @Test
    void residualBranchAndShortcutVarianceEqualTheBlocksRunOnTheirOwn() {
        int n = 8;
        Supplier<Network> nets = () -> Models.build("resnet20", 1, 10, 0.25);
        ResidualStats first = inspect("resnet20", 0.25, n, false, "kaiming-normal").inits().get(0).residuals().get(0);
        assertThat(first.block()).isEqualTo("layer1.0");
        Inspection.Batch b = batch("resnet20", n, 0.25);
        try (NDManager m = NDManager.newBaseManager()) {
            Network net = initialized(nets, "kaiming-normal", m);
            ParameterStore ps = new ParameterStore(m, false);
            List<Block> top = net.block().getChildren().values();
            NDArray x = m.create(b.images().images(), net.inputShape(n));
            for (int i = 0; i < 3; i++) { // conv1, bn1, relu
                x = top.get(i).forward(ps, new NDList(x), true).singletonOrThrow();
            }
            List<Block> add = top.get(3).getChildren().values().get(0).getChildren().values();
            double branch = variance(add.get(0).forward(ps, new NDList(x), true).singletonOrThrow());
            double shortcut = variance(add.get(1).forward(ps, new NDList(x), true).singletonOrThrow());
            assertThat(first.branchVar()).isCloseTo(branch, within(1e-5 * branch));
            assertThat(first.shortcutVar()).isCloseTo(shortcut, within(1e-5 * shortcut));
            assertThat(first.branchToShortcut()).isCloseTo(branch / shortcut, within(1e-4 * branch / shortcut));
            // branch ends in BN with γ = 1, β = 0 in training mode: variance 1 up to BN's eps
            assertThat(branch).isCloseTo(1, within(1e-3));
        }
    }

    @Test
    void resNetRowsFollowTheBlockStructure() {
        InitResult r = inspect("resnet20", 0.25, 4, false, "kaiming-normal").inits().get(0);
        assertThat(r.layers()).hasSize(22);
        assertThat(r.residuals()).hasSize(9).extracting(ResidualStats::block)
                .containsExactly("layer1.0", "layer1.1", "layer1.2", "layer2.0", "layer2.1", "layer2.2", "layer3.0",
                        "layer3.1", "layer3.2");
        Map<String, LayerStats> by = new java.util.HashMap<>();
        r.layers().forEach(l -> by.put(l.path(), l));
        // conv1 of a block: BN then ReLU; conv2 and the shortcut: the ReLU after the add, fed by the sum
        assertThat(by.get("layer1.0.conv1").nonlinearity()).isEqualTo("relu");
        assertThat(by.get("layer1.0.conv1").preStd()).isCloseTo(1, within(1e-3));
        assertThat(by.get("layer2.0.conv2").preStd()).isEqualTo(by.get("layer2.0.shortcut.0").preStd());
        assertThat(by.get("layer2.0.conv2").preStd() * by.get("layer2.0.conv2").preStd())
                .isCloseTo(r.residuals().get(3).sumVar(), within(1e-9));
        assertThat(by.get("fc").nonlinearity()).isNull();
        assertThat(by.get("fc").deadFraction()).isNull();
    }

    @Test
    void mobileNetProjectionsHaveNoNonlinearity() {
        InitResult r = inspect("mobilenetv2", 0.25, 2, false, "kaiming-normal").inits().get(0);
        assertThat(r.layers()).filteredOn(l -> l.role().equals("project")).isNotEmpty()
                .allSatisfy(l -> assertThat(l.nonlinearity()).isNull());
        assertThat(r.layers()).filteredOn(l -> l.role().equals("expand") || l.role().equals("depthwise"))
                .allSatisfy(l -> assertThat(l.nonlinearity()).isEqualTo("relu6"));
        assertThat(r.residuals()).isNotEmpty();
    }

    @Test
    void orthogonalLinearStackKeepsTheInputNorm() {
        Inspection i = Inspection.of(config("mlp", List.of("orthogonal"), 16, 1, false), DatasetName.FASHION_MNIST,
                () -> TestNets.mlp(12, false, 10), REGISTRY);
        InitResult r = i.run(i.loadBatch(null, n -> { })).inits().get(0);
        double in = second(r.network().inputMean(), r.network().inputStd());
        for (LayerStats l : r.layers().subList(0, 12)) {
            assertThat(second(l.outMean(), l.outStd())).as(l.path()).isCloseTo(in, within(1e-4 * in));
        }
    }

    /**
     * He et al.: with Var(W) = 2/fan_in, E[z_l²] = fan_in·Var(W)·E[h_{l-1}²] = 2·E[h_{l-1}²], and
     * E[relu(z)²] = E[z²]/2 for symmetric z, so every pre-activation of a ReLU stack on N(0, 1) input
     * has second moment 2. Checked per layer against the measured input of that layer (one step:
     * the finite width 1024 leaves about √(2/1024) ≈ 4.4%; 15% allowed), and at depth 20: the
     * AutoInit-rule prediction from the realized weights is 2 within 5%; the measured value carries
     * the one-step errors multiplied along depth (a random walk in log scale: 3.73 at this seed), so
     * it is checked within a factor 2 of 2, where Xavier's Var(W) = 1/fan_in would give 2·2^-19.
     */
    @Test
    void heReluStackKeepsTheSecondMomentAtDepth20() {
        Inspection i = Inspection.of(config("mlp", List.of("kaiming-normal:mode=fan_in"), 128, 1, true),
                DatasetName.FASHION_MNIST, () -> TestNets.mlp(20, true, 10), REGISTRY);
        InitResult r = i.run(i.loadBatch(null, n -> { })).inits().get(0);
        assertThat(r.prediction()).isEqualTo("given-weights");
        double in = second(r.network().inputMean(), r.network().inputStd());
        for (LayerStats l : r.layers().subList(0, 20)) {
            double z = second(l.outMean(), l.outStd());
            assertThat(z / (2 * in)).as(l.path()).isCloseTo(1, within(0.15));
            assertThat(l.predictedOutVar()).as(l.path()).isCloseTo(2, within(0.1));
            in = second(l.postMean(), l.postStd());
        }
        LayerStats last = r.layers().get(19);
        assertThat(last.predictedOutVar()).isCloseTo(2, within(0.1));
        assertThat(second(last.outMean(), last.outStd())).isBetween(1.0, 4.0);
    }

    @Test
    void zerosGiveZeroGradientForEveryHiddenWeight() {
        InitResult r = inspect("resnet20", 0.25, 4, false, "zeros").inits().get(0);
        assertThat(r.layers()).allSatisfy(l -> {
            assertThat(l.weightGradNorm()).isZero();
            assertThat(l.gradToWeight()).isNull(); // 0/0
        });
        assertThat(r.network().logitStd()).isZero();
        assertThat(r.network().loss()).isCloseTo(Math.log(10), within(1e-5));
        assertThat(r.parameters()).filteredOn(p -> p.path().equals("fc") && p.name().equals("bias"))
                .singleElement().satisfies(p -> assertThat(p.gradNorm()).isPositive());
    }

    @Test
    void fixupBranchesStartAtZeroVariance() {
        Supplier<Network> nets = () -> Models.build("resnet20", 1, 10, 0.25);
        InitResult r = inspect("resnet20", 0.25, 4, false, "fixup").inits().get(0);
        try (NDManager m = NDManager.newBaseManager()) {
            Network net = initialized(nets, "fixup", m);
            long zeroGamma = net.layers().stream()
                    .filter(l -> l.kind() == LayerKind.BATCH_NORM && l.role() == Role.BRANCH_LAST)
                    .filter(l -> max(l.parameters().get("weight").getArray().toFloatArray()) == 0).count();
            assertThat(zeroGamma).isEqualTo(r.residuals().size()).isEqualTo(9);
        }
        assertThat(r.residuals()).allSatisfy(s -> {
            assertThat(s.branchVar()).isZero();
            assertThat(s.shortcutVar()).isPositive();
            assertThat(s.sumVar()).isEqualTo(s.shortcutVar());
        });
    }

    /**
     * AutoInit cross-check on a wide net with N(0, 1) input, as AutoInit assumes: a ReLU stack of
     * depth 8 and width 1024, batch 128. Every layer's predicted output variance (1, AutoInit's
     * target) and post-ReLU variance (sampled moments, the default) within 15% of the measured ones.
     * AutoInit fixes every weight before seeing data, so the finite-width and finite-batch error of
     * each layer (a few percent) adds up along depth like a random walk (largest deviation measured
     * at this seed: 11%, at the 4th layer).
     */
    @Test
    void autoInitPredictionMatchesTheMeasuredVarianceOnAWideNet() {
        Inspection i = Inspection.of(config("mlp", List.of("autoinit"), 128, 1, false), DatasetName.FASHION_MNIST,
                () -> TestNets.mlp(8, true, 10), REGISTRY);
        InitResult r = i.run(i.loadBatch(null, n -> { })).inits().get(0);
        assertThat(r.prediction()).isEqualTo("autoinit");
        assertThat(r.layers()).hasSize(9);
        assertThat(r.layers().subList(0, 8)).allSatisfy(l -> { // the 10-unit classifier is not wide
            double measured = l.outStd() * l.outStd();
            assertThat(l.predictedOutVar()).as(l.path()).isCloseTo(1, within(1e-9)); // AutoInit's target
            assertThat(measured).as(l.path()).isCloseTo(l.predictedOutVar(), within(0.15));
        });
        assertThat(r.layers()).filteredOn(l -> l.postStd() != null).hasSize(8).allSatisfy(l -> {
            double measured = l.postStd() * l.postStd();
            assertThat(measured).as(l.path()).isCloseTo(l.predictedPostVar(), within(0.15 * l.predictedPostVar()));
        });
    }

    @Test
    void withoutPredictOnlyAutoinitIsPredicted() {
        InspectReport r = inspect("resnet20", 0.25, 2, false, "kaiming-normal", "autoinit");
        assertThat(r.inits().get(0).prediction()).isNull();
        assertThat(r.inits().get(0).layers()).allSatisfy(l -> assertThat(l.predictedOutVar()).isNull());
        assertThat(r.inits().get(1).prediction()).isEqualTo("autoinit");
        assertThat(r.inits().get(1).layers()).allSatisfy(l -> assertThat(l.predictedOutVar()).isNotNull());
        assertThat(r.inits().get(1).residuals()).allSatisfy(s -> assertThat(s.predictedSumVar()).isNotNull());
    }

    static InitStrategyProvider provider(String id, InitStrategy s) {
        return new InitStrategyProvider() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public String summary() {
                return id;
            }

            @Override
            public String citation() {
                return "test";
            }

            @Override
            public List<InitOption> options() {
                return List.of();
            }

            @Override
            public InitStrategy create(Map<String, String> options) {
                return s;
            }
        };
    }

    private static double second(double mean, double std) {
        return std * std + mean * mean;
    }

    private static double variance(NDArray a) {
        return std(toDouble(a.toFloatArray())) * std(toDouble(a.toFloatArray()));
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    private static double std(double[] x) {
        double m = mean(x);
        double s = 0;
        for (double v : x) {
            s += (v - m) * (v - m);
        }
        return Math.sqrt(s / x.length);
    }

    private static double norm(float[] x) {
        double s = 0;
        for (float v : x) {
            s += (double) v * v;
        }
        return Math.sqrt(s);
    }

    private static float max(float[] x) {
        float m = Float.NEGATIVE_INFINITY;
        for (float v : x) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
