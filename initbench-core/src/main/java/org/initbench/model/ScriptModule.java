package org.initbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A small TorchScript module shipped as a resource next to its owner class, for what DJL 0.35.1's PyTorch JNI
 * cannot do itself but libtorch can: bf16 casts ({@link Bf16}), double backward ({@code torch.autograd.grad} with
 * {@code create_graph}: gradinit, metainit). Tensors made by DJL ops live in libtorch's autograd graph, so such a
 * module, called in training mode, takes part in it. Loaded once per process on a manager of its own (it holds no
 * tensors and is never closed); it runs on whatever device its inputs are on.
 */
public final class ScriptModule {
    /** DJL passes the arrays of an {@code NDList} so named as one {@code List[Tensor]} argument. */
    private static final String LIST_ARGUMENT = "xs[]";
    private final Class<?> owner;
    private final String resource;
    private PtSymbolBlock block;

    /** The module in resource {@code resource}, relative to {@code owner}'s package. */
    public ScriptModule(Class<?> owner, String resource) {
        this.owner = owner;
        this.resource = resource;
    }

    /** The loaded module (loaded on first use). */
    public synchronized PtSymbolBlock block() {
        if (block == null) {
            PtNDManager home = (PtNDManager) NDManager.newBaseManager();
            try (InputStream in = owner.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + resource);
                }
                block = JniUtils.loadModule(home, in, true, false);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return block;
    }

    /**
     * Runs {@code method} in training mode on {@code xs} passed as one {@code List[Tensor]}; the results are
     * attached to {@code into}. The arrays' names are borrowed for the call and given back.
     */
    public NDList call(String method, List<NDArray> xs, NDManager into) {
        String[] names = xs.stream().map(NDArray::getName).toArray(String[]::new);
        NDList in = new NDList(xs.size() + 1);
        NDList out;
        try (NDManager tmp = into.newSubManager()) {
            for (NDArray x : xs) {
                x.setName(LIST_ARGUMENT);
                in.add(x);
            }
            NDArray marker = tmp.create(0f); // selects the method; not an argument
            marker.setName("module_method:" + method);
            in.add(marker);
            out = IValueUtils.forward(block(), in, true);
        } finally {
            for (int i = 0; i < xs.size(); i++) {
                xs.get(i).setName(names[i]);
            }
        }
        out.attach(into);
        return out;
    }
}
