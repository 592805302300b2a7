package org.initbench.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.initbench.BadInputException;
import org.initbench.data.DatasetLocator;
import org.initbench.experiment.Recipe;
import org.initbench.experiment.TrainSpec;
import org.initbench.experiment.WeightsExport;
import org.initbench.init.InitRegistry;
import org.initbench.init.SampleBatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code initbench export}: the initial weights of a run ({@code train} with the same arch, dataset, init, seed,
 * width and norm starts from exactly these), or a run's last checkpoint, as a {@code .safetensors} or {@code .npz}
 * file keyed by the PyTorch twin's state_dict names (see {@link WeightsExport} and docs/export.md).
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a run's initial weights (or, with --from-run, its last checkpoint) as .safetensors or"
                + " .npz keyed by the PyTorch twin's state_dict names (pytorch/load_export.py loads it); with"
                + " --sample-batch, also the sample batch a data-dependent init got.")
public final class ExportCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--arch", defaultValue = "resnet20",
            description = "Architecture (see `initbench models`); default ${DEFAULT-VALUE}.")
    String arch;

    @Option(names = "--dataset", defaultValue = "cifar10", description = "cifar10, cifar100, fashion-mnist or"
            + " mnist (only its channels and classes are used); default ${DEFAULT-VALUE}.")
    String dataset;

    @Option(names = "--init", defaultValue = "pytorch-default", description = "Init spec, as in train (see"
            + " `initbench inits`; a data-dependent one such as lsuv or gradinit reads the dataset and gets the"
            + " sample batch train gives it); default ${DEFAULT-VALUE}.")
    String init;

    @Option(names = "--seed", defaultValue = "42", description = "Run seed, as in train; default ${DEFAULT-VALUE}.")
    long seed;

    @Mixin RecipeOptions.Width width;

    @Mixin RecipeOptions.NormChoice norm;

    @Mixin RecipeOptions.BranchScalar branchScalar;

    @Mixin RecipeOptions.BatchSize batch;

    @Mixin RuntimeOptions.DataDir data;

    @Option(names = "--from-run", paramLabel = "DIR", description = "Export the last checkpoint of the run in DIR"
            + " (its own spec; no --arch, --dataset, --init, --seed, --width, --norm, --branch-scalar, --batch-size"
            + " or --data-dir).")
    Path fromRun;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "Output file, .safetensors or .npz.")
    Path out;

    @Option(names = "--sample-batch", paramLabel = "FILE", description = "Also write the sample batch a"
            + " data-dependent init gets (the first training batch of its run, as the init sees it) to FILE, .npz or"
            + " .safetensors: `images` N×C×H×W float32 and `labels` N int64, to feed another implementation the"
            + " same images.")
    Path sampleOut;

    @Option(names = "--force", description = "Overwrite an existing --out (and --sample-batch) file.")
    boolean force;

    @Mixin RuntimeOptions.ThreadCount threads;

    @Mixin RuntimeOptions.PythonChoice python;

    @Override
    public Integer call() throws IOException {
        threads.configure();
        try (RuntimeOptions.Scope scope = python.apply()) {
            return export();
        }
    }

    private int export() throws IOException {
        WeightsExport.Written w;
        if (fromRun != null) {
            List<String> given = List.of("--arch", "--dataset", "--init", "--seed", "--width", "--norm",
                    "--branch-scalar", "--batch-size", "--data-dir", "--sample-batch").stream()
                    .filter(spec.commandLine().getParseResult()::hasMatchedOption).toList();
            if (!given.isEmpty()) {
                throw new BadInputException("--from-run exports the run's own spec; drop " + String.join(", ", given));
            }
            w = WeightsExport.fromRun(fromRun, out, force);
        } else {
            TrainSpec ts = new TrainSpec(arch, dataset, init, seed, Recipe.SEED.withWidth(width.value)
                    .withNorm(norm.value).withBranchScalar(branchScalar.value).withBatchSize(batch.value));
            PrintWriter err = spec.commandLine().getErr();
            DatasetLocator locator = DatasetLocator.defaults(data.value);
            w = WeightsExport.initial(ts, InitRegistry.load(), name -> locator.load(name, notice -> {
                err.println("initbench: " + notice);
                err.flush();
            }), out, sampleOut, force);
        }
        PrintWriter o = spec.commandLine().getOut();
        TrainSpec s = w.spec();
        o.println("wrote " + out + ": " + w.tensors() + " tensors, the " + w.what() + " of " + s.arch() + " (norm "
                + s.recipe().norm() + (s.recipe().branchScalar() ? ", branch scalar" : "") + ", width "
                + s.recipe().width() + ") on " + s.dataset() + " with " + s.init() + ", seed " + s.seed());
        SampleBatch b = w.sampleBatch();
        if (b != null) {
            o.println("wrote " + sampleOut + ": the sample batch the init got, " + b.size() + " images of "
                    + b.channels() + "x" + b.height() + "x" + b.width() + " (images float32, labels int64)");
        }
        o.flush();
        return 0;
    }
}
