package org.initbench.init;

import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.initbench.BadInputException;
import org.initbench.model.Layer;
import org.initbench.model.Network;

/**
 * A {@code torch:PATH.py} init: the seed benchmark's PyTorch {@code initialize_weights(model, config)}, unchanged,
 * run on the PyTorch twin of the network ({@code pytorch/initbench_torch/models.py}) by {@link TorchBridge}, and
 * every parameter it leaves loaded by name into the Java model.
 *
 * <p>The twin is built right after {@code torch.manual_seed(seed)} with the run's init seed (as unsigned 64-bit), so
 * whatever the file leaves alone keeps PyTorch's module default, as in the seed; {@code config} is {@code {"arch",
 * "num_classes", "depth"}} with depth = Conv2d + Linear count ({@link Network#depth()}). The file is imported under
 * a module name other than {@code __main__}, so its argparse {@code main()} does not run. Weight-normalized layers
 * get {@code weight_v} and {@code weight_g} as the file left them; BN running statistics are loaded too.
 *
 * <p>Bad input, each one line: no Python or no torch, a file that does not import or has no {@code
 * initialize_weights}, an exception in it ({@code my_init.py:12: ValueError: bad gain}), a parameter whose shape it
 * changed or that it removed, a NaN or infinite value. The Python interpreter is {@link TorchPython#interpreter()}.
 */
public final class TorchInit implements InitStrategy, InitProvenance {
    private final InitFile file;
    private volatile Map<String, Object> provenance;

    private TorchInit(InitFile file) {
        this.file = file;
    }

    /** A {@code torch:} file as an init: id {@code torch:/abs/path.py}, no options, not data-dependent. */
    static ResolvedInit resolve(InitFile file, Map<String, String> options) {
        if (!options.isEmpty()) {
            throw new BadInputException("torch: inits take no options (got " + String.join(", ", options.keySet())
                    + " for " + file.id() + ")");
        }
        return new ResolvedInit(file.id(), Map.of(), new TorchInit(file), false, file);
    }

    /** The file this init runs. */
    public InitFile file() {
        return file;
    }

    @Override
    public void initialize(InitContext ctx) {
        String python = TorchPython.interpreter();
        TorchBridge.Output out = TorchBridge.run(python, file, ctx.network(), ctx.seed());
        load(ctx, out.tensors());
        provenance = describe(python, out.torch());
    }

    /**
     * Where the values came from: {@code {"python": interpreter, "torch": version}} of the last run, or, before any
     * run, of {@link TorchPython#interpreter()} now (which then must have torch).
     */
    @Override
    public Map<String, Object> provenance() {
        Map<String, Object> p = provenance;
        if (p != null) {
            return p;
        }
        String python = TorchPython.interpreter();
        return describe(python, TorchPython.torchVersion(python));
    }

    private static Map<String, Object> describe(String python, String torch) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("python", python);
        out.put("torch", torch);
        return Collections.unmodifiableMap(out);
    }

    /** Checks every parameter of the Java model against the twin's, then writes them all. */
    private void load(InitContext ctx, Map<String, TorchBridge.Tensor> tensors) {
        for (Layer layer : ctx.network().layers()) {
            layer.parameters().forEach((name, p) -> check(layer.path() + "." + name, p.getArray().getShape(),
                    tensors.get(layer.path() + "." + name)));
        }
        for (Layer layer : ctx.network().layers()) {
            for (String name : layer.parameters().keySet()) {
                ctx.set(layer, name, tensors.get(layer.path() + "." + name).values());
            }
        }
    }

    private void check(String key, Shape shape, TorchBridge.Tensor tensor) {
        if (tensor == null) {
            throw new BadInputException("init " + file.id() + " removed or renamed parameter " + key
                    + " (initialize_weights must keep the model's modules and parameters)");
        }
        if (!tensor.shape().equals(shape)) {
            throw new BadInputException("init " + file.id() + " changed the shape of " + key + " from " + shape
                    + " to " + tensor.shape());
        }
        for (float v : tensor.values()) {
            if (!Float.isFinite(v)) {
                throw new BadInputException("init " + file.id() + " set " + key + " to "
                        + (Float.isNaN(v) ? "NaN" : "an infinite value"));
            }
        }
    }
}
