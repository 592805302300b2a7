package org.initbench.cli;

import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.file.Path;
import org.initbench.BadInputException;
import org.initbench.experiment.SweepDirectory;
import org.initbench.experiment.SweepForm;
import org.initbench.experiment.SweepSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

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

    @Option(names = "--log-layer-stats", paramLabel = "N", description = "Record per-layer gradient norms and"
            + " activation std every N training steps in each run's layer-stats.jsonl (at most 16 records per epoch);"
            + " default off.")
    Integer logLayerStats;

    /** Every run's recipe; a flag given here replaces the spec file's field. */
    @Mixin RecipeOptions recipe;

    @Spec(Spec.Target.MIXEE) CommandSpec command;

    /** The sweep the user means, from the spec file and flags; null when only --out names a stored one. */
    SweepSpec spec() {
        SweepForm flags = new SweepForm();
        flags.recipe.putAll(recipe.given(command.commandLine().getParseResult()));
        if (specFile == null && flags.recipe.isEmpty() && arch == null && dataset == null && inits == null
                && seeds == null && name == null && logLayerStats == null) {
            return null;
        }
        flags.name = name;
        flags.arch = arch == null ? null : new TextNode(arch);
        flags.dataset = dataset == null ? null : new TextNode(dataset);
        flags.inits = inits == null ? null : new TextNode(inits);
        flags.seeds = seeds == null ? null : new TextNode(seeds);
        flags.logLayerStats = logLayerStats;
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
