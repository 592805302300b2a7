package org.initbench.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of a run's {@code layer-stats.jsonl} ({@code --log-layer-stats N}): per conv/linear layer,
 * keyed by its layer path in depth (forward) order, the L2 norm of its weight's gradient (after
 * backward, before the SGD step, so without weight decay; for a weight-normalized layer the
 * gradient of {@code weight_v}) and the standard deviation (population, over batch, channels and
 * positions) of its output on the step's training batch in the train-mode forward. Nets with learned
 * scalars (Fixup's scalar biases and multipliers, {@code --norm none}) also get, per scalar layer in
 * depth order, the value the step's forward used and its gradient; other nets omit both fields. A
 * value that is not finite is null.
 *
 * @param epoch 1-based epoch
 * @param step 1-based step (batch) within the epoch
 * @param globalStep 1-based step since the start of training
 * @param loss the batch's mean training loss
 * @param gradNorm ‖∇W‖ per layer, in depth order
 * @param actStd output standard deviation per layer, in depth order
 * @param scalar value of each learned scalar, in depth order; empty when the net has none
 * @param scalarGrad loss gradient of each learned scalar (before weight decay), in depth order
 */
public record LayerStatsRecord(int epoch, int step, long globalStep, float loss, Map<String, Float> gradNorm,
        Map<String, Float> actStd, @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Float> scalar,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Float> scalarGrad) {
    public LayerStatsRecord {
        gradNorm = copy(gradNorm);
        actStd = copy(actStd);
        scalar = copy(scalar);
        scalarGrad = copy(scalarGrad);
    }

    /** A record without scalars. */
    public LayerStatsRecord(int epoch, int step, long globalStep, float loss, Map<String, Float> gradNorm,
            Map<String, Float> actStd) {
        this(epoch, step, globalStep, loss, gradNorm, actStd, null, null);
    }

    private static Map<String, Float> copy(Map<String, Float> m) {
        return m == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }
}
