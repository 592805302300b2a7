package org.initbench.diag;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Everything {@code initbench inspect} measured, as written to {@code inspect.json} (snake_case
 * keys; a quantity that is undefined, such as a ratio over a zero norm, or not finite is null).
 * Variances and standard deviations are pooled over every element of an activation (batch,
 * channels, positions) and divide by the element count.
 *
 * @param schema {@link #SCHEMA}
 * @param branchScalar whether the net has a learned α at the end of each residual branch ({@code
 *     --branch-scalar}); absent from the JSON when false, so earlier files read the same
 * @param inputSource where the batch came from (dataset source, or the Gaussian seed)
 * @param batch images in the batch actually used
 */
public record InspectReport(String schema, String arch, String dataset, String norm,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean branchScalar, double width, String input,
        String inputSource, int batch, long seed, List<InitResult> inits) {

    /** Schema id of the JSON; bumped when a key changes meaning or disappears. */
    public static final String SCHEMA = "initbench-inspect/1";

    public InspectReport {
        inits = List.copyOf(inits);
    }

    /**
     * One init on a fresh model.
     *
     * @param init canonical init spec
     * @param prediction {@code autoinit} (AutoInit's own propagation, with the spec's options),
     *     {@code given-weights} (the same rules with the realized weights, from the measured input
     *     moments) or null (no prediction)
     */
    public record InitResult(String init, String prediction, NetworkStats network, List<LayerStats> layers,
            List<ResidualStats> residuals, List<ParamStats> parameters) {
        public InitResult {
            layers = List.copyOf(layers);
            residuals = List.copyOf(residuals);
            parameters = List.copyOf(parameters);
        }
    }

    /**
     * Whole-network numbers.
     *
     * @param inputMean mean of the input batch
     * @param inputStd std of the input batch
     * @param logitStd std of the logits
     * @param loss mean cross-entropy of the batch at init
     * @param lnClasses ln(classes): the loss of uniform predictions
     * @param firstLastGradRatio ‖∇W‖ of the first conv/linear layer over that of the last
     * @param firstLayer path of the first conv/linear layer
     * @param lastLayer path of the last (the classifier)
     */
    public record NetworkStats(Double inputMean, Double inputStd, Double logitStd, Double loss, double lnClasses,
            Double firstLastGradRatio, String firstLayer, String lastLayer) {}

    /**
     * One conv or linear layer, in depth order.
     *
     * @param depth 1-based position among the conv and linear layers
     * @param outMean mean of the layer's own output (before norm and nonlinearity)
     * @param outStd std of the layer's own output
     * @param nonlinearity {@code relu} or {@code relu6}: the first nonlinearity the output reaches
     *     without passing another conv or linear layer (after its norm, and for a residual branch's
     *     last conv and a shortcut after the add); null if none (classifier, MobileNetV2 project)
     * @param preMean mean of that nonlinearity's input
     * @param preStd std of that nonlinearity's input
     * @param postMean mean of its output
     * @param postStd std of its output
     * @param deadFraction fraction of its output units (channel × position) that are 0 for every
     *     image of the batch
     * @param weightStd std of the (effective) weight
     * @param weightGradNorm ‖∇W‖ (for a weight-normalized layer: of {@code weight_v})
     * @param gradToWeight ‖∇W‖ / ‖W‖
     * @param predictedOutVar predicted variance of the layer's output (null without prediction)
     * @param predictedPostVar predicted variance of the nonlinearity's output
     */
    public record LayerStats(int depth, String path, String kind, String role, int stage, int block,
            Double outMean, Double outStd, String nonlinearity, Double preMean, Double preStd, Double postMean,
            Double postStd, Double deadFraction, Double weightStd, Double weightGradNorm, Double gradToWeight,
            Double predictedOutVar, Double predictedPostVar) {}

    /**
     * One residual add, in depth order: branch(x) + shortcut(x).
     *
     * @param block the block's path prefix, e.g. {@code layer2.0}
     * @param stage stage index
     * @param index block index within the stage
     * @param branchVar variance of the residual branch's output at the add
     * @param shortcutVar variance of the shortcut's output (identity or projection)
     * @param sumVar variance of the sum
     * @param branchToShortcut branchVar / shortcutVar
     * @param predictedSumVar predicted variance of the sum (null without prediction)
     */
    public record ResidualStats(String block, int stage, int index, Double branchVar, Double shortcutVar,
            Double sumVar, Double branchToShortcut, Double predictedSumVar) {}

    /**
     * One trainable parameter, in depth order.
     *
     * @param path layer path
     * @param name PyTorch name ({@code weight}, {@code bias}, {@code weight_v}, ...)
     * @param size element count
     * @param mean mean of its values
     * @param std std of its values
     * @param norm ‖p‖
     * @param gradNorm ‖∇p‖
     * @param gradToWeight ‖∇p‖ / ‖p‖
     */
    public record ParamStats(String path, String name, long size, Double mean, Double std, Double norm,
            Double gradNorm, Double gradToWeight) {}

    /** A finite value, or null. */
    static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** a / b when both are finite and b != 0, else null. */
    static Double ratio(Double a, Double b) {
        return a == null || b == null || b == 0 ? null : finite(a / b);
    }
}
