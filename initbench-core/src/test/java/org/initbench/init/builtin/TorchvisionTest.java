package org.initbench.init.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.initbench.BadInputException;
import org.initbench.init.Fans;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.initbench.model.Role;
import org.initbench.testkit.Stats;
import org.junit.jupiter.api.Test;

/** {@code torchvision}: the model-file init of each family, checked per family. */
class TorchvisionTest {

    /** Convs ≥ 10k weights ~ N(0, 2/fan_out) (fan_out not divided by groups), conv biases 0, BN 1/0. */
    private static void checkConvsAndNorms(Initialized init) {
        for (Layer l : init.net().layers()) {
            if (l.kind() == LayerKind.BATCH_NORM) {
                assertThat(init.get(l, "weight")).as(l.path()).containsOnly(1f);
                assertThat(init.get(l, "bias")).as(l.path()).containsOnly(0f);
            } else if (l.kind() == LayerKind.CONV) {
                float[] w = init.get(l, "weight");
                if (w.length >= ClassicSchemesTest.MIN) {
                    ClassicSchemesTest.checkLayer(w, ClassicSchemesTest.Law.normal(0,
                            Math.sqrt(2.0 / Fans.of(l).fanOut())), l.path());
                }
                if (l.hasBias()) {
                    assertThat(init.get(l, "bias")).as(l.path()).containsOnly(0f);
                }
            }
        }
    }

    private static void checkSmallNormalClassifier(Initialized init, String path) {
        Layer fc = init.layer(path);
        assertThat(init.get(fc, "weight").length).isGreaterThanOrEqualTo(ClassicSchemesTest.MIN);
        ClassicSchemesTest.checkLayer(init.get(fc, "weight"), ClassicSchemesTest.Law.normal(0, 0.01), path);
        assertThat(init.get(fc, "bias")).containsOnly(0f);
    }

    @Test
    void vggConvFanOutBiasZeroClassifierStdOneHundredth() {
        Initialized init = Initialized.of("vgg16bn", 100, 0.25, "torchvision", 5);
        checkConvsAndNorms(init);
        checkSmallNormalClassifier(init, "classifier");
    }

    @Test
    void plainCnnIsTreatedAsVgg() {
        Initialized init = Initialized.of("plaincnn", 100, 1.0, "torchvision", 5);
        checkConvsAndNorms(init);
        checkSmallNormalClassifier(init, "classifier");
    }

    @Test
    void mobileNetV2ConvFanOutIncludingDepthwiseClassifierStdOneHundredth() {
        Initialized init = Initialized.of("mobilenetv2", 10, 1.0, "torchvision", 5);
        checkConvsAndNorms(init);
        checkSmallNormalClassifier(init, "classifier");
        // the largest depthwise conv (960 channels × 3×3): fan_out = 960·9, not 9
        Layer dw = init.layer("blocks.15.dw.conv");
        assertThat(dw.role()).isEqualTo(Role.DEPTHWISE);
        ClassicSchemesTest.checkLayer(init.get(dw, "weight"),
                ClassicSchemesTest.Law.normal(0, Math.sqrt(2.0 / (dw.outChannels() * 9))), dw.path());
    }

    @Test
    void resnetFcKeepsThePytorchDefault() {
        Initialized init = Initialized.of("resnet56", 100, 1.0, "torchvision", 5);
        checkConvsAndNorms(init);
        Layer fc = init.layer("fc");
        double bound = 1 / Math.sqrt(64);
        for (String name : new String[] {"weight", "bias"}) {
            for (float v : init.get(fc, name)) {
                assertThat((double) Math.abs(v)).as("fc." + name).isLessThanOrEqualTo(bound);
            }
        }
        float[] w = init.get(fc, "weight");
        assertThat(Stats.ksStatistic(w, Stats.uniformCdf(-bound, bound))).isLessThan(Stats.ksCritical(w.length));
        assertThat(init.get(fc, "bias")).doesNotContain(0f);
    }

    @Test
    void zeroInitResidualZeroesExactlyTheBranchEndBns() {
        Initialized init = Initialized.of("resnet56", 10, 0.25, "torchvision:zero-init-residual=true", 5);
        int zeroed = 0;
        for (Layer l : init.net().layers()) {
            if (l.kind() != LayerKind.BATCH_NORM) {
                continue;
            }
            boolean branchEnd = l.path().endsWith(".bn2");
            assertThat(init.get(l, "weight")).as(l.path()).containsOnly(branchEnd ? 0f : 1f);
            assertThat(init.get(l, "bias")).as(l.path()).containsOnly(0f);
            zeroed += branchEnd ? 1 : 0;
        }
        assertThat(zeroed).isEqualTo(27);
        assertThat(init.get(init.layer("layer3.0.shortcut.1"), "weight")).containsOnly(1f);
    }

    @Test
    void zeroInitResidualNeedsAResNet() {
        assertThatThrownBy(() -> Initialized.of("vgg11bn", 10, 0.25, "torchvision:zero-init-residual=true", 5))
                .isInstanceOf(BadInputException.class).hasMessageContaining("needs a ResNet");
    }
}
