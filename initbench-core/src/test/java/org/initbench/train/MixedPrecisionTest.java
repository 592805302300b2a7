package org.initbench.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Percentage.withPercentage;

import ai.djl.engine.Engine;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.initbench.BadInputException;
import org.initbench.data.HostBatch;
import org.initbench.experiment.Recipe;
import org.initbench.init.InitContext;
import org.initbench.init.InitRegistry;
import org.initbench.model.Bf16;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.initbench.model.ModelGraph;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.initbench.model.Norm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code --precision}: parsing, and what bf16 computes in which type (the {@link Precision} contract). */
class MixedPrecisionTest {

    @Test
    void parsesTheTwoPrecisionsAndNamesThemOnBadInput() {
        assertThat(Precision.parse("fp32")).isEqualTo(Precision.FP32);
        assertThat(Precision.parse(" BF16 ")).isEqualTo(Precision.BF16);
        assertThat(Precision.BF16.id()).isEqualTo("bf16");
        assertThatThrownBy(() -> Precision.parse("fp16")).isInstanceOf(BadInputException.class)
                .hasMessage("--precision must be fp32, bf16, got 'fp16'");
        assertThatThrownBy(() -> Recipe.SEED.withPrecision("half")).isInstanceOf(BadInputException.class);
        assertThat(Precision.flagsHaveBf16("flags\t\t: fpu avx2 avx512_bf16\n")).isTrue();
        assertThat(Precision.flagsHaveBf16("flags\t\t: fpu avx2 amx_bf16 amx_tile\n")).isTrue();
        assertThat(Precision.flagsHaveBf16("flags\t\t: fpu avx2 avx512f\n")).isFalse();
    }

    @Test
    void theCastRoundsToEightSignificantBitsAndIsDifferentiable() {
        try (NDManager m = NDManager.newBaseManager()) {
            // 1 + 2^-8 is a tie: to even (1); 1 + 3·2^-9 rounds up to 1 + 2^-7
            NDArray x = m.create(new float[] {1f + 0x1p-8f, 1f + 3 * 0x1p-9f, 3f});
            x.setRequiresGradient(true);
            NDArray back;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray b = Bf16.toBf16(x, m);
                assertThat(Bf16.is(b)).isTrue();
                back = Bf16.toFloat32(b.mul(2f), m);
                gc.backward(back.sum());
            }
            assertThat(back.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(back.toFloatArray()).containsExactly(2f, 2f + 0x1p-6f, 6f);
            assertThat(x.getGradient().getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(x.getGradient().toFloatArray()).containsExactly(2f, 2f, 2f);
        }
    }

    @Test
    void bf16ComputesConvsInBf16AndKeepsParametersStatisticsGradientsAndLossInFp32() {
        Network net = Models.build("resnet20", 1, 10, 0.25, Norm.BN);
        try (NDManager root = NDManager.newBaseManager()) {
            Models.materialize(net, root);
            InitContext.apply(net, InitRegistry.load().resolve("kaiming-normal").strategy(), 1);
            MixedPrecisionStore ps = (MixedPrecisionStore) Precision.BF16.store(net, root);
            ModelGraph graph = ModelGraph.of(net);
            List<String> convDtypes = new ArrayList<>();
            List<String> bnDtypes = new ArrayList<>();
            try (NDManager step = root.newSubManager();
                    MixedPrecisionStore.Scope scope = ps.scope(step);
                    GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray x = Bf16.toBf16(step.randomNormal(net.inputShape(8)), step);
                NDArray logits = graph.forward(ps, x, true, (node, out) -> {
                    if (node instanceof ModelGraph.Leaf l && l.op() == ModelGraph.Op.CONV) {
                        convDtypes.add(Bf16.is(out) ? "bf16" : out.getDataType().toString());
                    }
                    if (node instanceof ModelGraph.Leaf l && l.op() == ModelGraph.Op.BATCH_NORM) {
                        bnDtypes.add(Bf16.is(out) ? "bf16" : out.getDataType().toString());
                    }
                    return true;
                });
                assertThat(Bf16.is(logits)).as("the classifier's output").isTrue();
                NDArray y = step.create(new int[] {0, 1, 2, 3, 4, 5, 6, 7});
                NDArray loss = TrainStep.crossEntropy(Bf16.toFloat32(logits, step), y, 10);
                assertThat(loss.getDataType()).isEqualTo(DataType.FLOAT32);
                gc.backward(loss);
            }
            assertThat(convDtypes).hasSize(count(net, LayerKind.CONV)).containsOnly("bf16");
            assertThat(bnDtypes).hasSize(count(net, LayerKind.BATCH_NORM)).containsOnly("bf16");
            for (Parameter p : net.trainableParameters()) {
                assertThat(p.getArray().getDataType()).as(p.getName()).isEqualTo(DataType.FLOAT32);
                assertThat(p.getArray().getGradient().getDataType()).as(p.getName()).isEqualTo(DataType.FLOAT32);
            }
            for (Layer l : net.layers()) {
                if (l.kind() == LayerKind.BATCH_NORM) {
                    NDArray mean = l.parameters().get("running_mean").getArray();
                    assertThat(mean.getDataType()).isEqualTo(DataType.FLOAT32);
                    assertThat(mean.abs().sum().getFloat()).as("updated by the train-mode forward").isPositive();
                    assertThat(l.parameters().get("running_var").getArray().getDataType())
                            .isEqualTo(DataType.FLOAT32);
                }
                if (l.kind() == LayerKind.CONV) {
                    assertThat(l.parameters().get("weight").getArray().getGradient().abs().sum().getFloat())
                            .as(l.path()).isPositive();
                }
            }
        }
    }

    @Test
    void bf16LossIsCloseToFp32OnTheSameWeightsAndBatch() {
        Network net = Models.build("resnet20", 1, 10, 0.25, Norm.BN);
        HostBatch batch = batch(16, 5);
        try (NDManager root = NDManager.newBaseManager()) {
            Models.materialize(net, root);
            InitContext.apply(net, InitRegistry.load().resolve("kaiming-normal").strategy(), 1);
            TrainStep.Result fp32 = TrainStep.eval(net, Precision.FP32.store(net, root), root, batch);
            TrainStep.Result bf16 = TrainStep.eval(net, Precision.BF16.store(net, root), root, batch);
            // bf16 keeps 8 significant bits (relative rounding 2^-9 per op): a few percent after 20 layers
            assertThat((double) bf16.loss()).isCloseTo(fp32.loss(), withPercentage(3));
            assertThat(bf16.loss()).isNotEqualTo(fp32.loss());
        }
    }

    /** One forward/backward/update of each model family and norm variant in bf16; memory flat over steps. */
    @ParameterizedTest
    @CsvSource({"resnet20, bn", "resnet20, none", "resnet20, weightnorm", "mobilenetv2, bn", "vgg11, bn"})
    void everyModelTrainsInBf16WithFlatMemory(String arch, String norm) {
        Network net = Models.build(arch, 1, 10, 0.125, Norm.parse(norm));
        HostBatch batch = batch(8, 3);
        String init = norm.equals("bn") ? "kaiming-normal" : "role-aware";
        try (NDManager root = NDManager.newBaseManager()) {
            Models.materialize(net, root);
            InitContext.apply(net, InitRegistry.load().resolve(init).strategy(), 1);
            Sgd sgd = new Sgd(net.trainableParameters(), new SgdConfig(0.9, 5e-4, false), root);
            ParameterStore ps = Precision.BF16.store(net, root);
            TrainStep.Result first = TrainStep.train(net, ps, sgd, root, batch, 0.01);
            assertThat(first.loss()).isFinite();
            int afterFirst = ((BaseNDManager) root).getManagedArrays().size();
            for (int i = 0; i < 4; i++) {
                assertThat(TrainStep.train(net, ps, sgd, root, batch, 0.01).loss()).isFinite();
                assertThat(TrainStep.eval(net, ps, root, batch).loss()).isFinite();
            }
            assertThat(((BaseNDManager) root).getManagedArrays()).hasSize(afterFirst);
            for (Parameter p : net.trainableParameters()) {
                assertThat(p.getArray().getDataType()).isEqualTo(DataType.FLOAT32);
            }
        }
    }

    @Test
    void aBf16ForwardOutsideAStepIsRefused() {
        Network net = Models.build("resnet20", 1, 10, 0.125, Norm.BN);
        try (NDManager root = NDManager.newBaseManager()) {
            Models.materialize(net, root);
            ParameterStore ps = Precision.BF16.store(net, root);
            NDArray x = Bf16.toBf16(root.randomNormal(net.inputShape(2)), root);
            assertThatThrownBy(() -> net.block().forward(ps, new NDList(x), false))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("outside a step scope");
        }
    }

    private static int count(Network net, LayerKind kind) {
        return (int) net.layers().stream().filter(l -> l.kind() == kind).count();
    }

    private static HostBatch batch(int n, long seed) {
        Random r = new Random(seed);
        float[] images = new float[n * 32 * 32];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) r.nextGaussian();
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
        }
        return new HostBatch(images, labels, n, 1);
    }
}
