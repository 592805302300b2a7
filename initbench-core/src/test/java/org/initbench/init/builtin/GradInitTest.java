package org.initbench.init.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.initbench.BadInputException;
import org.initbench.init.InitContext;
import org.initbench.init.InitRegistry;
import org.initbench.init.SampleBatch;
import org.initbench.model.Layer;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.junit.jupiter.api.Test;

class GradInitTest {
    /**
     * Each tensor ends as α·(its base value), one α per tensor, weights' α ≥ min-scale, and the fit moves
     * the scales (here: resnet20 at width 0.25, 3 iterations on 8 Gaussian images with labels).
     */
    @Test
    void foldsOnePositiveScalePerTensorIntoTheBase() {
        Map<String, float[]> base = values("kaiming-normal", SampleBatch.gaussian(8, 3, 4));
        Map<String, float[]> fitted = values("gradinit:iters=3,batch=8,lr=0.1", SampleBatch.gaussian(8, 3, 4));
        int moved = 0;
        for (var e : base.entrySet()) {
            float[] b = e.getValue();
            float[] f = fitted.get(e.getKey());
            double dot = 0;
            double bb = 0;
            for (int i = 0; i < b.length; i++) {
                dot += (double) b[i] * f[i];
                bb += (double) b[i] * b[i];
            }
            if (bb == 0) {
                assertThat(f).as("a zero tensor stays zero: %s", e.getKey()).containsOnly(0f);
                continue;
            }
            double alpha = dot / bb;
            for (int i = 0; i < b.length; i++) {
                assertThat((double) f[i]).as(e.getKey()).isCloseTo(alpha * b[i], org.assertj.core.api.Assertions.within(1e-5 * (1 + Math.abs(b[i]))));
            }
            if (!e.getKey().endsWith(".bias")) {
                assertThat(alpha).as("weight scale of %s", e.getKey()).isGreaterThanOrEqualTo(0.01 - 1e-6);
            }
            moved += Math.abs(alpha - 1) > 1e-3 ? 1 : 0;
        }
        assertThat(moved).as("tensors whose scale moved").isGreaterThan(base.size() / 2);
    }

    /**
     * The float32 passes (the default, as the reference) fit the scales the float64 passes fit: resnet20 at
     * width 0.125, 3 iterations on 8 Gaussian images, lr 0.1 so that an α moves by up to 0.1 a step. γ = 1e-6
     * makes every iteration a constraint step (‖g‖ ≈ 2.6 here), γ = 1e6 every one an objective step. Adam's
     * first step is lr·sign(∂/∂α), its next ones depend on ratios of the ∂/∂α, which float32 gives to about
     * 1e-4 (see {@link GradInit}), so the α's should agree to about lr·1e-4; measured: 5.5e-6 (constraint
     * steps) and 6.8e-5 (objective steps). The bound, 1e-3, is 1 % of one step. A wrong float32 H·g fails it:
     * the old finite difference in float32 at its best relative step (1e-2) put an α 0.49 away.
     */
    @Test
    void float32PassesFitTheFloat64Scales() {
        for (String gamma : new String[] {"1e-6", "1e6"}) {
            String spec = "gradinit:iters=3,batch=8,lr=0.1,gamma=" + gamma + ",precision=";
            Map<String, Double> single = scales(spec + "float32");
            Map<String, Double> dbl = scales(spec + "float64");
            assertThat(single.keySet()).isEqualTo(dbl.keySet());
            double moved = 0;
            for (var e : dbl.entrySet()) {
                assertThat(single.get(e.getKey())).as("γ = %s, α of %s", gamma, e.getKey())
                        .isCloseTo(e.getValue(), org.assertj.core.api.Assertions.within(1e-3));
                moved = Math.max(moved, Math.abs(e.getValue() - 1));
            }
            assertThat(moved).as("γ = %s: largest |α − 1|", gamma).isGreaterThan(0.1);
        }
    }

    /** α = ⟨θ, θ⁰⟩/⟨θ⁰, θ⁰⟩ of each nonzero tensor after {@code spec} on resnet20 at width 0.125. */
    static Map<String, Double> scales(String spec) {
        SampleBatch batch = SampleBatch.gaussian(8, 3, 4);
        Map<String, float[]> base = values("kaiming-normal", batch, 0.125);
        Map<String, float[]> fitted = values(spec, batch, 0.125);
        Map<String, Double> out = new LinkedHashMap<>();
        base.forEach((name, b) -> {
            float[] f = fitted.get(name);
            double dot = 0;
            double bb = 0;
            for (int i = 0; i < b.length; i++) {
                dot += (double) b[i] * f[i];
                bb += (double) b[i] * b[i];
            }
            if (bb > 0) {
                out.put(name, dot / bb);
            }
        });
        return out;
    }

    @Test
    void needsLabelledDataOfTheModelsShape() {
        Network net = Models.build("resnet20", 3, 10, 0.25);
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            var strategy = InitRegistry.load().resolve("gradinit:iters=1").strategy();
            assertThatThrownBy(() -> InitContext.apply(net, strategy, 1)).isInstanceOf(BadInputException.class)
                    .hasMessage("gradinit needs data: a sample batch of labelled training images");
            SampleBatch gray = SampleBatch.gaussian(4, 1, 1);
            assertThatThrownBy(() -> InitContext.apply(net, strategy, 1, gray)).isInstanceOf(BadInputException.class)
                    .hasMessageContaining("sample images are 1x32x32");
            SampleBatch g = SampleBatch.gaussian(4, 3, 1);
            SampleBatch badLabel = new SampleBatch(g.images(), new int[] {0, 1, 10, 2}, 4, 3, 32, 32);
            assertThatThrownBy(() -> InitContext.apply(net, strategy, 1, badLabel)).isInstanceOf(BadInputException.class)
                    .hasMessageContaining("label 10 outside");
        }
        assertThat(InitRegistry.load().provider("gradinit").dataDependent()).isTrue();
        assertThatThrownBy(() -> InitRegistry.load().resolve("gradinit:iters=2.5")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("whole number");
        assertThatThrownBy(() -> InitRegistry.load().resolve("gradinit:eta=0")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("eta > 0");
    }

    static Map<String, float[]> values(String spec, SampleBatch batch) {
        return values(spec, batch, 0.25);
    }

    static Map<String, float[]> values(String spec, SampleBatch batch, double width) {
        Network net = Models.build("resnet20", 3, 10, width);
        Map<String, float[]> out = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, InitRegistry.load().resolve(spec).strategy(), 7, batch);
            for (Layer l : net.layers()) {
                for (var p : l.parameters().entrySet()) {
                    if (p.getValue().requiresGradient()) {
                        out.put(l.path() + "." + p.getKey(), p.getValue().getArray().toFloatArray());
                    }
                }
            }
        }
        return out;
    }
}
