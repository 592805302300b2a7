package org.initbench.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.initbench.model.Bf16;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.initbench.model.Network;

/**
 * The parameter store of a {@link Precision#BF16} step: the weight and bias of every conv and linear layer
 * (not weight-normalized ones, which cast their computed weight themselves; not BatchNorm's, nor Fixup's
 * scalars) come out cast to bfloat16, by a differentiable cast ({@link Bf16}), so their gradients arrive
 * in the float32 parameters. Every other parameter comes out as DJL's store gives it.
 *
 * <p>The casts are made on every forward, as autocast makes them, and belong to the step: {@link TrainStep}
 * opens a {@link #scope} on its per-batch sub-manager, which casts all of them in one call ({@link
 * Bf16#toBf16(List, NDManager)}: one trip through JNI instead of one per parameter) and attaches them to it; they
 * are closed with it. A forward outside a scope is refused, since its casts would stay in the model's manager for
 * good.
 */
public final class MixedPrecisionStore extends ParameterStore {
    /** The parameters to cast, by id, in the order of the network's layers (the order of the batched cast). */
    private final Map<String, Parameter> cast = new LinkedHashMap<>();
    private final Device device;
    private Map<String, NDArray> casts;

    /** A store over {@code root} casting the conv and linear parameters of {@code net}. */
    public MixedPrecisionStore(Network net, NDManager root) {
        super(root, false);
        device = root.getDevice();
        for (Layer l : net.layers()) {
            if ((l.kind() == LayerKind.CONV || l.kind() == LayerKind.LINEAR) && !l.weightNormalized()) {
                l.parameters().values().forEach(p -> cast.put(p.getId(), p));
            }
        }
    }

    /**
     * Casts every parameter to cast now, attached to {@code step} (a step's sub-manager); the forward's {@link
     * #getValue} returns them until the returned scope is closed.
     */
    public Scope scope(NDManager step) {
        Map<String, NDArray> before = casts;
        List<NDArray> values = new ArrayList<>(cast.size());
        for (Parameter p : cast.values()) {
            values.add(super.getValue(p, device, true));
        }
        // recorded for autograd even when the scope opens before the step's GradientCollector (which turns the
        // grad mode on): the weights' gradients must flow back through these casts
        boolean grad = JniUtils.isGradMode();
        List<NDArray> bf16;
        try {
            JniUtils.setGradMode(true);
            bf16 = Bf16.toBf16(values, step);
        } finally {
            JniUtils.setGradMode(grad);
        }
        Map<String, NDArray> now = new HashMap<>();
        int i = 0;
        for (String id : cast.keySet()) {
            now.put(id, bf16.get(i++));
        }
        casts = now;
        return () -> casts = before;
    }

    @Override
    public NDArray getValue(Parameter parameter, Device device, boolean training) {
        NDArray v = super.getValue(parameter, device, training);
        if (v == null || !cast.containsKey(parameter.getId())) {
            return v;
        }
        if (casts == null) {
            throw new IllegalStateException("a bf16 forward outside a step scope (MixedPrecisionStore.scope)");
        }
        return casts.get(parameter.getId());
    }

    /** The parameter casts' lifetime: closing it ends the scope. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
