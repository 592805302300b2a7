package org.initbench.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.initbench.BadInputException;
import org.initbench.init.InitContext;
import org.initbench.init.builtin.PytorchDefault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelsTest {

    /** Pinned against the PyTorch twins of pytorch/initbench_torch/models.py (pytorch/param_counts.py). */
    @ParameterizedTest
    @CsvSource({
        "resnet20, 3, 10, 272474, 22",
        "resnet56, 3, 100, 861620, 58",
        "vgg16, 3, 100, 14774436, 14",
        "vgg16bn, 3, 100, 14774436, 14",
        "mobilenetv2, 1, 10, 2236106, 53",
    })
    void parameterCountsAndDepths(String arch, int in, int classes, long params, int depth) {
        Network net = Models.build(arch, in, classes);
        assertThat(net.parameterCount()).isEqualTo(params);
        assertThat(net.depth()).isEqualTo(depth);
    }

    /** bn counts are those above; none drops BN and adds Fixup's 5 scalars per block + 2; WN adds biases and g. */
    @ParameterizedTest
    @CsvSource({
        "resnet56, 3, 100, bn, 861620",
        "resnet56, 3, 100, none, 857501",
        "resnet56, 3, 100, weightnorm, 861720",
        "vgg16, 3, 100, none, 14765988",
        "plaincnn, 3, 10, none, 1174826",
        "plaincnn, 3, 10, weightnorm, 1175796",
    })
    void normVariantCountsAndSameDepth(String arch, int in, int classes, String norm, long params) {
        Network net = Models.build(arch, in, classes, 1.0, Norm.parse(norm));
        assertThat(net.norm()).isEqualTo(Norm.parse(norm));
        assertThat(net.parameterCount()).isEqualTo(params);
        assertThat(net.depth()).isEqualTo(Models.build(arch, in, classes).depth());
        assertThat(net.residualBlockCount()).isEqualTo(Models.build(arch, in, classes).residualBlockCount());
    }

    @Test
    void inventoryCountMatchesMaterializedParameters() {
        for (String arch : Models.ids()) {
            for (Norm norm : Norm.values()) {
                if (norm == Norm.BN && Models.defaultNorm(arch) != Norm.BN) {
                    continue;
                }
                inventoryMatches(Models.build(arch, 3, 10, 0.25, norm));
            }
        }
    }

    private static void inventoryMatches(Network net) {
        String arch = net.arch() + "/" + net.norm().id();
        {
            try (NDManager m = NDManager.newBaseManager()) {
                Models.materialize(net, m);
                long actual = net.trainableParameters().stream().mapToLong(p -> p.getArray().size()).sum();
                assertThat(actual).as(arch).isEqualTo(net.parameterCount());
                Set<String> paths = new HashSet<>();
                net.layers().forEach(l -> assertThat(paths.add(l.path())).as(l.path()).isTrue());
                if (net.norm() != Norm.BN) {
                    assertThat(net.layers()).noneMatch(l -> l.kind() == LayerKind.BATCH_NORM);
                }
                if (net.norm() == Norm.WEIGHTNORM) {
                    assertThat(net.layers().stream().filter(l -> l.kind().weighted()))
                            .allMatch(Layer::weightNormalized).allMatch(Layer::hasBias);
                }
            }
        }
    }

    @Test
    void forwardGivesLogitsPerClass() {
        Network net = Models.build("resnet20", 1, 10, 0.5);
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, new PytorchDefault(), 1);
            NDArray x = m.randomNormal(net.inputShape(4));
            NDList out = net.block().forward(new ParameterStore(m, false), new NDList(x), false);
            assertThat(out.singletonOrThrow().getShape().getShape()).containsExactly(4, 10);
        }
    }

    @Test
    void residualBlocksAndRoles() {
        Network r56 = Models.build("resnet56", 3, 100);
        assertThat(r56.residualBlockCount()).isEqualTo(27);
        assertThat(r56.layers().stream().filter(l -> l.role() == Role.SHORTCUT).count()).isEqualTo(4);
        assertThat(Models.build("vgg16bn", 3, 100).residualBlockCount()).isZero();
        assertThat(Models.build("mobilenetv2", 1, 10).residualBlockCount()).isEqualTo(10);
    }

    @Test
    void vggIdsAreNormNeutralAndTheBnIdsAreAliases() {
        assertThat(Models.ids()).containsExactly("resnet20", "resnet32", "resnet44", "resnet56", "resnet110",
                "vgg11", "vgg13", "vgg16", "vgg19", "mobilenetv2", "plaincnn");
        for (String id : List.of("vgg11", "vgg13", "vgg16", "vgg19")) {
            String alias = id + "bn";
            assertThat(Models.canonicalId(alias)).isEqualTo(id);
            assertThat(Models.canonicalId(alias.toUpperCase(java.util.Locale.ROOT))).isEqualTo(id);
            assertThat(Models.aliases(id)).containsExactly(alias);
            // canonicalizing the id alone is exact: the alias's norm is the canonical id's default
            assertThat(Models.defaultNorm(alias)).isEqualTo(Models.defaultNorm(id)).isEqualTo(Norm.BN);
            Network viaAlias = Models.build(alias, 3, 10, 0.25, Norm.NONE);
            assertThat(viaAlias.arch()).isEqualTo(alias); // the id it was built under
            assertThat(Models.canonicalId(viaAlias.arch())).isEqualTo(id);
            assertThat(Models.build(id, 3, 10, 0.25).arch()).isEqualTo(id);
            assertThat(viaAlias.parameterCount()).isEqualTo(Models.build(id, 3, 10, 0.25, Norm.NONE).parameterCount());
        }
        assertThat(Models.canonicalId("resnet20")).isEqualTo("resnet20");
        assertThat(Models.canonicalId("nonesuch")).isEqualTo("nonesuch");
        assertThat(Models.aliases("resnet20")).isEmpty();
    }

    @Test
    void unknownArchIsBadInput() {
        assertThatThrownBy(() -> Models.build("resnet21", 3, 10))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("valid: ")
                .hasMessageContaining("resnet20");
    }
}
