package org.initbench.init;

import java.util.List;
import org.initbench.BadInputException;

/**
 * One option of an init strategy's spec string ({@code kaiming-normal:mode=fan_out}).
 *
 * @param name option key
 * @param defaultValue value used when the spec does not give one
 * @param description one line for {@code initbench inits}
 * @param choices the valid values; empty means any finite number
 */
public record InitOption(String name, String defaultValue, String description, List<String> choices) {

    public InitOption {
        choices = List.copyOf(choices);
    }

    public static InitOption number(String name, String defaultValue, String description) {
        return new InitOption(name, defaultValue, description, List.of());
    }

    public static InitOption choice(String name, String defaultValue, String description, List<String> choices) {
        return new InitOption(name, defaultValue, description, choices);
    }

    /** Throws {@link BadInputException} naming the valid values when {@code value} is not one. */
    void validate(String strategyId, String value) {
        if (!choices.isEmpty()) {
            if (!choices.contains(value)) {
                throw new BadInputException("init '" + strategyId + "': bad value '" + value + "' for "
                        + name + "; valid: " + String.join(", ", choices));
            }
            return;
        }
        try {
            double d = Double.parseDouble(value);
            if (!Double.isFinite(d)) {
                throw new NumberFormatException(value);
            }
        } catch (NumberFormatException e) {
            throw new BadInputException("init '" + strategyId + "': bad value '" + value + "' for "
                    + name + "; expected a finite number");
        }
    }
}
