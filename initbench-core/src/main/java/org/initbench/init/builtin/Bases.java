package org.initbench.init.builtin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    /**
     * A scheme that runs a {@code base} scheme (with its defaults) and then changes what it wrote: the {@code
     * base} option first, then the scheme's own.
     */
    abstract static class Wrapper extends Scheme {
        Wrapper(String id, String summary, String citation, String defaultBase, InitOption... own) {
            super(id, summary, citation, () -> {
                List<InitOption> all = new ArrayList<>();
                all.add(option(id, defaultBase));
                all.addAll(List.of(own));
                return List.copyOf(all);
            });
        }

        @Override
        public final InitStrategy create(Map<String, String> options) {
            return wrap(resolve(id(), options.get("base")), options);
        }

        /** The strategy around {@code base}, from the scheme's own options. */
        abstract InitStrategy wrap(InitStrategy base, Map<String, String> options);
    }
}
