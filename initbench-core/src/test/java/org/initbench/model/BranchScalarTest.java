package org.initbench.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.initbench.BadInputException;
import org.initbench.init.InitContext;
import org.initbench.init.InitRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The branch-scalar axis ({@code --branch-scalar}): one α per residual block, x + α·F(x), under every norm. */
class BranchScalarTest {

    /** The counts of ModelsTest plus one parameter per residual block; depth and blocks unchanged. */
    @ParameterizedTest
    @CsvSource({
        "resnet20, 3, 10, bn, 272483, 9",
        "resnet56, 3, 100, bn, 861647, 27",
        "resnet56, 3, 100, none, 857528, 27",
        "resnet56, 3, 100, weightnorm, 861747, 27",
        "resnet110, 3, 10, bn, 1730768, 54",
        "mobilenetv2, 1, 10, bn, 2236116, 10",
    })
    void addsOneParameterPerResidualBlock(String arch, int in, int classes, String norm, long params, int blocks) {
        Network plain = Models.build(arch, in, classes, 1.0, Norm.parse(norm));
        Network gated = Models.build(arch, in, classes, 1.0, Norm.parse(norm), true);
        assertThat(gated.parameterCount()).isEqualTo(params).isEqualTo(plain.parameterCount() + blocks);
        assertThat(gated.residualBlockCount()).isEqualTo(blocks).isEqualTo(plain.residualBlockCount());
        assertThat(gated.depth()).isEqualTo(plain.depth());
        assertThat(gated.branchScalar()).isTrue();
        assertThat(plain.branchScalar()).isFalse();
        assertThat(gated.layers()).filteredOn(l -> l.kind() == LayerKind.BRANCH_SCALAR).hasSize(blocks)
                .allSatisfy(l -> {
                    assertThat(l.residual()).isTrue();
                    assertThat(l.parameters()).containsOnlyKeys("weight");
                    assertThat(l.parameterCount()).isEqualTo(1);
                });
    }

    @Test
    void resnet110CountWithoutTheScalarIsTheTwins() {
        assertThat(Models.build("resnet110", 3, 10).parameterCount()).isEqualTo(1730714);
    }

    @ParameterizedTest
    @EnumSource(Norm.class)
    void inventoryMatchesTheMaterializedParameters(Norm norm) {
        for (String arch : List.of("resnet20", "mobilenetv2")) {
            Network net = Models.build(arch, 3, 10, 0.25, norm, true);
            try (NDManager m = NDManager.newBaseManager()) {
                Models.materialize(net, m);
                long actual = net.trainableParameters().stream().mapToLong(p -> p.getArray().size()).sum();
                assertThat(actual).as(arch + "/" + norm).isEqualTo(net.parameterCount());
            }
        }
    }

    /** α ends the branch: after bn2 (bn), after Fixup's scale and bias2b (none), after conv2 (weightnorm). */
    @Test
    void alphaIsTheLastLayerOfEveryResNetBranch() {
        assertThat(block0("bn")).containsExactly("layer1.0.conv1:CONV", "layer1.0.bn1:BATCH_NORM",
                "layer1.0.conv2:CONV", "layer1.0.bn2:BATCH_NORM", "layer1.0.alpha:BRANCH_SCALAR");
        assertThat(block0("none")).containsExactly("layer1.0.bias1a:SCALAR_BIAS", "layer1.0.conv1:CONV",
                "layer1.0.bias1b:SCALAR_BIAS", "layer1.0.bias2a:SCALAR_BIAS", "layer1.0.conv2:CONV",
                "layer1.0.scale:SCALE", "layer1.0.bias2b:SCALAR_BIAS", "layer1.0.alpha:BRANCH_SCALAR");
        assertThat(block0("weightnorm")).containsExactly("layer1.0.conv1:CONV", "layer1.0.conv2:CONV",
                "layer1.0.alpha:BRANCH_SCALAR");
        Network net = Models.build("resnet20", 3, 10, 0.25, Norm.BN, true);
        assertThat(net.layers()).filteredOn(l -> l.kind() == LayerKind.BRANCH_SCALAR)
                .extracting(Layer::role).containsOnly(Role.BRANCH_LAST);
        assertThat(net.layers()).filteredOn(l -> l.path().startsWith("layer2.0.shortcut"))
                .noneMatch(l -> l.kind().scalar());
    }

    private static List<String> block0(String norm) {
        return Models.build("resnet20", 3, 10, 0.25, Norm.parse(norm), true).layers().stream()
                .filter(l -> l.path().startsWith("layer1.0.")).map(l -> l.path() + ":" + l.kind()).toList();
    }

    /** Only the MobileNetV2 blocks with a skip get α, after their projection's BN (at width 1: the table's). */
    @Test
    void mobileNetV2GetsAlphaOnlyWhereABlockHasASkip() {
        Network net = Models.build("mobilenetv2", 3, 10, 1.0, Norm.BN, true);
        List<String> alphas = net.layers().stream().filter(l -> l.kind() == LayerKind.BRANCH_SCALAR)
                .map(Layer::path).toList();
        assertThat(alphas).containsExactly("blocks.2.alpha", "blocks.4.alpha", "blocks.5.alpha", "blocks.7.alpha",
                "blocks.8.alpha", "blocks.9.alpha", "blocks.11.alpha", "blocks.12.alpha", "blocks.14.alpha",
                "blocks.15.alpha");
        List<String> paths = net.layers().stream().map(Layer::path).toList();
        assertThat(paths.get(paths.indexOf("blocks.2.alpha") - 1)).isEqualTo("blocks.2.project.bn");
        assertThat(net.layers()).filteredOn(l -> l.kind() == LayerKind.BRANCH_SCALAR)
                .extracting(Layer::role).containsOnly(Role.PROJECT);
    }

    /**
     * With α = 1 (what every scheme but skipinit and rezero writes) the gated net computes what the net
     * without α computes, from the same draws (the other parameters have the same paths); α = 0 changes it.
     */
    @ParameterizedTest
    @CsvSource({"resnet20, bn", "resnet20, none", "resnet20, weightnorm", "mobilenetv2, bn"})
    void forwardAtAlphaOneEqualsTheUngatedNet(String arch, String norm) {
        Network plain = Models.build(arch, 3, 10, 0.25, Norm.parse(norm));
        Network gated = Models.build(arch, 3, 10, 0.25, Norm.parse(norm), true);
        var init = InitRegistry.load().resolve("kaiming-normal").strategy();
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(plain, m);
            Models.materialize(gated, m);
            InitContext.apply(plain, init, 3);
            InitContext.apply(gated, init, 3);
            NDArray x = m.randomNormal(plain.inputShape(4));
            float[] expected = forward(plain, m, x);
            float[] actual = forward(gated, m, x);
            assertThat(actual).hasSize(40).containsExactly(expected);
            gated.layers().stream().filter(l -> l.kind() == LayerKind.BRANCH_SCALAR)
                    .forEach(l -> l.parameters().get("weight").getArray().set(new float[] {0f}));
            assertThat(forward(gated, m, x)).isNotEqualTo(expected);
        }
    }

    private static float[] forward(Network net, NDManager m, NDArray x) {
        return net.block().forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow()
                .toFloatArray();
    }

    @ParameterizedTest
    @CsvSource({"vgg16, bn", "vgg11bn, none", "plaincnn, none"})
    void netsWithoutResidualBranchesRefuseIt(String arch, String norm) {
        assertThat(Models.hasResidualBranches(arch)).isFalse();
        assertThatThrownBy(() -> Models.build(arch, 3, 10, 1.0, Norm.parse(norm), true))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("--branch-scalar needs a residual net (resnet20, resnet32, resnet44, resnet56,"
                        + " resnet110, mobilenetv2)")
                .hasMessageContaining("has no residual branches").hasMessageNotContaining("\n");
    }
}
