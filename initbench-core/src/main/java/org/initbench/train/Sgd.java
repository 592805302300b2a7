package org.initbench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;

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
 * A one-element parameter (Fixup's scalar biases and multipliers) uses {@code lr ·}
 * {@link SgdConfig#scalarLrFactor} where that factor is not 1, as a parameter group of its own would
 * in PyTorch.
 * The learning rate stays outside the buffer, so a schedule changes only the next step (DJL's own
 * {@code Sgd} folds it into the buffer, which differs once the rate changes). Gradients are zeroed
 * after the update (libtorch's {@code grad.zero_()}, so a NaN gradient does not stick). Must run on
 * a thread with grad mode off (DJL's engine thread).
 *
 * <p>Cost per parameter and step: 9 native calls (6 element-wise kernels, 2 of them allocating a
 * temporary, the temporaries' release, the gradient reset), 11 with nesterov. The gradient handles
 * are fetched once (libtorch accumulates into the same tensor in place, since gradients are zeroed,
 * never dropped) and the scalars momentum, weight decay and learning rate are native 0-d arrays
 * made once (the rate again only when it changes), where {@code NDArray.mul(float)} would create
 * and free one per call. The arithmetic is the same, operation for operation, as the plain
 * per-parameter form (kept as {@code PlainSgd} in the tests, which checks bit-equality).
 */
public final class Sgd {
    private final List<Parameter> parameters;
    private final SgdConfig config;
    private final NDManager stateManager;
    /**
     * Per parameter, in {@link #parameters} order: the weight, its gradient and its buffer (null before the first
     * step).
     */
    private final NDArray[] weights;
    private final NDArray[] gradients;
    private final NDArray[] buffers;
    /** Per parameter: one element (trained at {@link #scalarLr}); set when its weight is bound. */
    private final boolean[] scalars;
    private final NDArray momentum;
    private final NDArray weightDecay;
    private NDArray lr;
    /** {@code lr · scalarLrFactor}, or {@link #lr} itself where the factor is 1. */
    private NDArray scalarLr;
    private float lrValue = Float.NaN;

    /**
     * @param parameters the trainable parameters, in a stable order (checkpoints name buffers by position)
     * @param config momentum, weight decay, nesterov
     * @param stateManager owns the momentum buffers
     */
    public Sgd(List<Parameter> parameters, SgdConfig config, NDManager stateManager) {
        this.parameters = List.copyOf(parameters);
        this.config = config;
        this.stateManager = stateManager;
        int n = this.parameters.size();
        weights = new NDArray[n];
        gradients = new NDArray[n];
        buffers = new NDArray[n];
        scalars = new boolean[n];
        momentum = stateManager.create((float) config.momentum());
        weightDecay = stateManager.create((float) config.weightDecay());
    }

    /** Applies one update with learning rate {@code lr} and zeroes the gradients. */
    public void step(double lr) {
        float rate = (float) lr;
        if (Float.compare(rate, lrValue) != 0) {
            if (scalarLr != null && scalarLr != this.lr) {
                scalarLr.close();
            }
            if (this.lr != null) {
                this.lr.close();
            }
            this.lr = stateManager.create(rate);
            scalarLr = config.scalarLrFactor() == 1 ? this.lr
                    : stateManager.create((float) (lr * config.scalarLrFactor()));
            lrValue = rate;
        }
        boolean useMomentum = config.momentum() != 0;
        boolean decay = config.weightDecay() != 0;
        for (int i = 0; i < weights.length; i++) {
            NDArray w = weights[i];
            if (w == null || w != parameters.get(i).getArray()) {
                w = weights[i] = parameters.get(i).getArray();
                gradients[i] = w.getGradient();
                scalars[i] = w.size() == 1;
            }
            NDArray g = gradients[i];
            NDArray rateOf = scalars[i] ? scalarLr : this.lr;
            if (decay) {
                try (NDArray wd = w.mul(weightDecay)) {
                    g.addi(wd);
                }
            }
            NDArray update = g;
            if (useMomentum) {
                NDArray buf = buffers[i];
                if (buf == null) {
                    buf = g.duplicate();
                    buf.attach(stateManager);
                    buffers[i] = buf;
                } else {
                    buf.muli(momentum).addi(g);
                }
                update = buf;
                if (config.nesterov()) {
                    try (NDArray nest = buf.mul(momentum)) {
                        w.subi(g.addi(nest).muli(rateOf));
                    }
                    JniUtils.zeroGrad((PtNDArray) w);
                    continue;
                }
            }
            try (NDArray scaled = update.mul(rateOf)) {
                w.subi(scaled);
            }
            JniUtils.zeroGrad((PtNDArray) w);
        }
    }

    /**
     * The momentum buffers named by the parameter's position in the list given to the constructor
     * ({@code p0}, {@code p1}, …: stable across processes, unlike DJL's parameter ids), for
     * checkpoints; empty before the first step.
     */
    public NDList state() {
        NDList out = new NDList();
        for (int i = 0; i < buffers.length; i++) {
            if (buffers[i] != null) {
                buffers[i].setName("p" + i);
                out.add(buffers[i]);
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
            if (buffers[i] != null) {
                buffers[i].close();
            }
            buffers[i] = copy;
        }
    }
}
