package org.initbench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent exactly as {@code torch.optim.SGD} (dampening 0), with its momentum
 * buffers public so they can be checkpointed:
 *
 * <pre>
 * d = g + wd·p
 * buf = d                      on the first step
 * buf = momentum·buf + d       afterwards
 * step = d + momentum·buf      with nesterov, else buf
 * p -= lr·step
 * </pre>
 *
 * Weight decay applies to every parameter it is given (the seed passes {@code model.parameters()}).
 * The learning rate stays outside the buffer, so a schedule changes only the next step (DJL's own
 * {@code Sgd} folds it into the buffer, which differs once the rate changes). Gradients are zeroed
 * after the update. Must run on a thread with grad mode off (DJL's engine thread).
 */
public final class Sgd {
    private final List<Parameter> parameters;
    private final SgdConfig config;
    private final NDManager stateManager;
    private final Map<String, NDArray> buffers = new LinkedHashMap<>();

    /**
     * @param parameters the trainable parameters, with stable unique names (see {@link #key})
     * @param config momentum, weight decay, nesterov
     * @param stateManager owns the momentum buffers
     */
    public Sgd(List<Parameter> parameters, SgdConfig config, NDManager stateManager) {
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

    /**
     * The momentum buffers named by the parameter's position in the list given to the constructor
     * ({@code p0}, {@code p1}, …: stable across processes, unlike DJL's parameter ids), for
     * checkpoints; empty before the first step.
     */
    public NDList state() {
        NDList out = new NDList();
        for (int i = 0; i < parameters.size(); i++) {
            NDArray buf = buffers.get(key(parameters.get(i)));
            if (buf != null) {
                buf.setName("p" + i);
                out.add(buf);
            }
        }
        return out;
    }

    /** Restores buffers saved by {@link #state()} (matched by position name), copying them. */
    public void loadState(NDList saved) {
        for (NDArray a : saved) {
            String name = a.getName();
            int i = name != null && name.matches("p\\d+") ? Integer.parseInt(name.substring(1)) : -1;
            if (i < 0 || i >= parameters.size()) {
                throw new IllegalArgumentException("optimizer state has a buffer for unknown parameter " + name);
            }
            NDArray copy = a.duplicate();
            copy.attach(stateManager);
            buffers.put(key(parameters.get(i)), copy);
        }
    }

    private static String key(Parameter p) {
        return p.getId();
    }
}
