package org.initbench.init;

import java.util.Map;

/** Placeholder until the torch: loader lands. */
final class TorchInit {
    private TorchInit() {}

    static ResolvedInit resolve(InitFile file, Map<String, String> options) {
        throw new UnsupportedOperationException("torch: inits are not implemented yet");
    }
}
