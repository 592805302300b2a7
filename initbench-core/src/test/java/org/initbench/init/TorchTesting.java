package org.initbench.init;

import ai.djl.ndarray.NDManager;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.initbench.model.Layer;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.initbench.model.Norm;
import org.junit.jupiter.api.Assumptions;

/** What the torch: init tests share: the skip without torch, the fixture files, and a model's values after an init. */
final class TorchTesting {
    private static String problem;
    private static boolean probed;

    private TorchTesting() {}

    /** Skips the calling test, with the reason, when {@link TorchPython#interpreter()} cannot import torch. */
    static synchronized void assumeTorch() {
        if (!probed) {
            problem = TorchPython.problem(TorchPython.interpreter());
            probed = true;
        }
        Assumptions.assumeTrue(problem == null, () -> "skipped, no PyTorch for torch: inits: " + problem);
    }

    /** A file of src/test/resources/torch-inits/ as a path. */
    static Path fixture(String name) {
        try {
            return Path.of(TorchTesting.class.getResource("/torch-inits/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Every parameter's values ({@code path.name}, in inventory order) after {@code spec} initialized {@code arch}
     * with {@code seed}.
     */
    static Map<String, float[]> values(String arch, int in, int classes, double width, Norm norm, String spec,
            long seed) {
        Network net = Models.build(arch, in, classes, width, norm);
        Map<String, float[]> out = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, InitRegistry.load().resolve(spec).strategy(), seed);
            for (Layer layer : net.layers()) {
                layer.parameters().forEach((name, p) -> out.put(layer.path() + "." + name,
                        p.getArray().toFloatArray()));
            }
        }
        return out;
    }
}
