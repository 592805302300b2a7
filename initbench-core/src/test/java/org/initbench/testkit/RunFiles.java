package org.initbench.testkit;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.initbench.data.DatasetName;
import org.initbench.experiment.Checkpoint;
import org.initbench.experiment.RunDirectory;
import org.initbench.experiment.TrainSpec;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.initbench.model.Norm;

/** Reads a run directory back for comparisons: metrics without wall-clock fields, final parameters. */
public final class RunFiles {
    private RunFiles() {}

    /** {@code metrics.jsonl} without {@code epochSeconds} and {@code trainImagesPerSecond}. */
    public static List<String> metricsWithoutTimings(Path dir) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve(RunDirectory.METRICS))) {
            ObjectNode n = (ObjectNode) json.readTree(line);
            n.remove(List.of("epochSeconds", "trainImagesPerSecond"));
            out.add(n.toString());
        }
        return out;
    }

    /** Every parameter (BN running statistics included) of the run's last checkpoint, by name. */
    public static Map<String, List<Float>> parameters(Path dir) throws IOException {
        TrainSpec s = new ObjectMapper().readValue(dir.resolve(RunDirectory.SPEC).toFile(), TrainSpec.class);
        DatasetName d = DatasetName.parse(s.dataset());
        Network net = Models.build(s.arch(), d.channels(), d.numClasses(), s.recipe().width(), Norm.parse(s.recipe().norm()));
        Map<String, List<Float>> out = new TreeMap<>();
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            Checkpoint.read(dir.resolve(Checkpoint.FILE), net.block(), m);
            net.block().getParameters().forEach(p -> {
                List<Float> values = new ArrayList<>();
                for (float f : p.getValue().getArray().toFloatArray()) {
                    values.add(f);
                }
                out.put(p.getKey(), values);
            });
        }
        return out;
    }
}
