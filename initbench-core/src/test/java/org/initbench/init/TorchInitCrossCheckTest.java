package org.initbench.init;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.statistics.inference.KolmogorovSmirnovTest;
import org.initbench.model.Norm;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code torch.nn.init} run through a {@code torch:} file against initbench's built-in of the same scheme, on the
 * same model: each tensor large enough for the test has the same distribution by a two-sample Kolmogorov–Smirnov
 * test, and the constant parts (zero biases, BN γ = 1 and β = 0) are equal. The two sides draw from different
 * generators (PyTorch's Mersenne Twister, Java's SplittableRandom), so only distributions can agree.
 */
class TorchInitCrossCheckTest {
    /** Tensors below this many elements are too small for the KS test to tell a wrong scale apart. */
    private static final int MIN_ELEMENTS = 1000;

    /**
     * The family-wise error rate per model and scheme. With k tensors tested, each is tested at FAMILY_ALPHA / k
     * (Bonferroni): under the null hypothesis each p-value is uniform, so the chance that any of the k rejects is
     * at most FAMILY_ALPHA whatever their dependence (the tensors of one model are independent anyway). The seeds
     * are fixed, so the test is deterministic; the level only says how unlucky a correct implementation would have
     * to be to fail it. Against that, a scale off by 10% on a tensor of 10⁴ elements gives p far below 10⁻⁶.
     */
    private static final double FAMILY_ALPHA = 1e-3;

    @BeforeEach
    void needsTorch() {
        TorchTesting.assumeTorch();
    }

    @ParameterizedTest(name = "{0} width {1}: {2} vs {3}")
    @CsvSource({
        "resnet20, 0.5, torch_kaiming_normal.py, kaiming-normal",
        "vgg11, 0.25, torch_kaiming_normal.py, kaiming-normal",
        "resnet20, 0.5, torch_xavier_uniform.py, xavier-uniform",
        "vgg11, 0.25, torch_xavier_uniform.py, xavier-uniform",
        "resnet20, 0.5, torch_orthogonal.py, orthogonal",
        "vgg11, 0.25, torch_orthogonal.py, orthogonal",
        "resnet20, 0.5, torch_noop.py, pytorch-default",
        "vgg11, 0.25, torch_noop.py, pytorch-default",
    })
    void torchFileMatchesTheBuiltin(String arch, double width, String fixture, String builtin) {
        Map<String, float[]> torch = TorchTesting.values(arch, 3, 100, width, Norm.BN,
                "torch:" + TorchTesting.fixture(fixture), 11);
        Map<String, float[]> java = TorchTesting.values(arch, 3, 100, width, Norm.BN, builtin, 11);
        assertThat(torch.keySet()).containsExactlyElementsOf(java.keySet());
        List<String> tested = new ArrayList<>();
        for (var e : java.entrySet()) {
            String key = e.getKey();
            float[] j = e.getValue();
            float[] t = torch.get(key);
            assertThat(t).as(key).hasSameSizeAs(j);
            if (j.length >= MIN_ELEMENTS) {
                tested.add(key);
            } else if (constant(j)) {
                assertThat(t).as(key).containsExactly(j);
            }
        }
        assertThat(tested).as("tensors large enough to test").hasSizeGreaterThanOrEqualTo(5);
        double alpha = FAMILY_ALPHA / tested.size();
        KolmogorovSmirnovTest ks = KolmogorovSmirnovTest.withDefaults();
        for (String key : tested) {
            double p = ks.test(doubles(torch.get(key)), doubles(java.get(key))).getPValue();
            assertThat(p).as("%s: KS p-value vs alpha %.2g", key, alpha).isGreaterThan(alpha);
        }
    }

    private static boolean constant(float[] v) {
        for (float x : v) {
            if (x != v[0]) {
                return false;
            }
        }
        return true;
    }

    private static double[] doubles(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
