package org.initbench.cli;

import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.file.Path;
import org.initbench.BadInputException;
import org.initbench.experiment.SweepDirectory;
import org.initbench.experiment.SweepForm;
import org.initbench.experiment.SweepSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The grid options shared by {@code sweep}, {@code sweep plan} and {@code sweep slurm}: a spec file
 * and/or flags (flags override the file's fields), and the sweep directory. Without either, the
 * sweep stored in {@code --out} is used.
 */
final class SweepGrid {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SPEC",
            description = "Sweep spec file (YAML, or JSON for .json).")
    Path specFile;

    @Option(names = "--out", description = "Sweep directory; default runs/<name> (the spec file's name, or 'sweep').")
    Path out;

    @Option(names = "--name", description = "Sweep name.")
    String name;

    @Option(names = "--arch", description = "Architectures, comma-separated (product with --dataset).")
    String arch;

    @Option(names = "--dataset", description = "Datasets, comma-separated.")
    String dataset;

    @Option(names = {"--init", "--inits"}, description = "Init specs, comma-separated (an init's own options may"
            + " follow it: kaiming-normal:mode=fan_in,a=0,orthogonal).")
    String inits;

    @Option(names = "--seeds", description = "Seeds: FROM..TO, a comma-separated list, or one seed.")
    String seeds;

    @Option(names = "--epochs", description = "Epochs per run; default 200.") Integer epochs;
    @Option(names = "--batch-size", description = "Batch size; default 128.") Integer batchSize;
    @Option(names = "--lr", description = "Initial learning rate; default 0.1.") Double lr;
    @Option(names = "--momentum", description = "SGD momentum; default 0.9.") Double momentum;
    @Option(names = "--weight-decay", description = "Weight decay; default 5e-4.") Double weightDecay;
    @Option(names = "--nesterov", description = "Nesterov momentum.") Boolean nesterov;
    @Option(names = "--train-subset", description = "Class-balanced training subset (0 = all).") Integer trainSubset;
    @Option(names = "--test-subset", description = "Class-balanced test subset (0 = all).") Integer testSubset;
    @Option(names = "--width", description = "Width multiplier; default 1.0.") Double width;
    @Option(names = "--norm", description = "Norm variant (bn, none, weightnorm); default each arch's own.")
    String norm;
    @Option(names = "--log-layer-stats", paramLabel = "N", description = "Record per-layer gradient norms and"
            + " activation std every N training steps in each run's layer-stats.jsonl (at most 16 records per epoch);"
            + " default off.")
    Integer logLayerStats;

    @Option(names = "--validation", description = "Evaluate every run on --test-subset images held out of its training"
            + " split instead of the test split (for tuning).")
    Boolean validation;

    @Option(names = "--fixup-scalar-lr", description = "Fixup's own recipe in every run: the scalar biases and"
            + " multipliers of --norm none ResNets train at lr/10; default off (one lr for every parameter).")
    Boolean fixupScalarLr;

    @Option(names = "--warmup-epochs", paramLabel = "W", description = "Warm every run's learning rate up linearly per"
            + " step over its first W epochs (Goyal et al. 2017; not the seed's recipe); default 0 (none).")
    Integer warmupEpochs;

    private boolean hasGridFlags() {
        return arch != null || dataset != null || inits != null || seeds != null || epochs != null || batchSize != null
                || lr != null || momentum != null || weightDecay != null || nesterov != null || trainSubset != null
                || testSubset != null || width != null || norm != null || name != null || logLayerStats != null
                || validation != null || fixupScalarLr != null || warmupEpochs != null;
    }

    /** The sweep the user means, from the spec file and flags; null when only --out names a stored one. */
    SweepSpec spec() {
        if (specFile == null && !hasGridFlags()) {
            return null;
        }
        SweepForm flags = new SweepForm();
        flags.name = name;
        flags.arch = arch == null ? null : new TextNode(arch);
        flags.dataset = dataset == null ? null : new TextNode(dataset);
        flags.inits = inits == null ? null : new TextNode(inits);
        flags.seeds = seeds == null ? null : new TextNode(seeds);
        flags.epochs = epochs;
        flags.batchSize = batchSize;
        flags.lr = lr;
        flags.momentum = momentum;
        flags.weightDecay = weightDecay;
        flags.nesterov = nesterov;
        flags.trainSubset = trainSubset;
        flags.testSubset = testSubset;
        flags.width = width;
        flags.norm = norm;
        flags.logLayerStats = logLayerStats;
        flags.validation = validation;
        flags.fixupScalarLr = fixupScalarLr;
        flags.warmupEpochs = warmupEpochs;
        SweepForm base = specFile != null ? SweepForm.read(specFile) : new SweepForm();
        return base.overriddenBy(flags).toSpec();
    }

    private Path dir(SweepSpec spec) {
        if (out != null) {
            return out;
        }
        if (spec == null) {
            throw new BadInputException("give a sweep spec file, grid flags (--arch, --dataset, --init, --seeds), "
                    + "or --out naming a sweep directory");
        }
        return Path.of("runs", spec.name());
    }

    /** Opens the sweep directory, storing the sweep there if new. */
    SweepDirectory open() {
        SweepSpec spec = spec();
        Path dir = dir(spec);
        return spec == null ? SweepDirectory.load(dir) : SweepDirectory.open(dir, spec);
    }

    /** The sweep without writing anything. */
    SweepDirectory view() {
        SweepSpec spec = spec();
        Path dir = dir(spec);
        return spec == null ? SweepDirectory.load(dir) : SweepDirectory.view(dir, spec);
    }
}
