package org.initbench.init.builtin;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.initbench.init.InitContext;
import org.initbench.init.InitRegistry;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.initbench.model.Models;
import org.initbench.model.Network;

/** A network initialized by a spec, with its parameter values copied out (test helper). */
record Initialized(Network net, Map<String, float[]> values) {

    static Initialized of(String arch, int classes, double width, String spec, long seed) {
        Network net = Models.build(arch, 3, classes, width);
        Map<String, float[]> out = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, InitRegistry.load().resolve(spec).strategy(), seed);
            for (Layer l : net.layers()) {
                for (Map.Entry<String, Parameter> p : l.parameters().entrySet()) {
                    out.put(l.path() + "." + p.getKey(), p.getValue().getArray().toFloatArray());
                }
            }
        }
        return new Initialized(net, out);
    }

    float[] get(Layer layer, String name) {
        return values.get(layer.path() + "." + name);
    }

    Layer layer(String path) {
        return net.layers().stream().filter(l -> l.path().equals(path)).findFirst().orElseThrow();
    }

    /** Conv and linear layers with at least {@code min} weights. */
    List<Layer> weighted(int min) {
        return net.layers().stream()
                .filter(l -> l.kind() != LayerKind.BATCH_NORM && get(l, "weight").length >= min)
                .toList();
    }
}
