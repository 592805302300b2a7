package org.initbench.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of a run's {@code layer-stats.jsonl} ({@code --log-layer-stats N}): per conv/linear layer,
 * keyed by its layer path in depth (forward) order, the L2 norm of its weight's gradient (after
 * backward, before the SGD step, so without weight decay; for a weight-normalized layer the
 * gradient of {@code weight_v}) and the standard deviation (population, over batch, channels and
 * positions) of its output on the step's training batch in the train-mode forward. A value that
 * is not finite is null.
 *
 * @param epoch 1-based epoch
 * @param step 1-based step (batch) within the epoch
 * @param globalStep 1-based step since the start of training
 * @param loss the batch's mean training loss
 * @param gradNorm ‖∇W‖ per layer, in depth order
 * @param actStd output standard deviation per layer, in depth order
 */
public record LayerStatsRecord(int epoch, int step, long globalStep, float loss, Map<String, Float> gradNorm,
        Map<String, Float> actStd) {
    public LayerStatsRecord {
        gradNorm = gradNorm == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(gradNorm));
        actStd = actStd == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(actStd));
    }
}
