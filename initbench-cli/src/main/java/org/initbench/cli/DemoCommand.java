package org.initbench.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.initbench.BadInputException;
import org.initbench.data.DatasetLocator;
import org.initbench.train.TrainSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code initbench demo}: the main job on the embedded default, offline. Until the experiments
 * issue brings the multi-init comparison, it trains ResNet-20 with {@code pytorch-default} on the
 * shipped FashionMNIST subset (6,000 / 2,000 images) with the seed's recipe, for 3 epochs.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Train ResNet-20 on the shipped FashionMNIST subset for 3 epochs (offline, about a minute on 2 cores).")
public final class DemoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--out", defaultValue = "runs/demo", description = "Run directory (overwritten); default ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--epochs", defaultValue = "3", description = "Epochs; default ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--threads", description = "Intra-op threads; default all cores.")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        Threads.configure(threads);
        Path mini = DatasetLocator.shippedMiniDir();
        if (mini == null) {
            throw new BadInputException("the shipped subset " + DatasetLocator.MINI_DIR + " was not found;"
                    + " run the demo from the initbench checkout (or set -Dinitbench.home)");
        }
        TrainSpec ts = new TrainSpec("resnet20", "fashion-mnist", "pytorch-default", 42, epochs,
                TrainSpec.DEFAULT_BATCH_SIZE, TrainSpec.DEFAULT_LR, TrainSpec.DEFAULT_MOMENTUM,
                TrainSpec.DEFAULT_WEIGHT_DECAY, false, 0, 0, 1.0, "bn");
        return TrainCommand.run(ts, new DatasetLocator(List.of(), List.of(), mini), out, true,
                spec.commandLine().getOut());
    }
}
