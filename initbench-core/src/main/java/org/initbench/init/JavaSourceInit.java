package org.initbench.init;

import java.util.Map;

/** Placeholder until the java: loader lands. */
final class JavaSourceInit {
    private JavaSourceInit() {}

    static ResolvedInit resolve(InitFile file, Map<String, String> options) {
        throw new UnsupportedOperationException("java: inits are not implemented yet");
    }
}
