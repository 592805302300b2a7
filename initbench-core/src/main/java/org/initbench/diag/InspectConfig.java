package org.initbench.diag;

import java.util.List;
import java.util.Locale;
import org.initbench.BadInputException;
import org.initbench.train.Precision;

/**
 * What {@link Inspection} measures.
 *
 * @param arch architecture id
 * @param dataset dataset id (channels and classes; the batch too with {@link Input#DATA})
 * @param inits init spec strings, each inspected on its own fresh model
 * @param batch images in the batch (at least 2: batch norm runs on batch statistics)
 * @param input real training images or N(0, 1) noise
 * @param seed run seed: the init draws {@code hash(seed, "init")} and the batch is the first
 *     training batch of {@code train --seed seed} (its shuffle and augmentation)
 * @param width channel width multiplier
 * @param norm norm variant id, or null for the arch's own
 * @param predict print the analytic prediction for every init, not only for autoinit
 * @param precision the forward's precision ({@code fp32}, or {@code bf16} as {@code train --precision bf16}
 *     runs it: statistics are then of the bf16 activations, read in fp32)
 * @param branchScalar build the net with a learned α at the end of every residual branch ({@code
 *     --branch-scalar}); residual nets only
 */
public record InspectConfig(String arch, String dataset, List<String> inits, int batch, Input input, long seed,
        double width, String norm, boolean predict, String precision, boolean branchScalar) {

    /** An fp32 inspection. */
    public InspectConfig(String arch, String dataset, List<String> inits, int batch, Input input, long seed,
            double width, String norm, boolean predict) {
        this(arch, dataset, inits, batch, input, seed, width, norm, predict, Precision.FP32.id());
    }

    /** An inspection of the net without a branch scalar. */
    public InspectConfig(String arch, String dataset, List<String> inits, int batch, Input input, long seed,
            double width, String norm, boolean predict, String precision) {
        this(arch, dataset, inits, batch, input, seed, width, norm, predict, precision, false);
    }

    /** Where the batch comes from. */
    public enum Input {
        /** The first training batch (normalized, cropped, flipped as in training). */
        DATA,
        /** i.i.d. N(0, 1) pixels, random labels. */
        GAUSSIAN;

        /** Parses {@code data} or {@code gaussian}. */
        public static Input parse(String s) {
            for (Input i : values()) {
                if (i.id().equals(s == null ? "" : s.trim().toLowerCase(Locale.ROOT))) {
                    return i;
                }
            }
            throw new BadInputException("unknown --input '" + s + "'; valid: data, gaussian");
        }

        /** Lower-case id. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public InspectConfig {
        inits = List.copyOf(inits);
        precision = Precision.parse(precision).id();
        if (inits.isEmpty()) {
            throw new BadInputException("inspect needs at least one init");
        }
        if (batch < 2) {
            throw new BadInputException("--batch must be at least 2 (batch norm needs batch statistics), got " + batch);
        }
        if (!(width > 0)) {
            throw new BadInputException("--width must be positive, got " + width);
        }
    }
}
