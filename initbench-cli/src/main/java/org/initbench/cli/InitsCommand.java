package org.initbench.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.initbench.init.InitOption;
import org.initbench.init.InitRegistry;
import org.initbench.init.InitStrategyProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code initbench inits}: every registered init strategy, its options and its source. */
@Command(name = "inits", mixinStandardHelpOptions = true,
        description = "List init strategies: id, summary, citation, options with defaults, data dependence.")
public final class InitsCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (InitStrategyProvider p : InitRegistry.load().providers()) {
            out.printf("%s%s%n    %s%n    source: %s%n", p.id(), p.dataDependent() ? "  [needs data]" : "",
                    p.summary(), p.citation());
            for (InitOption o : p.options()) {
                out.printf("    option %s=%s  %s%s%n", o.name(), o.defaultValue(), o.description(),
                        o.choices().isEmpty() ? "" : " (" + String.join("|", o.choices()) + ")");
            }
        }
        out.println();
        out.println("Your own, in one file: --init java:PATH.java[:key=value,...] (a class, compiled at run time) or"
                + " --init torch:PATH.py (the seed's initialize_weights(model, config)); see docs/own-init.md.");
        return 0;
    }
}
