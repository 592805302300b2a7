package org.initbench.experiment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.initbench.BadInputException;
import org.initbench.data.DatasetName;
import org.initbench.data.LoadedDataset;
import org.initbench.init.InitRegistry;
import org.initbench.init.ResolvedInit;
import org.initbench.init.SampleBatch;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.initbench.model.Models;
import org.initbench.model.Network;

/**
 * {@code initbench export}: a network's parameters and BN running statistics as a {@code .safetensors} or {@code
 * .npz} file keyed by the PyTorch twin's {@code state_dict} names ({@code <layer path>.<name>}, PyTorch's shapes),
 * with {@code num_batches_tracked} (int64, shape []) for every batch norm, so that the twin's {@code
 * load_state_dict(..., strict=True)} takes it. Either the initial weights of a run ({@link #initial}: the network
 * and init seed of {@code initbench train} for the same spec) or a run's last checkpoint ({@link #fromRun}).
 */
public final class WeightsExport {
    /** The PyTorch name of batch norm's step counter, a buffer initbench does not keep. */
    public static final String NUM_BATCHES_TRACKED = "num_batches_tracked";

    private static final List<String> ORDER = List.of("weight", "bias", "running_mean", "running_var");
    private static final List<String> WN_ORDER = List.of("bias", "weight_g", "weight_v");

    private WeightsExport() {}

    /** The file formats, chosen by the output file's extension. */
    public enum Format {
        SAFETENSORS(".safetensors", NDList.Encoding.SAFETENSORS),
        NPZ(".npz", NDList.Encoding.NPZ);

        private final String extension;
        private final NDList.Encoding encoding;

        Format(String extension, NDList.Encoding encoding) {
            this.extension = extension;
            this.encoding = encoding;
        }

        /** The format {@code file}'s name ends in; any other name is bad input naming both. */
        public static Format of(Path file) {
            String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
            for (Format f : values()) {
                if (name.endsWith(f.extension)) {
                    return f;
                }
            }
            throw new BadInputException("export file " + file + " must end in .safetensors or .npz");
        }
    }

    /**
     * What was written.
     *
     * @param spec the run whose weights they are (resolved: canonical arch, norm and init spec)
     * @param tensors entries in the file
     * @param what {@code initial weights} or {@code checkpoint after epoch N}
     * @param sampleBatch the sample batch written beside them, or null
     */
    public record Written(TrainSpec spec, int tensors, String what, SampleBatch sampleBatch) {}

    /**
     * Writes the initial weights of the run {@code spec} would start: validated as {@code train} validates it, the
     * network built and initialized by {@link TrainingRun#network} and {@link TrainingRun#initialize}. A
     * data-dependent init (LSUV, GradInit and kin) gets the sample batch its run would give it ({@link
     * TrainingRun#sampleBatch(TrainSpec, LoadedDataset)}), from the dataset {@code data} loads; {@code data} null
     * refuses one. A data-free init reads no data.
     *
     * @param sampleOut where to write that sample batch too ({@code images} N×C×H×W float32 as the init sees
     *     them, {@code labels} N int64), so that another implementation can be fed the same images; null for
     *     none. Only a data-dependent init has one.
     */
    public static Written initial(TrainSpec spec, InitRegistry registry, Function<DatasetName, LoadedDataset> data,
            Path out, Path sampleOut, boolean force) throws IOException {
        Format format = checkOut(out, force);
        Format sampleFormat = sampleOut == null ? null : checkOut(sampleOut, force);
        if (sampleOut != null && sampleOut.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw new BadInputException("the sample batch and the weights cannot both go to " + out);
        }
        TrainSpec resolved = TrainingRun.validate(spec, registry);
        ResolvedInit init = registry.resolve(resolved.init());
        SampleBatch sample = null;
        if (init.dataDependent()) {
            if (data == null) {
                throw new BadInputException("init '" + resolved.init() + "' is data-dependent (its values depend on"
                        + " the run's training images); export writes data-free inits only, see docs/export.md");
            }
            sample = TrainingRun.sampleBatch(resolved, data.apply(DatasetName.parse(resolved.dataset())));
        } else if (sampleOut != null) {
            throw new BadInputException("init '" + resolved.init() + "' is data-free: it gets no sample batch to"
                    + " write to " + sampleOut);
        }
        Network net = TrainingRun.network(resolved);
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            TrainingRun.initialize(net, resolved, init, sample);
            int tensors = write(stateDict(net, 0, m), out, format);
            if (sampleOut != null) {
                write(sampleDict(sample, m), sampleOut, sampleFormat);
            }
            return new Written(resolved, tensors, "initial weights", sampleOut == null ? null : sample);
        }
    }

    /** A sample batch as two named arrays: {@code images} (N×C×H×W float32) and {@code labels} (N int64). */
    static NDList sampleDict(SampleBatch b, NDManager manager) {
        NDArray images = manager.create(b.images(), new Shape(b.size(), b.channels(), b.height(), b.width()));
        images.setName("images");
        NDArray labels = manager.create(Arrays.stream(b.labels()).asLongStream().toArray());
        labels.setName("labels");
        return new NDList(images, labels);
    }

    /**
     * Writes the parameters and running statistics of the last checkpoint of the run in {@code runDir}; {@code
     * num_batches_tracked} is 0, as the checkpoint does not count steps (and PyTorch's batch norm with a
     * momentum, as the twin's, does not read it).
     */
    public static Written fromRun(Path runDir, Path out, boolean force) throws IOException {
        Format format = checkOut(out, force);
        Path specFile = runDir.resolve(RunDirectory.SPEC);
        if (!Files.isRegularFile(specFile)) {
            throw new BadInputException(runDir + " is not a run directory (no " + RunDirectory.SPEC + ")");
        }
        TrainSpec spec;
        try {
            ObjectNode stored = (ObjectNode) RunDirectory.JSON.readTree(specFile.toFile());
            stored.put("arch", Models.canonicalId(stored.get("arch").asText()));
            spec = RunDirectory.JSON.treeToValue(stored, TrainSpec.class);
        } catch (IOException | RuntimeException e) {
            throw new BadInputException("cannot read " + specFile + ": " + e.getMessage().lines().findFirst()
                    .orElse(""), e);
        }
        Path checkpoint = runDir.resolve(Checkpoint.FILE);
        if (!Files.isRegularFile(checkpoint)) {
            throw new BadInputException("run " + runDir + " has no checkpoint (" + Checkpoint.FILE
                    + "): it has not completed an epoch");
        }
        Network net = TrainingRun.network(spec);
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            Checkpoint.Loaded loaded;
            try {
                loaded = Checkpoint.read(checkpoint, net.block(), m);
            } catch (IOException e) {
                throw new BadInputException("cannot read " + checkpoint + ": " + e.getMessage(), e);
            }
            loaded.optimizer().close();
            Checkpoint.State s = loaded.state();
            String what = "checkpoint after epoch " + s.epoch()
                    + (s.partial() == null ? "" : " and step " + s.partial().batches() + " of the next");
            return new Written(spec, write(stateDict(net, 0, m), out, format), what, null);
        }
    }

    /**
     * The network's state dict in the twin's order: per layer, its parameters by PyTorch name and, for a batch
     * norm, {@code num_batches_tracked}; every array a named copy on {@code manager}.
     */
    static NDList stateDict(Network net, long numBatchesTracked, NDManager manager) {
        NDList out = new NDList();
        for (Layer layer : net.layers()) {
            List<Map.Entry<String, Parameter>> params = new ArrayList<>(layer.parameters().entrySet());
            params.sort(Comparator.comparingInt(e -> torchRank(layer, e.getKey()))); // stable: unknown names keep order
            for (Map.Entry<String, Parameter> p : params) {
                NDArray copy = p.getValue().getArray().duplicate();
                copy.attach(manager);
                copy.setName(layer.path() + "." + p.getKey());
                out.add(copy);
            }
            if (layer.kind() == LayerKind.BATCH_NORM) {
                NDArray n = manager.create(numBatchesTracked);
                n.setName(layer.path() + "." + NUM_BATCHES_TRACKED);
                out.add(n);
            }
        }
        return out;
    }

    /**
     * Where a parameter comes in its module's state dict: declaration order (weight, bias, running_mean,
     * running_var), except that {@code torch.nn.utils.weight_norm} removes {@code weight} and appends {@code
     * weight_g} and {@code weight_v} after {@code bias}.
     */
    private static int torchRank(Layer layer, String name) {
        List<String> order = layer.weightNormalized() ? WN_ORDER : ORDER;
        int i = order.indexOf(name);
        return i < 0 ? order.size() : i;
    }

    /** Refuses an existing file without {@code force}; the format of its name. Nothing is written. */
    static Format checkOut(Path out, boolean force) {
        Format format = Format.of(out);
        if (Files.exists(out) && !force) {
            throw new BadInputException("export file " + out + " exists; pass --force to overwrite it");
        }
        if (Files.isDirectory(out)) {
            throw new BadInputException("export file " + out + " is a directory");
        }
        return format;
    }

    /** Writes {@code dict} to a temporary file beside {@code out}, then moves it over {@code out}; its size. */
    private static int write(NDList dict, Path out, Format format) throws IOException {
        Path abs = out.toAbsolutePath();
        Path tmp = null;
        try {
            Files.createDirectories(abs.getParent());
            tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
            try (OutputStream os = Files.newOutputStream(tmp)) {
                dict.encode(os, format.encoding);
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AccessDeniedException e) {
            throw new BadInputException("cannot write " + out + ": permission denied", e);
        } catch (IOException e) {
            throw new BadInputException("cannot write " + out + ": " + e, e);
        } finally {
            if (tmp != null) {
                Files.deleteIfExists(tmp);
            }
        }
        return dict.size();
    }
}
