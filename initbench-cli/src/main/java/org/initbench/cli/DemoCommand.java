package org.initbench.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.initbench.BadInputException;
import org.initbench.data.DatasetLocator;
import org.initbench.experiment.Recipe;
import org.initbench.experiment.StopRequest;
import org.initbench.experiment.SweepDirectory;
import org.initbench.experiment.SweepRunner;
import org.initbench.experiment.SweepSpec;
import org.initbench.init.InitRegistry;
import org.initbench.report.Report;
import org.initbench.report.ReportOptions;
import org.initbench.report.ReportOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code initbench demo}: the main job on the embedded default, offline. A small init comparison
 * (pytorch-default, kaiming-normal, orthogonal, fixup on ResNet-20; 2 seeds) on a class-balanced
 * 3,000 / 1,000 part of the shipped FashionMNIST subset with the seed's recipe for 3 epochs, run as a
 * sweep (rerunning it resumes or reuses finished cells), then the report: it ends by printing the
 * table and the path of {@code report.html}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Compare 4 inits on ResNet-20 (2 seeds, 3 epochs) on the shipped FashionMNIST subset, offline,"
                + " and write the report (a few minutes on 2 cores).")
public final class DemoCommand implements Callable<Integer> {
    static final List<String> INITS = List.of("pytorch-default", "kaiming-normal", "orthogonal", "fixup");

    @Spec CommandSpec spec;

    @Option(names = "--out", defaultValue = "runs/demo",
            description = "Sweep directory; default ${DEFAULT-VALUE} (delete it to start over).")
    Path out;

    @Option(names = "--epochs", defaultValue = "3", description = "Epochs per run; default ${DEFAULT-VALUE}.")
    int epochs;

    @Mixin RuntimeOptions.ThreadCount threads;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        threads.configure();
        Path mini = DatasetLocator.shippedMiniDir();
        if (mini == null) {
            throw new BadInputException("the shipped subset " + DatasetLocator.MINI_DIR + " was not found;"
                    + " run the demo from the initbench checkout (or set -Dinitbench.home)");
        }
        SweepSpec grid = new SweepSpec("demo", List.of(SweepSpec.Model.of("resnet20", "fashion-mnist")), INITS,
                List.of(0L, 1L), Recipe.SEED.withEpochs(epochs).withTrainSubset(3000).withTestSubset(1000));
        SweepDirectory sweep = SweepDirectory.open(out, grid);
        InitRegistry registry = InitRegistry.load();
        SweepRunner.validate(sweep, registry);
        o.println("demo: ResNet-20 on the shipped FashionMNIST subset (3,000 train / 1,000 test images), "
                + String.join(", ", INITS) + " x seeds 0, 1, " + epochs + " epochs -> " + out);
        SweepCommand.runInProcess(sweep,
                new SweepRunner(sweep, new DatasetLocator(List.of(), List.of(), mini), registry), new StopRequest(), o);
        int code = SweepCommand.summary(sweep, o);
        ReportOutput r = Report.write(out, new ReportOptions(null, "kaiming-normal"));
        o.println();
        o.println("best test accuracy % (mean ± std (n) over seeds):");
        o.println(r.table());
        o.println("report: " + r.html().toAbsolutePath());
        return code;
    }
}
