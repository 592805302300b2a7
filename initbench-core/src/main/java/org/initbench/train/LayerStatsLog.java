package org.initbench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.initbench.model.Layer;
import org.initbench.model.ModelGraph;
import org.initbench.model.ModelGraph.Leaf;
import org.initbench.model.ModelGraph.Op;
import org.initbench.model.Network;

/**
 * Per-layer statistics during training ({@code --log-layer-stats N}, issue 7): on every
 * {@link #stride}-th training step, the step's own train-mode forward runs through {@link
 * ModelGraph#forward} instead of the block's {@code forward}. That is the same computation (the
 * same blocks called in the same order, residual branches added in the same order), so batch norm
 * updates its running statistics exactly once, as on any other step, and nothing else is run: no
 * second forward, no eval-mode trick. The probe reads each conv/linear output through a detached
 * view ({@code stopGradient}), so the autograd graph and the gradients are untouched; the weight
 * gradients are read after backward and before the SGD step (which adds weight decay in place).
 * A test shows metrics and every parameter bit-for-bit equal with and without logging.
 *
 * <p>Bounded: at most {@value #MAX_RECORDS_PER_EPOCH} records per epoch. The stride is {@code
 * max(N, ⌈batches per epoch / } {@value #MAX_RECORDS_PER_EPOCH}{@code ⌉)} global steps, so a run of
 * E epochs writes at most {@value #MAX_RECORDS_PER_EPOCH}·E lines of one value pair per layer each
 * (ResNet-56, 58 layers: about 3 KB a line).
 */
public final class LayerStatsLog {
    /** The file the records go to in a run directory. */
    public static final String FILE = "layer-stats.jsonl";

    /** Records per epoch at most. */
    public static final int MAX_RECORDS_PER_EPOCH = 16;

    private final int every;
    private final ModelGraph graph;
    private final List<Leaf> layers;
    private final List<Layer> scalars;

    /**
     * @param every the requested interval in steps, positive
     */
    public LayerStatsLog(Network net, int every) {
        if (every <= 0) {
            throw new IllegalArgumentException("layer-stats interval must be positive, got " + every);
        }
        this.every = every;
        this.graph = ModelGraph.of(net);
        this.layers = graph.leaves().stream().filter(l -> l.op() == Op.CONV || l.op() == Op.LINEAR).toList();
        this.scalars = net.layers().stream().filter(l -> l.kind().scalar()).toList();
    }

    /** The interval actually used: the requested one, raised to keep the per-epoch bound. */
    int stride(int batchesPerEpoch) {
        return Math.max(every, (batchesPerEpoch + MAX_RECORDS_PER_EPOCH - 1) / MAX_RECORDS_PER_EPOCH);
    }

    /**
     * The probe for one step, or null when the step is not logged.
     *
     * @param epoch 0-based epoch
     * @param batch 0-based batch within the epoch
     */
    public Step stepOrNull(int epoch, int batch, int batchesPerEpoch) {
        long global = (long) epoch * batchesPerEpoch + batch + 1;
        return global % stride(batchesPerEpoch) == 0 ? new Step(epoch + 1, batch + 1, global) : null;
    }

    /** What the manifest says about the log. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", FILE);
        m.put("every_steps_requested", every);
        m.put("max_records_per_epoch", MAX_RECORDS_PER_EPOCH);
        m.put("layers", layers.stream().map(Leaf::name).toList());
        if (!scalars.isEmpty()) {
            m.put("scalars", scalars.stream().map(Layer::path).toList());
        }
        return m;
    }

    /** The measurements of one logged step; used inside {@link TrainStep#train}'s sub-manager. */
    public final class Step {
        private final int epoch;
        private final int step;
        private final long global;
        private final Map<String, Float> actStd = new LinkedHashMap<>();
        private LayerStatsRecord record;

        private Step(int epoch, int step, long global) {
            this.epoch = epoch;
            this.step = step;
            this.global = global;
        }

        /** The train-mode forward of the step, measuring each conv/linear output on the way. */
        NDArray forward(ParameterStore ps, NDArray x) {
            return graph.forward(ps, x, true, (node, out) -> {
                if (node instanceof Leaf l && (l.op() == Op.CONV || l.op() == Op.LINEAR)) {
                    actStd.put(l.name(), finite(std(out)));
                }
                return true;
            });
        }

        /**
         * Reads the weight gradients, and the scalars with theirs (after backward, before the update),
         * and completes the record.
         */
        void finish(float loss) {
            Map<String, Float> grads = new LinkedHashMap<>();
            for (Leaf l : layers) {
                Map<String, Parameter> p = l.layer().parameters();
                Parameter w = p.containsKey("weight") ? p.get("weight") : p.get("weight_v");
                grads.put(l.name(), finite(gradNorm(w.getArray())));
            }
            Map<String, Float> values = new LinkedHashMap<>();
            Map<String, Float> scalarGrads = new LinkedHashMap<>();
            for (Layer l : scalars) {
                NDArray v = l.parameters().values().iterator().next().getArray();
                values.put(l.path(), finite(v.getFloat(0)));
                try (NDArray g = v.getGradient()) {
                    scalarGrads.put(l.path(), finite(g.getFloat(0)));
                }
            }
            record = new LayerStatsRecord(epoch, step, global, loss, grads, actStd, values, scalarGrads);
        }

        /** The record, once {@link #finish} ran (null for a step that diverged). */
        public LayerStatsRecord record() {
            return record;
        }
    }

    /** Population standard deviation of {@code a} in double precision; temporaries freed at once. */
    static double std(NDArray a) {
        try (NDManager m = a.getManager().newSubManager()) {
            NDArray d = a.stopGradient();
            d.attach(m);
            NDArray dd = d.toType(DataType.FLOAT64, false);
            double mean = dd.mean().getDouble();
            return Math.sqrt(dd.sub(mean).square().mean().getDouble());
        }
    }

    /** L2 norm of {@code w}'s gradient in double precision; the gradient itself is not changed. */
    static double gradNorm(NDArray w) {
        try (NDManager m = w.getManager().newSubManager();
                NDArray g = w.getGradient()) {
            m.tempAttachAll(g);
            return Math.sqrt(g.toType(DataType.FLOAT64, false).square().sum().getDouble());
        }
    }

    private static Float finite(double v) {
        return Double.isFinite(v) ? (float) v : null;
    }
}
