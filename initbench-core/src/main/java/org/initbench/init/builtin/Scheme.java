package org.initbench.init.builtin;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.initbench.init.InitOption;
import org.initbench.init.InitStrategyProvider;

/**
 * The provider part of a built-in scheme, given once in the constructor: id, one-line summary, citation and
 * options. A scheme's class adds its strategy ({@link #create}) and its javadoc (paper, formula, defaults).
 */
abstract class Scheme implements InitStrategyProvider {
    private final String id;
    private final String summary;
    private final String citation;
    private final Supplier<List<InitOption>> options;

    Scheme(String id, String summary, String citation, InitOption... options) {
        this(id, summary, citation, () -> List.of(options));
    }

    /** With options computed when asked (the {@code base} option lists the registry, which holds this scheme). */
    Scheme(String id, String summary, String citation, Supplier<List<InitOption>> options) {
        this.id = id;
        this.summary = summary;
        this.citation = citation;
        this.options = options;
    }

    /** The {@code gain} option of the torch.nn.init schemes that take one ({@code calculate_gain}'s factor). */
    static InitOption gainOption(String defaultGain) {
        return InitOption.number("gain", defaultGain, "scale factor (calculate_gain)");
    }

    /** A declared number option, parsed (the registry has checked that it is a finite number). */
    static double number(Map<String, String> options, String name) {
        return Double.parseDouble(options.get(name));
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final String summary() {
        return summary;
    }

    @Override
    public final String citation() {
        return citation;
    }

    @Override
    public final List<InitOption> options() {
        return options.get();
    }
}
