package org.initbench.init;

import java.util.List;
import java.util.Map;

/**
 * A named, documented init strategy: the unit of the {@link InitRegistry}. Built-ins are registered
 * directly; users add their own through {@link java.util.ServiceLoader} (one line in {@code
 * META-INF/services/org.initbench.init.InitStrategyProvider}).
 */
public interface InitStrategyProvider {
    /** Stable kebab-case id, e.g. {@code kaiming-normal}. */
    String id();

    /** One-line summary, with the formula. */
    String summary();

    /** The paper or source, e.g. "He et al. 2015, arXiv:1502.01852". */
    String citation();

    /** The accepted options with their defaults; empty when the strategy takes none. */
    default List<InitOption> options() {
        return List.of();
    }

    /** Whether the strategy looks at training data (LSUV and kin). */
    default boolean dataDependent() {
        return false;
    }

    /**
     * Whether the values depend on the seed; false for deterministic schemes such as {@code zeros},
     * so the contract test expects another seed to give the same values.
     */
    default boolean randomized() {
        return true;
    }

    /** Creates the strategy from validated options; every declared option is present. */
    InitStrategy create(Map<String, String> options);
}
