package org.initbench.init.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.initbench.init.InitContext;
import org.initbench.init.InitRegistry;
import org.initbench.init.InitStrategy;
import org.initbench.init.SampleBatch;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.initbench.model.Norm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The dry run that checks an init against a model before a run or sweep starts ({@link InitContext#dryRun}) makes
 * one iteration of an iterative scheme, not its hundreds: a dry run at the default count gives exactly the
 * weights of a real run with one iteration, and a real run with two gives others.
 */
class DryRunTest {
    private static final InitRegistry REGISTRY = InitRegistry.load();

    @ParameterizedTest
    @CsvSource({"gradinit, iters, 390, batch=8", "metainit, steps, 500, batch=4"})
    void aDryRunMakesOneIteration(String id, String count, int defaults, String extra) {
        float[] dry = weights(id + ":" + count + "=" + defaults + "," + extra, true);
        assertThat(dry).isEqualTo(weights(id + ":" + count + "=1," + extra, false));
        assertThat(dry).isNotEqualTo(weights(id + ":" + count + "=2," + extra, false));
    }

    @Test
    void anOrdinaryApplyIsNoDryRun() {
        List<Boolean> seen = new ArrayList<>();
        InitStrategy probe = ctx -> {
            seen.add(ctx.dryRun());
            REGISTRY.resolve("kaiming-normal").strategy().initialize(ctx);
        };
        Network net = Models.build("resnet20", 3, 10, 0.125, Norm.BN);
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, probe, 0);
            InitContext.dryRun(net, probe, 0, null);
        }
        assertThat(seen).containsExactly(false, true);
    }

    /** The first conv's weights after {@code spec} on a narrow ResNet-20, as a dry run or a real one. */
    private static float[] weights(String spec, boolean dryRun) {
        Network net = Models.build("resnet20", 3, 10, 0.125, Norm.BN);
        InitStrategy s = REGISTRY.resolve(spec).strategy();
        SampleBatch batch = SampleBatch.gaussian(8, 3, 0);
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            if (dryRun) {
                InitContext.dryRun(net, s, 7, batch);
            } else {
                InitContext.apply(net, s, 7, batch);
            }
            return net.layers().get(0).parameters().get("weight").getArray().toFloatArray();
        }
    }
}
