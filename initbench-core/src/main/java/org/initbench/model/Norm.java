package org.initbench.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.initbench.BadInputException;

/**
 * How a model normalizes its layers (design §3, "Norm variants"): the benchmark's batch-norm nets,
 * their norm-free variants (Fixup's architecture for the ResNets), and weight-normalized variants
 * (Salimans and Kingma 2016, as used by Arpit et al. 2019). See {@link Models} for what each variant
 * builds per family.
 */
public enum Norm {
    /** Batch norm after every conv, as published; the default except for plaincnn. */
    BN,
    /** No normalization; ResNets get Fixup's scalar biases and multiplier. */
    NONE,
    /** Every conv and linear reparameterized as w = g·v/‖v‖ (per output row), no batch norm. */
    WEIGHTNORM;

    /** The lower-case id used on the command line and in run specs, e.g. {@code weightnorm}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses an id; an unknown one is a {@link BadInputException} naming the valid ids. */
    public static Norm parse(String s) {
        for (Norm n : values()) {
            if (n.id().equals(s == null ? "" : s.trim().toLowerCase(Locale.ROOT))) {
                return n;
            }
        }
        throw new BadInputException("unknown norm '" + s + "'; valid: " + ids());
    }

    /** The valid ids, comma-separated. */
    public static String ids() {
        return Arrays.stream(values()).map(Norm::id).collect(Collectors.joining(", "));
    }
}
