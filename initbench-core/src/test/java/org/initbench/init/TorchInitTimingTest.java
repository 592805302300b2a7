package org.initbench.init;

import ai.djl.ndarray.NDManager;
import java.util.Locale;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What a {@code torch:} init costs against a built-in: the seed-shaped custom_init.py (kaiming_normal_ fan_out on the
 * twin) vs initbench's kaiming-normal, on ResNet-56 at width 1 and CIFAR-100's shape. A measurement, not a check:
 * runs only with {@code -Dinitbench.timing=true} and prints its numbers.
 */
class TorchInitTimingTest {

    @Test
    void torchInitVersusBuiltin() {
        Assumptions.assumeTrue(Boolean.getBoolean("initbench.timing"), "timing runs with -Dinitbench.timing=true");
        TorchTesting.assumeTorch();
        String torch = "torch:" + TorchTesting.fixture("custom_init.py");
        time("kaiming-normal (warm-up)", "kaiming-normal");
        time(torch + " (warm-up)", torch);
        for (int i = 0; i < 3; i++) {
            time("kaiming-normal", "kaiming-normal");
            time("torch:custom_init.py", torch);
        }
    }

    private static void time(String label, String spec) {
        Network net = Models.build("resnet56", 3, 100, 1.0, Models.defaultNorm("resnet56"));
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitStrategy strategy = InitRegistry.load().resolve(spec).strategy();
            long t0 = System.nanoTime();
            InitContext.apply(net, strategy, 1);
            double ms = (System.nanoTime() - t0) / 1e6;
            System.out.printf(Locale.ROOT, "TIMING resnet56 w1 cifar100 %s: %.0f ms (%d parameters)%n", label, ms,
                    net.parameterCount());
        }
    }
}
