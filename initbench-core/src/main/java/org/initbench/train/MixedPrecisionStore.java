package org.initbench.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.HashSet;
import java.util.Set;
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
 * opens a {@link #scope} on its per-batch sub-manager, the casts are attached to it and closed with it. A
 * forward outside a scope is refused, since its casts would stay in the model's manager for good.
 */
public final class MixedPrecisionStore extends ParameterStore {
    private final Set<String> cast = new HashSet<>();
    private NDManager scope;

    /** A store over {@code root} casting the conv and linear parameters of {@code net}. */
    public MixedPrecisionStore(Network net, NDManager root) {
        super(root, false);
        for (Layer l : net.layers()) {
            if ((l.kind() == LayerKind.CONV || l.kind() == LayerKind.LINEAR) && !l.weightNormalized()) {
                l.parameters().values().forEach(p -> cast.add(p.getId()));
            }
        }
    }

    /**
     * Casts made until the returned scope is closed are attached to {@code step} (a step's sub-manager).
     */
    public Scope scope(NDManager step) {
        NDManager before = scope;
        scope = step;
        return () -> scope = before;
    }

    @Override
    public NDArray getValue(Parameter parameter, Device device, boolean training) {
        NDArray v = super.getValue(parameter, device, training);
        if (v == null || !cast.contains(parameter.getId())) {
            return v;
        }
        if (scope == null) {
            throw new IllegalStateException("a bf16 forward outside a step scope (MixedPrecisionStore.scope)");
        }
        return Bf16.toBf16(v, scope);
    }

    /** The parameter casts' lifetime: closing it ends the scope. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
