package org.initbench.init;

import java.util.Map;

/**
 * A strategy ready to apply, with every option resolved (defaults filled in).
 *
 * @param id strategy id
 * @param options every declared option with its value, in declaration order
 * @param strategy the strategy
 */
public record ResolvedInit(String id, Map<String, String> options, InitStrategy strategy) {

    /** The canonical spec string, e.g. {@code kaiming-normal:mode=fan_out,nonlinearity=relu,a=0}. */
    public String spec() {
        return InitSpec.format(id, options);
    }
}
