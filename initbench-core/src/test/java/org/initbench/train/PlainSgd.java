package org.initbench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plain, per-parameter form of {@link Sgd} as it was before the optimization (one sub-manager
 * per parameter, a fresh gradient handle and scalar arrays per call, gradients zeroed by {@code
 * g - g}): the reference {@code SgdEquivalenceTest} holds the optimized {@link Sgd} to. Same
 * torch.optim.SGD formula: d = g + wd·p; buf = d, then m·buf + d; p -= lr·(nesterov ? d + m·buf : buf).
 */
final class PlainSgd {
    private final List<Parameter> parameters;
    private final SgdConfig config;
    private final NDManager stateManager;
    private final Map<String, NDArray> buffers = new LinkedHashMap<>();

    /**
     * @param parameters the trainable parameters, with stable unique names (see {@link #key})
     * @param config momentum, weight decay, nesterov
     * @param stateManager owns the momentum buffers
     */
    PlainSgd(List<Parameter> parameters, SgdConfig config, NDManager stateManager) {
        this.parameters = List.copyOf(parameters);
        this.config = config;
        this.stateManager = stateManager;
    }

    /** Applies one update with learning rate {@code lr} and zeroes the gradients. */
    public void step(double lr) {
        float m = (float) config.momentum();
        for (Parameter p : parameters) {
            NDArray w = p.getArray();
            try (NDManager tmp = stateManager.newSubManager();
                    NDArray g = w.getGradient()) {
                NDArray buf = buffers.get(key(p));
                tmp.tempAttachAll(w, g);
                if (buf != null) {
                    tmp.tempAttachAll(buf);
                }
                if (config.weightDecay() != 0) {
                    g.addi(w.mul((float) config.weightDecay()));
                }
                NDArray update = g;
                if (m != 0) {
                    if (buf == null) {
                        buf = g.duplicate();
                        buf.attach(stateManager);
                        buffers.put(key(p), buf);
                    } else {
                        buf.muli(m).addi(g);
                    }
                    update = config.nesterov() ? g.add(buf.mul(m)) : buf;
                }
                w.subi(update.mul((float) lr));
                g.subi(g);
            }
        }
    }

    /** The momentum buffers keyed by parameter id, for checkpoints; empty before the first step. */
    public NDList state() {
        NDList out = new NDList();
        buffers.forEach((k, v) -> {
            v.setName(k);
            out.add(v);
        });
        return out;
    }

    /** Restores buffers saved by {@link #state()} (matched by name). */
    public void loadState(NDList saved) {
        List<String> known = new ArrayList<>();
        parameters.forEach(p -> known.add(key(p)));
        for (NDArray a : saved) {
            if (!known.contains(a.getName())) {
                throw new IllegalArgumentException("checkpoint has a buffer for unknown parameter " + a.getName());
            }
            NDArray copy = a.duplicate();
            copy.attach(stateManager);
            buffers.put(a.getName(), copy);
        }
    }

    private static String key(Parameter p) {
        return p.getId();
    }
}
