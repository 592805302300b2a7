package org.initbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.initbench.experiment.Recipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The recipe and runtime flags are one declaration, the same on every command that takes them. */
class RecipeOptionsTest {
    static CommandSpec command(String... path) {
        CommandLine c = Main.commandLine();
        for (String p : path) {
            c = c.getSubcommands().get(p);
        }
        return c.getCommandSpec();
    }

    static String describe(OptionSpec o) {
        return String.join("|", o.names()) + " default=" + o.defaultValueString() + " " + String.join(" ", o.description());
    }

    @Test
    void trainAndSweepTakeEveryKnobOfTheRecipeWithTheSameFlag() {
        List<CommandSpec> commands = List.of(command("train"), command("sweep"), command("sweep", "plan"),
                command("sweep", "slurm"));
        for (String key : Recipe.keys()) {
            OptionSpec train = command("train").findOption("--" + key);
            assertThat(train).as("--" + key + " on train").isNotNull();
            for (CommandSpec c : commands) {
                assertThat(describe(c.findOption("--" + key))).as("--" + key + " on " + c.qualifiedName())
                        .isEqualTo(describe(train));
            }
        }
        assertThat(command("train").findOption("--epochs").defaultValueString()).isEqualTo("200");
        assertThat(command("train").findOption("--weight-decay").defaultValueString()).isEqualTo("5.0E-4");
        for (String flag : List.of("--threads", "--device", "--data-dir")) {
            assertThat(describe(command("sweep").findOption(flag))).isEqualTo(describe(command("train").findOption(flag)));
        }
        assertThat(describe(command("bench").findOption("--batch-size")))
                .isEqualTo(describe(command("inspect").findOption("--batch")));
        assertThat(describe(command("bench").findOption("--threads")))
                .isEqualTo(describe(command("inspect").findOption("--threads")));
    }

    @Test
    void theSameFlagsGiveTheSameRecipeOnTrainAndSweep(@TempDir Path tmp) {
        String[] flags = {"--epochs", "3", "--batch", "16", "--lr", "0.05", "--momentum", "0.8", "--weight-decay", "0",
            "--nesterov", "--train-subset", "200", "--test-subset", "100", "--width", "0.25", "--norm", "none",
            "--validation", "--fixup-scalar-lr", "--warmup-epochs", "1"};
        CommandLine main = Main.commandLine();
        main.parseArgs(concat(new String[] {"train"}, flags));
        CommandLine train = main.getSubcommands().get("train");
        Recipe expected = Recipe.SEED.withEpochs(3).withBatchSize(16).withLr(0.05).withMomentum(0.8).withWeightDecay(0)
                .withNesterov(true).withTrainSubset(200).withTestSubset(100).withWidth(0.25).withNorm("none")
                .withValidation(true).withFixupScalarLr(true).withWarmupEpochs(1);
        assertThat(((TrainCommand) train.getCommand()).recipe.recipe()).isEqualTo(expected);
        CommandLine plan = main.getSubcommands().get("sweep").getSubcommands().get("plan");
        String[] grid = {"sweep", "plan", "--arch", "resnet20", "--dataset", "fashion-mnist", "--init", "zeros", "--seeds", "0",
            "--out", tmp.resolve("s").toString()};
        main.parseArgs(concat(grid, flags));
        assertThat(((SweepCommand.Plan) plan.getCommand()).grid.spec().recipe()).isEqualTo(expected);
        main.parseArgs("train");
        assertThat(((TrainCommand) train.getCommand()).recipe.recipe()).isEqualTo(Recipe.SEED);
    }

    @Test
    void sweepFlagsReplaceOnlyTheFieldsTheyGive(@TempDir Path tmp) {
        CliTestSupport r = CliTestSupport.exec("sweep", "plan", "--arch", "resnet20", "--dataset", "fashion-mnist",
                "--init", "zeros", "--seeds", "0", "--epochs", "3", "--out", tmp.resolve("s").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains(" 0/3 ");
        CliTestSupport bad = CliTestSupport.exec("train", "--lr", "-1");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--lr must be a positive number, got -1.0");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
