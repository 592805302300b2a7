package org.initbench.init.builtin;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.initbench.BadInputException;
import org.initbench.init.Fans;
import org.initbench.init.InitContext;
import org.initbench.init.InitOption;
import org.initbench.init.InitStrategy;
import org.initbench.init.Orthogonals;
import org.initbench.init.SampleBatch;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.initbench.model.ModelGraph;
import org.initbench.model.ModelGraph.Leaf;
import org.initbench.model.ModelGraph.Op;
import org.initbench.model.Moments;

/**
 * Mishkin and Matas 2016, "All you need is a good init", ICLR 2016, arXiv:1511.06422 (layer-sequential
 * unit-variance; reference ducha-aiki/LSUV-pytorch {@code LSUV.py}). Data-dependent: needs one
 * training batch.
 *
 * <p>Every conv and linear weight (classifier and shortcut projections included) starts
 * orthonormal ({@link Orthogonals}, gain 1) with bias 0; BN γ = 1, β = 0. Then, for each conv and
 * linear layer in forward order, the batch is forwarded, the variance v and mean m of the layer's
 * output (pooled over all elements) are measured and, while |v − 1| ≥ {@code tol} (0.1) and at most
 * {@code max-iter} (10) times, W ← W/√v and, as the reference does, b ← b − m/√v. BN runs in eval
 * mode as in the reference ({@code model.eval()}: running stats 0/1, so BN is the identity) or, with
 * {@code bn-mode=train}, on batch statistics (running stats are restored to 0/1 afterwards). One
 * forward pass serves all layers: a rescaled layer's output is corrected in place.
 */
public final class Lsuv extends Scheme {
    static final String DEFAULT_TOL = "0.1";
    static final String DEFAULT_MAX_ITER = "10";
    static final String DEFAULT_BN_MODE = "eval";

    public Lsuv() {
        super("lsuv",
                "LSUV: orthonormal, then per layer W ← W/√Var(output) on a batch until |Var − 1| < tol",
                "Mishkin, Matas 2016, All you need is a good init, ICLR 2016, arXiv:1511.06422",
                InitOption.number("tol", DEFAULT_TOL, "tolerance on the output variance"),
                InitOption.number("max-iter", DEFAULT_MAX_ITER, "most rescalings per layer"),
                InitOption.choice("bn-mode", DEFAULT_BN_MODE, "batch norm during the passes",
                        List.of("eval", "train")));
    }

    @Override
    public boolean dataDependent() {
        return true;
    }

    @Override
    public InitStrategy create(Map<String, String> options) {
        double tol = number(options, "tol");
        int maxIter = (int) number(options, "max-iter");
        boolean train = options.get("bn-mode").equals("train");
        return ctx -> {
            SampleBatch batch = ctx.sampleBatch();
            if (batch == null) {
                throw new BadInputException("lsuv needs data: a sample batch of training images");
            }
            EveryWeight.strategy((c, l) -> c.set(l, "weight", Orthogonals.matrix(c.rng(l, "weight"),
                    l.outChannels(), Math.toIntExact(Fans.of(l).fanIn()), 1.0))).initialize(ctx);
            ModelGraph graph = ModelGraph.of(ctx.network());
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray x = m.create(batch.images(), batch.shape());
                graph.forward(new ParameterStore(m, false), x, train, (node, y) -> {
                    if (node instanceof Leaf leaf && (leaf.op() == Op.CONV || leaf.op() == Op.LINEAR)) {
                        for (int i = 0; i < maxIter; i++) {
                            Moments mo = moments(y);
                            if (Math.abs(mo.variance() - 1) < tol) {
                                break;
                            }
                            rescale(ctx, leaf.layer(), mo, y);
                        }
                    }
                    return true;
                });
            }
            if (train) {
                ctx.network().layers().stream().filter(l -> l.kind() == LayerKind.BATCH_NORM).forEach(l -> {
                    ctx.fill(l, "running_mean", 0f);
                    ctx.fill(l, "running_var", 1f);
                });
            }
        };
    }

    /**
     * W ← c·W and b ← b − m·c with c = 1/√v, and the layer's output {@code y} updated in place to
     * what the rescaled layer computes, c·(y − b_old) + b_new, so one pass serves every layer.
     */
    private static void rescale(InitContext ctx, Layer layer, Moments m, NDArray y) {
        double coef = 1 / Math.sqrt(m.variance() + 1e-16);
        float[] w = ctx.get(layer, "weight");
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (w[i] * coef);
        }
        ctx.set(layer, "weight", w);
        y.muli((float) coef);
        if (ctx.has(layer, "bias")) {
            float[] b = ctx.get(layer, "bias");
            float[] shift = new float[b.length];
            for (int i = 0; i < b.length; i++) {
                float updated = (float) (b[i] - m.mean() * coef);
                shift[i] = (float) (updated - coef * b[i]);
                b[i] = updated;
            }
            ctx.set(layer, "bias", b);
            long[] dims = new long[y.getShape().dimension()];
            Arrays.fill(dims, 1);
            dims[1] = b.length;
            try (NDArray s = y.getManager().create(shift).reshape(dims)) {
                y.addi(s);
            }
        }
    }

    private static Moments moments(NDArray y) {
        try (NDArray mean = y.mean(); NDArray centered = y.sub(mean); NDArray var = centered.square().mean()) {
            return new Moments(mean.getFloat(), var.getFloat());
        }
    }
}
