package org.initbench.init;

import java.util.Map;

/**
 * A strategy ready to apply, with every option resolved (defaults filled in).
 *
 * @param id strategy id
 * @param options every declared option with its value, in declaration order
 * @param strategy the strategy
 * @param dataDependent whether it needs a sample batch of training images (LSUV and kin)
 * @param source the file it was written in ({@code java:} and {@code torch:} inits); null for registered ones
 */
public record ResolvedInit(String id, Map<String, String> options, InitStrategy strategy, boolean dataDependent,
        InitFile source) {

    /** The canonical spec string, e.g. {@code kaiming-normal:mode=fan_out,nonlinearity=relu,a=0}. */
    public String spec() {
        return InitSpec.format(id, options);
    }
}
