package org.initbench.init.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.initbench.init.builtin.ResidualSchemesTest.assertSame;
import static org.initbench.init.builtin.ResidualSchemesTest.init;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.initbench.BadInputException;
import org.initbench.Seeds;
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
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** role-aware: the rule per layer role, on BN, norm-free and weight-normalized nets, and its four ablations. */
class RoleAwareTest {
    static final double SQRT2 = Math.sqrt(2);
    /** The first iteration's rule, from which most tests here vary one option at a time. */
    static final String FIRST = "role-aware:depth=on,end=unit,fan=in,readout=bn,trunk=relu,vscale=1";

    /** {@link #FIRST} with {@code options} ("k=v,k=v") put over it. */
    static String rule(String options) {
        Map<String, String> merged = new LinkedHashMap<>();
        for (String kv : (FIRST.substring(FIRST.indexOf(':') + 1) + "," + options).split(",")) {
            if (!kv.isEmpty()) {
                merged.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        StringBuilder spec = new StringBuilder("role-aware:");
        merged.forEach((k, v) -> spec.append(spec.length() > "role-aware:".length() ? "," : "").append(k).append('=').append(v));
        return spec.toString();
    }

    /**
     * The default is the second iteration's rule with the fourth's depth=slow-none and the eighth's vscale=4,
     * each chosen on the validation split (docs/research/role-aware/log.md); under weight norm the first rule differs
     * from it only in vscale.
     */
    @ParameterizedTest
    @CsvSource({"resnet20, BN, true", "mobilenetv2, BN, true", "vgg11bn, BN, true", "resnet20, NONE, true",
            "resnet20, WEIGHTNORM, true"})
    void theDefaultIsTheEighthIterationRule(String arch, Norm norm, boolean differsFromFirst) {
        Map<String, float[]> chosen = init(arch, 0.25, norm,
                rule("depth=slow-none,end=depth,fan=depthwise-out,readout=unit,trunk=linear-none,vscale=4"), 3);
        init(arch, 0.25, norm, "role-aware", 3).forEach((key, value) -> assertSame(key, value, chosen.get(key)));
        Map<String, float[]> first = init(arch, 0.25, norm, FIRST, 3);
        assertThat(first.keySet().stream().anyMatch(key -> !Arrays.equals(first.get(key), chosen.get(key))))
                .as("the first iteration's rule differs").isEqualTo(differsFromFirst);
    }

    /**
     * The table has a row for every role, and reads as the design doc's: gain 1 where the output stays linear
     * (projection, classifier), √2 elsewhere; fan_out for depthwise convs only; the factors by role.
     */
    @Test
    void theTableHasARowForEveryRole() {
        for (Role role : Role.values()) {
            RoleTable.Row row = RoleTable.RULE.get(role);
            assertThat(row).as(role.name()).isNotNull();
            boolean linear = role == Role.PROJECT || role == Role.CLASSIFIER;
            assertThat(row.gain()).as(role.name()).isEqualTo(linear ? 1.0 : SQRT2, within(1e-15));
            assertThat(row.fan()).as(role.name())
                    .isEqualTo(role == Role.DEPTHWISE ? RoleTable.Fan.OUT : RoleTable.Fan.IN);
        }
        assertThat(RoleTable.RULE.get(Role.STEM).factor()).isEqualTo(RoleTable.Factor.TRUNK);
        assertThat(RoleTable.RULE.get(Role.SHORTCUT).factor()).isEqualTo(RoleTable.Factor.TRUNK);
        assertThat(RoleTable.RULE.get(Role.BRANCH_LAST).factor()).isEqualTo(RoleTable.Factor.BRANCH_END);
        assertThat(RoleTable.RULE.get(Role.PROJECT).factor()).isEqualTo(RoleTable.Factor.BRANCH_END);
        assertThat(RoleTable.RULE.get(Role.CLASSIFIER).factor()).isEqualTo(RoleTable.Factor.ZERO);
        Network mobilenet = Models.build("mobilenetv2", 3, 10, 0.35);
        for (Layer l : mobilenet.layers()) {
            if (l.role() == Role.PROJECT) {
                assertThat(RoleTable.factor(l)).as(l.path())
                        .isEqualTo(Residuals.endsBranch(l) ? RoleTable.Factor.BRANCH_END : RoleTable.Factor.NONE);
            }
        }
    }

    /** BN nets: classifier exactly 0; γ = 0 exactly on the BN of each branch end, 1 elsewhere; β = 0. */
    @ParameterizedTest
    @ValueSource(strings = {"resnet20", "mobilenetv2", "vgg11bn"})
    void bnNetsStartWithIdentityBranchesAndAZeroClassifier(String arch) {
        Network net = Models.build(arch, 3, 10, 0.25);
        Map<String, float[]> v = init(arch, 0.25, FIRST, 5);
        int zeroed = 0;
        for (Layer l : net.layers()) {
            if (l.kind() == LayerKind.BATCH_NORM) {
                boolean end = l.role() == Role.BRANCH_LAST || l.role() == Role.PROJECT && l.residual();
                assertThat(v.get(l.path() + ".weight")).as(l.path()).containsOnly(end ? 0f : 1f);
                assertThat(v.get(l.path() + ".bias")).as(l.path()).containsOnly(0f);
                zeroed += end ? 1 : 0;
            } else if (l.role() == Role.CLASSIFIER) {
                assertThat(v.get(l.path() + ".weight")).containsOnly(0f);
                assertThat(v.get(l.path() + ".bias")).containsOnly(0f);
            } else if (l.hasBias()) {
                assertThat(v.get(l.path() + ".bias")).as(l.path()).containsOnly(0f);
            }
        }
        assertThat(zeroed).isEqualTo(net.residualBlockCount());
        assertThat(zeroed > 0).isEqualTo(!arch.startsWith("vgg"));
    }

    /**
     * Every conv is s·Q with element variance gain²/fan_in: W·Wᵀ = gain²·I (filters of norm gain)
     * when C_out/g ≤ fan_in, else WᵀW = gain²·(C_out/fan_in)·I; gain √2 before a ReLU (the shortcut's
     * after the add), 1 for MobileNetV2's linear projections and the branch end of a BN net.
     */
    @ParameterizedTest
    @CsvSource({"resnet20, 0.5", "mobilenetv2, 0.35", "vgg11bn, 0.25"})
    void convsAreOrthogonalAtTheGainOfTheirRole(String arch, double width) {
        Network net = Models.build(arch, 3, 10, width);
        Map<String, float[]> v = init(arch, width, FIRST, 7);
        int wide = 0;
        for (Layer l : net.layers()) {
            if (l.kind() != LayerKind.CONV) {
                continue;
            }
            boolean linear = l.role() == Role.PROJECT || l.role() == Role.BRANCH_LAST;
            wide += assertScaledOrthogonal(l, v.get(l.path() + ".weight"), linear ? 1 : SQRT2) ? 1 : 0;
        }
        assertThat(wide > 0).as("has layers with C_out > fan_in (1x1 expand, shortcut, head)")
                .isEqualTo(!arch.startsWith("vgg"));
    }

    /** Depthwise filters are single 1x9 rows: each a unit direction × √2. */
    @Test
    void depthwiseFiltersHaveNormSqrt2() {
        Network net = Models.build("mobilenetv2", 3, 10, 0.35);
        Map<String, float[]> v = init("mobilenetv2", 0.35, FIRST, 7);
        Layer dw = net.layers().stream().filter(l -> l.role() == Role.DEPTHWISE && l.kind() == LayerKind.CONV).skip(3).findFirst().orElseThrow();
        float[] w = v.get(dw.path() + ".weight");
        assertThat(w).hasSize(dw.outChannels() * 9);
        for (int c = 0; c < dw.outChannels(); c++) {
            assertThat(norm(w, c * 9, 9)).as("filter %d", c).isCloseTo(SQRT2, within(1e-5));
        }
    }

    /**
     * Norm-free resnet56: every conv2 is 0, every conv1 has filters of norm √2·L^(−1/2) (L = 27, m =
     * 2), the stem and the shortcut √2; scalars neutral; logits exactly 0 at init.
     */
    @Test
    void normFreeResnetIsFixupWithOrthogonalConvs() {
        Network net = Models.build("resnet56", 3, 10, 0.25, Norm.NONE);
        Map<String, float[]> v = init("resnet56", 0.25, Norm.NONE, FIRST, 3);
        double scale = Math.pow(27, -0.5);
        assertThat(scale).isCloseTo(0.19245, within(1e-5));
        int conv1 = 0;
        for (Layer l : net.layers()) {
            switch (l.kind()) {
                case SCALAR_BIAS -> assertThat(v.get(l.path() + ".bias")).containsExactly(0f);
                case SCALE -> assertThat(v.get(l.path() + ".weight")).containsExactly(1f);
                case LINEAR -> assertThat(v.get(l.path() + ".weight")).containsOnly(0f);
                case CONV -> {
                    float[] w = v.get(l.path() + ".weight");
                    switch (l.role()) {
                        case BRANCH_LAST -> assertThat(w).as(l.path()).containsOnly(0f);
                        case BRANCH_FIRST -> {
                            assertScaledOrthogonal(l, w, SQRT2 * scale);
                            conv1++;
                        }
                        case STEM -> assertScaledOrthogonal(l, w, SQRT2);
                        case SHORTCUT -> assertScaledOrthogonal(l, w, SQRT2);
                        default -> throw new AssertionError(l.path());
                    }
                }
                default -> throw new AssertionError(l.path());
            }
        }
        assertThat(conv1).isEqualTo(27);
        assertThat(logits("resnet56", Norm.NONE, FIRST)).containsOnly(0f);
    }

    /**
     * Norm-free MobileNetV2: m = 3 convs per branch, so expand and depthwise of skip blocks × L^(−1/4);
     * L = 11 at width 0.35 (10 at width 1: rounding to multiples of 8 makes stage 2's first block 8 → 8).
     */
    @Test
    void normFreeMobilenetScalesTwoConvsPerBranch() {
        Network net = Models.build("mobilenetv2", 3, 10, 0.35, Norm.NONE);
        Map<String, float[]> on = init("mobilenetv2", 0.35, Norm.NONE, FIRST, 3);
        Map<String, float[]> off = init("mobilenetv2", 0.35, Norm.NONE, rule("depth=off"), 3);
        assertThat(net.residualBlockCount()).isEqualTo(11);
        double scale = Math.pow(11, -0.25);
        int scaled = 0;
        for (Layer l : net.layers()) {
            String key = l.path() + ".weight";
            if (l.role() == Role.PROJECT && l.residual()) {
                assertThat(on.get(key)).as(key).containsOnly(0f);
            } else if (l.residual()) {
                assertProportional(key, on.get(key), off.get(key), scale);
                scaled++;
            } else {
                assertSame(key, on.get(key), off.get(key));
            }
        }
        assertThat(scaled).isEqualTo(2 * 11);
    }

    /**
     * Weight norm: the effective weights are the norm-free net's (v = W, g = ‖W_i‖), and a zero one is
     * g = 0 with unit-norm v rows, so g receives a gradient (with v = g = 0 it never would).
     */
    @Test
    void weightNormHasTheNormFreeEffectiveWeightsAndZeroLayersCanGrow() {
        Network net = Models.build("resnet20", 3, 10, 0.25, Norm.WEIGHTNORM);
        Map<String, float[]> wn = init("resnet20", 0.25, Norm.WEIGHTNORM, FIRST, 4);
        Map<String, float[]> plain = init("resnet20", 0.25, Norm.NONE, FIRST, 4);
        for (Layer l : net.layers()) {
            float[] g = wn.get(l.path() + ".weight_g");
            float[] dir = wn.get(l.path() + ".weight_v");
            float[] w = plain.get(l.path() + ".weight");
            int cols = dir.length / g.length;
            for (int r = 0; r < g.length; r++) {
                double vNorm = norm(dir, r * cols, cols);
                if (l.role() == Role.BRANCH_LAST || l.role() == Role.CLASSIFIER) {
                    assertThat(g[r]).as(l.path()).isZero();
                    assertThat(vNorm).as("%s direction row %d", l.path(), r).isCloseTo(1, within(1e-5));
                } else {
                    for (int j = 0; j < cols; j++) {
                        assertThat(g[r] * dir[r * cols + j] / vNorm).as(l.path())
                                .isCloseTo(w[r * cols + j], within(1e-6));
                    }
                }
            }
            assertThat(wn.get(l.path() + ".bias")).as(l.path()).containsOnly(0f);
        }
        Map<String, Double> gradG = gradientNormsOfG("resnet20", rule("classifier=fanin"));
        assertThat(gradG.get("layer1.0.conv2")).as("zero conv2: its g learns").isPositive();
        assertThat(gradG.get("fc")).isPositive();
        assertThat(gradientNormsOfG("resnet20", FIRST).get("fc")).as("zero classifier: its g learns")
                .isPositive();
    }

    @Test
    void classifierFaninChangesOnlyTheClassifierWeight() {
        Map<String, float[]> full = init("resnet20", 0.25, FIRST, 9);
        Map<String, float[]> fanin = init("resnet20", 0.25, rule("classifier=fanin"), 9);
        for (String key : full.keySet()) {
            if (!key.equals("fc.weight")) {
                assertSame(key, fanin.get(key), full.get(key));
            }
        }
        Layer fc = Models.build("resnet20", 3, 10, 0.25).layers().stream()
                .filter(l -> l.role() == Role.CLASSIFIER).findFirst().orElseThrow();
        float[] w = fanin.get("fc.weight");
        SplittableRandom rng = new SplittableRandom(Seeds.derive(9, "fc.weight"));
        for (float x : w) {
            assertThat(x).isEqualTo((float) (rng.nextGaussian() / Math.sqrt(Fans.of(fc).fanIn())));
        }
    }

    /** end=depth: only the branch-end convs change, by L^(−1/2) (ResNet-20: L = 9; MobileNetV2: its skip blocks). */
    @ParameterizedTest
    @ValueSource(strings = {"resnet20", "mobilenetv2"})
    void endDepthScalesOnlyTheBranchEndConvs(String arch) {
        Network net = Models.build(arch, 3, 10, 0.25);
        long blocks = net.layers().stream().filter(l -> Residuals.endsBranch(l) && l.kind() == LayerKind.BATCH_NORM).count();
        Map<String, float[]> full = init(arch, 0.25, FIRST, 4);
        Map<String, float[]> depth = init(arch, 0.25, rule("end=depth"), 4);
        int scaled = onlyChanged(net, depth, full, (l, name, key) -> {
            boolean end = Residuals.endsBranch(l) && l.kind() != LayerKind.BATCH_NORM && name.equals("weight");
            if (end) {
                assertProportional(key, depth.get(key), full.get(key), 1 / Math.sqrt(blocks));
            }
            return end;
        });
        assertThat(scaled).isEqualTo((int) blocks).isPositive();
        Map<String, float[]> free = init("resnet20", 0.25, Norm.NONE, FIRST, 4);
        init("resnet20", 0.25, Norm.NONE, rule("end=depth"), 4).forEach((key, value) -> assertSame(key, value, free.get(key)));
    }

    /**
     * fan=out: every conv weight × √(fan_in/fan_out) (PyTorch's fans; a depthwise filter × 1/√C), the
     * same Q; fan=depthwise-out: the depthwise convs only; nothing else changes, and norm-free nets not at all.
     */
    @ParameterizedTest
    @CsvSource({"mobilenetv2, out", "mobilenetv2, depthwise-out", "resnet20, out", "resnet20, depthwise-out",
            "vgg11bn, out", "vgg11bn, depthwise-out"})
    void fanOutRescalesOnlyTheChosenConvs(String arch, String fan) {
        Network net = Models.build(arch, 3, 10, 0.25);
        Map<String, float[]> in = init(arch, 0.25, rule("end=depth"), 6);
        Map<String, float[]> out = init(arch, 0.25, rule("end=depth,fan=" + fan), 6);
        int scaled = onlyChanged(net, out, in, (l, name, key) -> {
            boolean rescaled = l.kind() == LayerKind.CONV && name.equals("weight") && chosen(l, fan);
            if (rescaled) {
                Fans fans = Fans.of(l);
                assertProportional(key, out.get(key), in.get(key), Math.sqrt((double) fans.fanIn() / fans.fanOut()));
            }
            return rescaled;
        });
        long convs = net.layers().stream().filter(l -> l.kind() == LayerKind.CONV && chosen(l, fan)).count();
        assertThat(scaled).isEqualTo((int) convs);
        assertThat(scaled > 0).isEqualTo(!fan.equals("depthwise-out") || arch.equals("mobilenetv2"));
        Map<String, float[]> free = init(arch, 0.25, Norm.NONE, FIRST, 6);
        init(arch, 0.25, Norm.NONE, rule("fan=" + fan), 6).forEach((key, value) -> assertSame(key, value, free.get(key)));
    }

    /**
     * readout=unit: only the γ of the BN whose ReLU output the classifier reads through max pooling
     * changes, to √(2/d) (d = classifier fan_in): VGG's last BN; MobileNetV2 (global average), ResNets
     * (a residual sum) and norm-free nets are unchanged.
     */
    @ParameterizedTest
    @CsvSource({"vgg11bn, BN, true", "mobilenetv2, BN, false", "resnet20, BN, false", "vgg11bn, NONE, false"})
    void readoutUnitScalesOnlyTheFeatureBn(String arch, Norm norm, boolean changes) {
        Network net = Models.build(arch, 3, 10, 0.25, norm);
        Map<String, float[]> bn = init(arch, 0.25, norm, FIRST, 9);
        Map<String, float[]> unit = init(arch, 0.25, norm, rule("readout=unit"), 9);
        Layer classifier = net.layers().get(net.layers().size() - 1);
        assertThat(classifier.role()).isEqualTo(Role.CLASSIFIER);
        float gamma = (float) Math.sqrt(2.0 / Fans.of(classifier).fanIn());
        Layer readout = RoleAwareStrategy.Readout.norm(net);
        assertThat(readout != null).isEqualTo(changes);
        int scaled = onlyChanged(net, unit, bn, (l, name, key) -> {
            boolean gammaOfReadout = l == readout && name.equals("weight");
            if (gammaOfReadout) {
                assertThat(unit.get(key)).as(key).containsOnly(gamma);
                assertThat(l.role()).isEqualTo(Role.PLAIN);
            }
            return gammaOfReadout;
        });
        assertThat(scaled).isEqualTo(changes ? 1 : 0);
    }

    /** Checks a parameter an option changes; returns false for one it does not change. */
    interface Change {
        boolean check(Layer layer, String name, String key);
    }

    /**
     * Every parameter of {@code net}: those {@code change} checks (returning true) may differ; every
     * other one must be the same in {@code a} and {@code b}. Returns how many were checked.
     */
    static int onlyChanged(Network net, Map<String, float[]> a, Map<String, float[]> b, Change change) {
        int changed = 0;
        for (Layer l : net.layers()) {
            for (String name : l.parameters().keySet()) {
                String key = l.path() + "." + name;
                if (change.check(l, name, key)) {
                    changed++;
                } else {
                    assertSame(key, a.get(key), b.get(key));
                }
            }
        }
        return changed;
    }

    /** The convs {@code fan} rescales: all (out), those with fan_out > fan_in (max), or depthwise ones. */
    static boolean chosen(Layer l, String fan) {
        return fan.equals("out") || l.role() == Role.DEPTHWISE;
    }

    /**
     * trunk=linear: on norm-free nets only the stem and shortcut weights (v and g) change, × 1/√2; BN
     * nets not at all. trunk=linear-none: the same without any normalization, nothing under weight norm.
     */
    @ParameterizedTest
    @CsvSource({"resnet20, NONE, linear, 3", "resnet20, WEIGHTNORM, linear, 3", "mobilenetv2, NONE, linear, 1",
            "resnet20, BN, linear, 0", "resnet20, NONE, linear-none, 3", "mobilenetv2, NONE, linear-none, 1",
            "resnet20, WEIGHTNORM, linear-none, 0", "resnet20, BN, linear-none, 0"})
    void trunkLinearHalvesOnlyTheNormFreeStemAndShortcuts(String arch, Norm norm, String trunk, int expected) {
        Network net = Models.build(arch, 3, 10, 0.25, norm);
        Map<String, float[]> relu = init(arch, 0.25, norm, FIRST, 8);
        Map<String, float[]> linear = init(arch, 0.25, norm, rule("trunk=" + trunk), 8);
        int scaled = onlyChanged(net, linear, relu, (l, name, key) -> {
            boolean stemOrShortcut = (l.role() == Role.STEM || l.role() == Role.SHORTCUT) && l.kind() == LayerKind.CONV
                    && expected > 0 && !name.equals("bias");
            if (stemOrShortcut) {
                assertProportional(key, linear.get(key), relu.get(key), 1 / SQRT2);
            }
            return stemOrShortcut;
        });
        assertThat(scaled).as("weight, or weight_v and weight_g").isEqualTo(norm == Norm.WEIGHTNORM ? 2 * expected : expected);
    }

    /**
     * vscale=4 (the default) against vscale=1: under weight norm every v is 4 times as long and every g the same,
     * so the effective weights g·v/‖v‖ are unchanged; without weight norm nothing changes.
     */
    @ParameterizedTest
    @CsvSource({"vgg11bn, WEIGHTNORM, 9", "resnet20, WEIGHTNORM, 22", "mobilenetv2, WEIGHTNORM, 53",
            "vgg11bn, NONE, 0", "resnet20, BN, 0"})
    void vscaleScalesOnlyTheDirectionsUnderWeightNorm(String arch, Norm norm, int expected) {
        Network net = Models.build(arch, 3, 10, 0.25, norm);
        Map<String, float[]> base = init(arch, 0.25, norm, "role-aware:vscale=1", 5);
        Map<String, float[]> scaled = init(arch, 0.25, norm, "role-aware", 5);
        int changed = onlyChanged(net, scaled, base, (l, name, key) -> {
            if (!name.equals("weight_v")) {
                return false;
            }
            assertProportional(key, scaled.get(key), base.get(key), 4);
            return true;
        });
        assertThat(changed).isEqualTo(expected);
    }

    /**
     * branch=plain on BN nets: only the branch-end γ (0 → 1) and, in a ResNet, the branch-end conv
     * (gain 1 → √2, the same Q) change; a MobileNetV2 projection keeps gain 1 (no ReLU after its add).
     */
    @ParameterizedTest
    @ValueSource(strings = {"resnet20", "mobilenetv2"})
    void branchPlainOnBnNetsChangesOnlyTheBranchEnds(String arch) {
        Network net = Models.build(arch, 3, 10, 0.25);
        Map<String, float[]> full = init(arch, 0.25, FIRST, 2);
        Map<String, float[]> plain = init(arch, 0.25, rule("branch=plain"), 2);
        onlyChanged(net, plain, full, (l, name, key) -> {
            boolean end = Residuals.endsBranch(l) && name.equals("weight");
            if (end && l.kind() == LayerKind.BATCH_NORM) {
                assertThat(full.get(key)).containsOnly(0f);
                assertThat(plain.get(key)).containsOnly(1f);
                return true;
            } else if (end && l.role() == Role.BRANCH_LAST) {
                assertProportional(key, plain.get(key), full.get(key), SQRT2);
                return true;
            }
            return false;
        });
    }

    /** branch=plain without norm: the zero conv2 becomes orthogonal × √2; conv1 keeps its depth factor. */
    @Test
    void branchPlainOnANormFreeResnetChangesOnlyConv2() {
        Network net = Models.build("resnet20", 3, 10, 0.25, Norm.NONE);
        Map<String, float[]> full = init("resnet20", 0.25, Norm.NONE, FIRST, 2);
        Map<String, float[]> plain = init("resnet20", 0.25, Norm.NONE, rule("branch=plain"), 2);
        onlyChanged(net, plain, full, (l, name, key) -> {
            boolean conv2 = l.role() == Role.BRANCH_LAST && l.kind() == LayerKind.CONV;
            if (conv2) {
                assertThat(full.get(key)).containsOnly(0f);
                assertScaledOrthogonal(l, plain.get(key), SQRT2);
            }
            return conv2;
        });
    }

    /**
     * conv=gaussian changes only conv weights, to N(0, gain²/fan_in): the sample std of each large
     * conv within 6 standard errors (σ/√(2n)) of the orthogonal rule's gain/√fan_in.
     */
    @Test
    void convGaussianKeepsTheVarianceAndChangesOnlyConvWeights() {
        Network net = Models.build("resnet20", 3, 10, 1);
        Map<String, float[]> full = init("resnet20", 1, FIRST, 6);
        Map<String, float[]> gauss = init("resnet20", 1, rule("conv=gaussian"), 6);
        int checked = 0;
        for (Layer l : net.layers()) {
            for (String name : l.parameters().keySet()) {
                String key = l.path() + "." + name;
                if (l.kind() != LayerKind.CONV || !name.equals("weight")) {
                    assertSame(key, gauss.get(key), full.get(key));
                    continue;
                }
                float[] w = gauss.get(key);
                assertThat(w).as(key).isNotEqualTo(full.get(key));
                double gain = l.role() == Role.BRANCH_LAST ? 1 : SQRT2;
                double std = gain / Math.sqrt(Fans.of(l).fanIn());
                if (w.length >= 4096) {
                    assertThat(std(w)).as(key).isCloseTo(std, within(6 * std / Math.sqrt(2.0 * w.length)));
                    assertThat(std(full.get(key))).as(key).isCloseTo(std, within(1e-3 * std));
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(10);
    }

    /** depth=off multiplies exactly the depth-scaled convs back by L^(1/2); BN nets have no depth factor. */
    @Test
    void depthOffRemovesOnlyTheDepthFactor() {
        Network net = Models.build("resnet20", 3, 10, 0.25, Norm.NONE);
        Map<String, float[]> on = init("resnet20", 0.25, Norm.NONE, FIRST, 1);
        Map<String, float[]> off = init("resnet20", 0.25, Norm.NONE, rule("depth=off"), 1);
        onlyChanged(net, on, off, (l, name, key) -> {
            boolean conv1 = l.role() == Role.BRANCH_FIRST && l.kind() == LayerKind.CONV;
            if (conv1) {
                assertProportional(key, on.get(key), off.get(key), 1 / 3.0); // L = 9
            }
            return conv1;
        });
        Map<String, float[]> bn = init("resnet20", 0.25, FIRST, 1);
        Map<String, float[]> bnOff = init("resnet20", 0.25, rule("depth=off"), 1);
        bn.forEach((key, value) -> assertSame(key, bnOff.get(key), value));
    }

    /**
     * depth=slow-none (the rule) against depth=on: without any normalization exactly the depth-scaled convs change,
     * to d³ instead of Fixup's d (so by d² = L^(−1/(m−1))): ResNet-20 (L = 9, m = 2) conv1 × 1/9; MobileNetV2 (L =
     * 11 at width 0.35, m = 3) expand and depthwise convs of skip blocks × 11^(−1/2). Under weight norm and BN
     * nothing changes.
     */
    @ParameterizedTest
    @CsvSource({"resnet20, NONE, 9, 2", "resnet20, WEIGHTNORM, 9, 2", "mobilenetv2, NONE, 11, 3", "resnet20, BN, 9, 2"})
    void depthSlowNoneCubesTheDepthFactorWithoutNormalization(String arch, Norm norm, int blocks, int m) {
        double width = arch.equals("mobilenetv2") ? 0.35 : 0.25;
        Network net = Models.build(arch, 3, 10, width, norm);
        assertThat(net.residualBlockCount()).isEqualTo(blocks);
        Map<String, float[]> on = init(arch, width, norm, FIRST, 7);
        Map<String, float[]> slow = init(arch, width, norm, rule("depth=slow-none"), 7);
        double squared = Math.pow(blocks, -1.0 / (m - 1));
        int scaled = onlyChanged(net, slow, on, (l, name, key) -> {
            boolean inner = norm == Norm.NONE && l.residual() && l.kind() == LayerKind.CONV
                    && l.role() != Role.BRANCH_LAST && l.role() != Role.PROJECT && name.startsWith("weight");
            if (inner) {
                assertProportional(key, slow.get(key), on.get(key), squared);
            }
            return inner;
        });
        assertThat(scaled > 0).isEqualTo(norm == Norm.NONE);
    }

    static boolean allZero(float[] w) {
        for (float x : w) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "role-aware:classifier=kaiming | bad value 'kaiming' for classifier; valid: zero, fanin",
        "role-aware:end=half | valid: unit, depth",
        "role-aware:branch=skip | valid: identity, plain",
        "role-aware:conv=uniform | valid: orthogonal, gaussian",
        "role-aware:depth=1 | valid: on, slow-none, off",
        "role-aware:readout=none | valid: bn, unit",
        "role-aware:vscale=0 | vscale must be > 0",
        "role-aware:gain=2 | unknown option 'gain'"})
    void badOptionsAreOneClearLine(String spec, String message) {
        assertThatThrownBy(() -> InitRegistry.load().resolve(spec)).isInstanceOf(BadInputException.class)
                .hasMessageContaining(message.strip()).hasMessageNotContaining("\n");
    }

    /**
     * The rejected candidates left the product (docs/research/role-aware/candidates.md names the commit where each
     * still runs): each is one line of bad input naming the values that remain.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "depth=slower-none | depth; valid: on, slow-none, off",
        "depth=slow | depth; valid: on, slow-none, off",
        "trunk=half-none | trunk; valid: relu, linear, linear-none",
        "center=none | center; valid: off",
        "center=none-raw | center; valid: off",
        "rebalance=none | rebalance; valid: off",
        "plain=identity-none | plain; valid: drawn",
        "plain=fanout-none | plain; valid: drawn",
        "readout=unit-all | readout; valid: bn, unit",
        "fan=max | fan; valid: in, out, depthwise-out",
        "classifier=small | classifier; valid: zero, fanin"})
    void removedCandidatesAreOneClearLineNamingTheValidValues(String option, String message) {
        String value = option.substring(option.indexOf('=') + 1);
        assertThatThrownBy(() -> InitRegistry.load().resolve("role-aware:" + option))
                .isInstanceOf(BadInputException.class)
                .hasMessage("init 'role-aware': bad value '" + value + "' for " + message.strip());
    }

    /**
     * The canonical spec is unchanged by the candidates' removal: a spec written by an earlier version (a run's
     * spec.json) resolves to the same canonical string and the same values as the plain id.
     */
    @Test
    void canonicalSpecOfTheRuleIsUnchanged() {
        String canonical = "role-aware:classifier=zero,center=off,branch=identity,conv=orthogonal,depth=slow-none,"
                + "end=depth,fan=depthwise-out,readout=unit,plain=drawn,rebalance=off,vscale=4,trunk=linear-none";
        assertThat(InitRegistry.load().resolve("role-aware").spec()).isEqualTo(canonical);
        assertThat(InitRegistry.load().resolve(canonical).spec()).isEqualTo(canonical);
        Map<String, float[]> plain = init("resnet20", 0.25, Norm.NONE, "role-aware", 2);
        init("resnet20", 0.25, Norm.NONE, canonical, 2).forEach((key, value) -> assertSame(key, value, plain.get(key)));
    }

    /**
     * Checks {@code w} of conv {@code l} is gain·√max(1, rows/cols)·Q per group; returns whether rows
     * exceed cols (the columns are then the orthogonal ones).
     */
    static boolean assertScaledOrthogonal(Layer l, float[] w, double gain) {
        int rows = l.outChannels() / l.groups();
        int cols = Math.toIntExact(Fans.of(l).fanIn());
        assertThat(w).as(l.path()).hasSize(l.outChannels() * cols);
        boolean wide = rows > cols;
        double diag = gain * gain * Math.max(1.0, (double) rows / cols);
        for (int g = 0; g < Math.min(l.groups(), 4); g++) {
            int off = g * rows * cols;
            int n = wide ? cols : rows;
            for (int a = 0; a < n; a++) {
                for (int b = a; b < n; b++) {
                    double dot = 0;
                    for (int k = 0; k < (wide ? rows : cols); k++) {
                        dot += wide ? (double) w[off + k * cols + a] * w[off + k * cols + b]
                                : (double) w[off + a * cols + k] * w[off + b * cols + k];
                    }
                    assertThat(dot).as("%s gram[%d][%d]", l.path(), a, b)
                            .isCloseTo(a == b ? diag : 0, within(1e-4 * diag));
                }
            }
        }
        return wide;
    }

    static void assertProportional(String key, float[] actual, float[] reference, double factor) {
        assertThat(actual).as(key).hasSameSizeAs(reference);
        assertThat(reference).as(key).isNotEqualTo(new float[reference.length]);
        for (int i = 0; i < actual.length; i++) {
            assertThat((double) actual[i]).as(key).isCloseTo(reference[i] * factor,
                    within(1e-6 * Math.abs(reference[i]) + 1e-9));
        }
    }

    static double norm(float[] w, int from, int length) {
        double sum = 0;
        for (int i = from; i < from + length; i++) {
            sum += (double) w[i] * w[i];
        }
        return Math.sqrt(sum);
    }

    static double std(float[] w) {
        double mean = 0;
        double sq = 0;
        for (float x : w) {
            mean += x;
            sq += (double) x * x;
        }
        mean /= w.length;
        return Math.sqrt(sq / w.length - mean * mean);
    }

    /** Logits of 2 fixed images (a seeded N(0, 1) draw, the same each call) through a freshly initialized width-0.25 net. */
    static float[] logits(String arch, Norm norm, String spec) {
        Network net = Models.build(arch, 3, 10, 0.25, norm);
        SplittableRandom rng = new SplittableRandom(11);
        float[] pixels = new float[Math.toIntExact(net.inputShape(2).size())];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) rng.nextGaussian();
        }
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, InitRegistry.load().resolve(spec).strategy(), 3);
            return net.block().forward(new ParameterStore(m, false), new NDList(m.create(pixels, net.inputShape(2))),
                    false).singletonOrThrow().toFloatArray();
        }
    }

    /** ‖∂L/∂g‖ per weight-normalized layer after one forward/backward of a sum-of-squares loss on the logits. */
    static Map<String, Double> gradientNormsOfG(String arch, String spec) {
        Network net = Models.build(arch, 3, 10, 0.25, Norm.WEIGHTNORM);
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, InitRegistry.load().resolve(spec).strategy(), 3);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = net.block().forward(new ParameterStore(m, false),
                        new NDList(m.randomNormal(net.inputShape(4))), true).singletonOrThrow();
                gc.backward(y.sub(m.ones(y.getShape())).square().sum());
            }
            Map<String, Double> out = new LinkedHashMap<>();
            for (Layer l : net.layers()) {
                if (l.weightNormalized()) {
                    out.put(l.path(), (double) l.parameters().get("weight_g").getArray().getGradient().norm()
                            .getFloat());
                }
            }
            return out;
        }
    }
}
