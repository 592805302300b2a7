package org.initbench.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.initbench.data.DatasetLocator;
import org.initbench.diag.InspectConfig;
import org.initbench.diag.InspectOutput;
import org.initbench.diag.InspectReport;
import org.initbench.diag.InspectTable;
import org.initbench.diag.Inspection;
import org.initbench.init.InitRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code initbench inspect}: per-layer signal and gradient statistics at init for one or more
 * inits (see {@link Inspection}); a table on stdout, and JSON, the table and PNG plots in {@code
 * --out}.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Per-layer activation, dead-ReLU, weight and gradient statistics at init, one forward and "
                + "backward pass per init; table, JSON and PNG plots.")
public final class InspectCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--arch", required = true, description = "Architecture (`initbench models`).")
    String arch;

    @Option(names = "--dataset", required = true, description = "Dataset: cifar10, cifar100, fashion-mnist, mnist.")
    String dataset;

    @Option(names = "--init", required = true, split = ",(?=[a-z0-9-]+(:|,|$))", splitSynopsisLabel = ",",
            description = "Init specs, comma-separated: kaiming-normal,orthogonal,fixup "
                    + "(options as in train: kaiming-normal:mode=fan_out,a=0).")
    List<String> inits;

    @Mixin RecipeOptions.BatchSize batch;

    @Option(names = "--input", defaultValue = "data",
            description = "data (the first training batch of `train --seed`) or gaussian (N(0,1) pixels); "
                    + "default ${DEFAULT-VALUE}.")
    String input;

    @Option(names = "--predict", description = "Print the analytic (AutoInit-rule) variance beside the measured "
            + "one for every init; autoinit always gets its own prediction.")
    boolean predict;

    @Option(names = "--seed", defaultValue = "42",
            description = "Run seed (init draws, batch); default ${DEFAULT-VALUE}.")
    long seed;

    @Mixin RecipeOptions.Width width;

    @Mixin RecipeOptions.NormChoice norm;

    @Mixin RecipeOptions.BranchScalar branchScalar;

    @Mixin RuntimeOptions.DataDir data;

    @Option(names = "--out", description = "Output directory; default inspect/<arch>-<dataset>.")
    Path out;

    @Option(names = "--force", description = "Overwrite the files of an earlier inspection in --out.")
    boolean force;

    @Mixin RuntimeOptions.ThreadCount threads;

    @Mixin RuntimeOptions.PythonChoice python;

    @Mixin RecipeOptions.PrecisionChoice precision;

    @Override
    public Integer call() throws IOException {
        threads.configure();
        try (RuntimeOptions.Scope scope = python.apply()) {
            return inspect();
        }
    }

    private int inspect() throws IOException {
        InspectConfig config = new InspectConfig(arch, dataset, inits, batch.value, InspectConfig.Input.parse(input),
                seed, width.value, norm.value, predict, precision.value, branchScalar.value);
        Inspection inspection = Inspection.prepare(config, InitRegistry.load());
        Path dir = out != null ? out : Path.of("inspect", arch + "-" + dataset);
        InspectOutput.checkWritable(dir, force);
        PrintWriter w = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        InspectReport report = inspection.run(DatasetLocator.defaults(data.value), notice -> {
            err.println("initbench: " + notice);
            err.flush();
        });
        if (!config.precision().equals("fp32")) {
            w.println("precision " + config.precision() + ": convolutions and linear layers in bf16 from fp32 weights,"
                    + " as train --precision bf16 runs them; statistics read in fp32");
        }
        w.print(InspectTable.render(report));
        for (Path p : InspectOutput.write(dir, report, force)) {
            w.println("wrote " + p);
        }
        w.flush();
        return 0;
    }
}
