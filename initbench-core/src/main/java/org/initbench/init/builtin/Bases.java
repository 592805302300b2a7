package org.initbench.init.builtin;

import java.util.List;
import org.initbench.BadInputException;
import org.initbench.init.InitOption;
import org.initbench.init.InitRegistry;
import org.initbench.init.InitStrategy;
import org.initbench.init.InitStrategyProvider;

/**
 * The {@code base} option of the wrapper schemes (zero-gamma, pa-rewiring, stabilize-strength): a
 * plain registered id, run with its own defaults (spec values cannot hold {@code ,} or {@code :}).
 */
final class Bases {
    private Bases() {}

    /** The {@code base} option: any registered data-free scheme but {@code ownId} itself. */
    static InitOption option(String ownId, String defaultBase) {
        List<String> ids = InitRegistry.load().providers().stream()
                .filter(p -> !p.dataDependent() && !p.id().equals(ownId))
                .map(InitStrategyProvider::id)
                .toList();
        return InitOption.choice("base", defaultBase,
                "base scheme id, applied first with its default options", ids);
    }

    /** Resolves the base with its defaults; refuses {@code ownId}, which would recurse forever. */
    static InitStrategy resolve(String ownId, String baseId) {
        if (baseId.equals(ownId)) {
            throw new BadInputException("init '" + ownId + "': base cannot be " + ownId + " itself");
        }
        return InitRegistry.load().resolve(baseId).strategy();
    }
}
