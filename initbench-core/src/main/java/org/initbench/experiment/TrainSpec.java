package org.initbench.experiment;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import org.initbench.BadInputException;
import org.initbench.model.Models;
import org.initbench.model.Norm;
import org.initbench.train.CosineSchedule;
import org.initbench.train.SgdConfig;

/**
 * One training run, fully resolved: what {@code initbench train} fills in from its flags and what
 * the run directory's {@code spec.json} stores as the run's provenance. Defaults are the seed's
 * recipe (see {@link #seedRecipe}).
 *
 * @param arch architecture id
 * @param dataset dataset id
 * @param init canonical init spec, e.g. {@code kaiming-normal:mode=fan_out,nonlinearity=relu,a=0}
 * @param seed run seed, the root of the seed tree
 * @param epochs number of epochs (cosine period)
 * @param batchSize training batch size
 * @param lr initial learning rate
 * @param momentum SGD momentum
 * @param weightDecay SGD weight decay, on every parameter
 * @param nesterov Nesterov momentum
 * @param trainSubset class-balanced training subset size; 0 = the whole split
 * @param testSubset class-balanced test subset size; 0 = the whole split
 * @param width channel width multiplier (1 = the benchmark's models)
 * @param norm norm variant id ({@code bn}, {@code none}, {@code weightnorm}); null = the arch's own
 *     ({@link Models#defaultNorm}: bn, none for plaincnn), resolved by {@code TrainingRun.prepare}
 * @param validation evaluate on {@code testSubset} images held out of the training split (class
 *     balanced, never trained on) instead of the test split: for choices tuned on accuracy, so the
 *     test split stays untouched; false (the default) is absent from {@code spec.json}, and a
 *     {@code spec.json} without it (written before the field existed) reads as false
 * @param fixupScalarLr Fixup's own recipe: every one-element parameter (Fixup's scalar biases and
 *     multipliers, which only {@code --norm none} ResNets have) trains at lr/10, as in Fixup's
 *     official code ({@link SgdConfig#FIXUP_SCALAR_LR}); false (the seed's recipe: one learning rate
 *     for every parameter) is absent from {@code spec.json}, as for {@code validation}
 * @param warmupEpochs a linear learning-rate warm-up per step over this many epochs, multiplied into the cosine
 *     ({@link CosineSchedule}); 0 (the seed's recipe: no warm-up) is absent from {@code spec.json}
 */
public record TrainSpec(
        String arch,
        String dataset,
        String init,
        long seed,
        int epochs,
        int batchSize,
        double lr,
        double momentum,
        double weightDecay,
        boolean nesterov,
        int trainSubset,
        int testSubset,
        double width,
        String norm,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) @JsonSetter(nulls = Nulls.AS_EMPTY) boolean validation,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) @JsonSetter(nulls = Nulls.AS_EMPTY) boolean fixupScalarLr,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) @JsonSetter(nulls = Nulls.AS_EMPTY) int warmupEpochs) {

    public static final int DEFAULT_EPOCHS = 200;
    public static final int DEFAULT_BATCH_SIZE = 128;
    public static final double DEFAULT_LR = 0.1;
    public static final double DEFAULT_MOMENTUM = 0.9;
    public static final double DEFAULT_WEIGHT_DECAY = 5e-4;

    /** Checks ranges; a bad value is a {@link BadInputException}. */
    public TrainSpec {
        positive("epochs", epochs);
        positive("batch-size", batchSize);
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new BadInputException("--lr must be a positive number, got " + lr);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new BadInputException("--momentum must be in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new BadInputException("--weight-decay must be >= 0, got " + weightDecay);
        }
        if (nesterov && momentum == 0) {
            throw new BadInputException("--nesterov needs a momentum > 0");
        }
        if (trainSubset < 0 || testSubset < 0) {
            throw new BadInputException("--train-subset/--test-subset must be >= 0 (0 = all)");
        }
        if (validation && testSubset == 0) {
            throw new BadInputException(
                    "--validation needs --test-subset N: the number of training images to hold out");
        }
        if (!(width > 0) || width > 16) {
            throw new BadInputException("--width must be in (0, 16], got " + width);
        }
        if (norm != null) {
            norm = Norm.parse(norm).id();
        }
        new CosineSchedule(lr, epochs, warmupEpochs); // checks warmupEpochs
    }

    /** Without warm-up (the seed's schedule). */
    public TrainSpec(String arch, String dataset, String init, long seed, int epochs, int batchSize, double lr,
            double momentum, double weightDecay, boolean nesterov, int trainSubset, int testSubset, double width,
            String norm, boolean validation, boolean fixupScalarLr) {
        this(arch, dataset, init, seed, epochs, batchSize, lr, momentum, weightDecay, nesterov, trainSubset, testSubset,
                width, norm, validation, fixupScalarLr, 0);
    }

    /** A run with one learning rate for every parameter (the seed's recipe). */
    public TrainSpec(String arch, String dataset, String init, long seed, int epochs, int batchSize, double lr,
            double momentum, double weightDecay, boolean nesterov, int trainSubset, int testSubset, double width,
            String norm, boolean validation) {
        this(arch, dataset, init, seed, epochs, batchSize, lr, momentum, weightDecay, nesterov, trainSubset, testSubset,
                width, norm, validation, false);
    }

    /** A run evaluated on the test split. */
    public TrainSpec(String arch, String dataset, String init, long seed, int epochs, int batchSize, double lr,
            double momentum, double weightDecay, boolean nesterov, int trainSubset, int testSubset, double width,
            String norm) {
        this(arch, dataset, init, seed, epochs, batchSize, lr, momentum, weightDecay, nesterov, trainSubset, testSubset,
                width, norm, false);
    }

    /**
     * The seed's recipe for an arch/dataset/init/seed: lr 0.1, momentum 0.9, wd 5e-4, batch 128, 200
     * epochs, the arch's own norm.
     */
    public static TrainSpec seedRecipe(String arch, String dataset, String init, long seed) {
        return new TrainSpec(arch, dataset, init, seed, DEFAULT_EPOCHS, DEFAULT_BATCH_SIZE, DEFAULT_LR,
                DEFAULT_MOMENTUM, DEFAULT_WEIGHT_DECAY, false, 0, 0, 1.0, Models.defaultNorm(arch).id());
    }

    public CosineSchedule schedule() {
        return new CosineSchedule(lr, epochs, warmupEpochs);
    }

    public SgdConfig sgd() {
        return new SgdConfig(momentum, weightDecay, nesterov, fixupScalarLr ? SgdConfig.FIXUP_SCALAR_LR : 1);
    }

    private static void positive(String name, int v) {
        if (v <= 0) {
            throw new BadInputException("--" + name + " must be positive, got " + v);
        }
    }
}
