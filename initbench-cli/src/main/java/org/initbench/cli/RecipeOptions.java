package org.initbench.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.initbench.experiment.Recipe;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * Every knob of the training {@link Recipe} as a flag, shared by {@code train} and {@code sweep}: the
 * flag is {@code --} and the knob's key ({@code --batch-size} for {@code batchSize}), its default the
 * seed's recipe ({@link Recipe#SEED}). {@code bench} and {@code inspect} mix in the parts that apply to
 * them: {@link BatchSize}, {@link Width}, {@link NormChoice}, {@link BranchScalar}, {@link PrecisionChoice}
 * ({@code bench}). A new knob: its component in {@link Recipe}, and its flag here.
 */
final class RecipeOptions {
    @Spec CommandSpec self;

    @Mixin BatchSize batchSize;
    @Mixin Width width;
    @Mixin NormChoice norm;
    @Mixin BranchScalar branchScalar;
    @Mixin PrecisionChoice precision;

    @Option(names = "--epochs", description = "Epochs (cosine period); default ${DEFAULT-VALUE}.")
    int epochs = Recipe.SEED.epochs();

    @Option(names = "--lr", description = "Initial learning rate; default ${DEFAULT-VALUE}.")
    double lr = Recipe.SEED.lr();

    @Option(names = "--momentum", description = "SGD momentum; default ${DEFAULT-VALUE}.")
    double momentum = Recipe.SEED.momentum();

    @Option(names = "--weight-decay", description = "Weight decay on every parameter; default ${DEFAULT-VALUE}.")
    double weightDecay = Recipe.SEED.weightDecay();

    @Option(names = "--nesterov", description = "Nesterov momentum.")
    boolean nesterov = Recipe.SEED.nesterov();

    @Option(names = "--train-subset", description = "Class-balanced training subset size (0 = all).")
    int trainSubset = Recipe.SEED.trainSubset();

    @Option(names = "--test-subset", description = "Class-balanced test subset size (0 = all).")
    int testSubset = Recipe.SEED.testSubset();

    @Option(names = "--validation", description = "Evaluate on --test-subset images held out of the training split"
            + " (never trained on) instead of the test split: for tuning a choice without touching the test split.")
    boolean validation = Recipe.SEED.validation();

    @Option(names = "--fixup-scalar-lr", description = "Fixup's own recipe: train the scalar biases and multipliers"
            + " of a --norm none ResNet (every one-element parameter) at lr/10, as Fixup's official code does;"
            + " default off (the seed's recipe: one lr for every parameter).")
    boolean fixupScalarLr = Recipe.SEED.fixupScalarLr();

    @Option(names = "--warmup-epochs", paramLabel = "W", description = "Warm the learning rate up"
            + " linearly per step over the first W epochs, from lr/(W·steps per epoch) to the cosine's rate (Goyal et"
            + " al. 2017's gradual warmup; a recipe change for nets that do not survive the full rate at step 1);"
            + " default ${DEFAULT-VALUE} (the seed's recipe).")
    int warmupEpochs = Recipe.SEED.warmupEpochs();

    /** {@code --batch-size} (alias {@code --batch}). */
    static final class BatchSize {
        @Option(names = {"--batch-size", "--batch"}, paramLabel = "<batchSize>",
                description = "Batch size (images per step); default ${DEFAULT-VALUE}.")
        int value = Recipe.SEED.batchSize();
    }

    /** {@code --width}. */
    static final class Width {
        @Option(names = "--width", paramLabel = "<width>",
                description = "Channel width multiplier (for quick proxies); default ${DEFAULT-VALUE}.")
        double value = Recipe.SEED.width();
    }

    /** {@code --norm}. */
    static final class NormChoice {
        @Option(names = "--norm", paramLabel = "<norm>", description = "Norm variant: bn, none (Fixup's"
                + " architecture for ResNets) or weightnorm; default the arch's own (bn; none for plaincnn).")
        String value = Recipe.SEED.norm();
    }

    /** {@code --branch-scalar}: the model axis beside {@code --norm}. */
    static final class BranchScalar {
        @Option(names = "--branch-scalar", description = "Add one learned scalar α at the end of every residual"
                + " branch, x + α·F(x) (SkipInit, ReZero), under any --norm; residual nets only (resnet*,"
                + " mobilenetv2). Schemes other than skipinit and rezero set α = 1 (the net without it).")
        boolean value = Recipe.SEED.branchScalar();
    }

    /** {@code --precision}. */
    static final class PrecisionChoice {
        @Option(names = "--precision", paramLabel = "<precision>", description = "fp32, or bf16: autocast-style"
                + " mixed precision (convs and linears in bf16 from fp32 master weights; BN statistics, loss and"
                + " SGD in fp32); default ${DEFAULT-VALUE}.")
        String value = Recipe.SEED.precision();
    }

    /** The recipe the flags give: every knob at its flag's value. */
    Recipe recipe() {
        return Recipe.SEED.with(values(o -> true));
    }

    /** The knobs given on the command line {@code parsed}, by key, to lay over a sweep file's. */
    Map<String, Object> given(ParseResult parsed) {
        return values(parsed::hasMatchedOption);
    }

    private Map<String, Object> values(Predicate<OptionSpec> which) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (OptionSpec o : self.options()) {
            if (which.test(o)) {
                out.put(o.longestName().substring(2), o.getValue());
            }
        }
        return out;
    }
}
