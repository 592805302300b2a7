package org.initbench.init;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.initbench.BadInputException;

/** The nonlinearities of {@code torch.nn.init.calculate_gain}. */
public enum Nonlinearity {
    LINEAR,
    CONV,
    SIGMOID,
    TANH,
    RELU,
    LEAKY_RELU,
    SELU;

    /** The lower-case id used in spec strings, e.g. {@code leaky_relu}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Nonlinearity parse(String s) {
        for (Nonlinearity n : values()) {
            if (n.id().equals(s.toLowerCase(Locale.ROOT))) {
                return n;
            }
        }
        throw new BadInputException("unknown nonlinearity '" + s + "'; valid: " + ids());
    }

    public static String ids() {
        return Arrays.stream(values()).map(Nonlinearity::id).collect(Collectors.joining(", "));
    }
}
