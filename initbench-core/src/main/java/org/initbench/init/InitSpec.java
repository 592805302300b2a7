package org.initbench.init;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.initbench.BadInputException;

/**
 * A parsed spec string {@code id[:key=value,key=value...]}, e.g. {@code
 * kaiming-normal:mode=fan_out,nonlinearity=relu}.
 *
 * @param id strategy id
 * @param options the options as written (not yet validated or defaulted)
 */
public record InitSpec(String id, Map<String, String> options) {

    public InitSpec {
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options)); // as written
    }

    public static InitSpec parse(String spec) {
        String s = spec == null ? "" : spec.trim();
        int colon = s.indexOf(':');
        String id = colon < 0 ? s : s.substring(0, colon);
        if (id.isEmpty()) {
            throw new BadInputException("malformed init spec '" + spec + "': expected id[:key=value,...]");
        }
        Map<String, String> options = new LinkedHashMap<>();
        if (colon >= 0) {
            for (String kv : s.substring(colon + 1).split(",", -1)) {
                int eq = kv.indexOf('=');
                if (eq <= 0 || eq == kv.length() - 1) {
                    throw new BadInputException("malformed init spec '" + spec
                            + "': expected key=value, got '" + kv + "'");
                }
                String key = kv.substring(0, eq).trim();
                if (options.put(key, kv.substring(eq + 1).trim()) != null) {
                    throw new BadInputException("malformed init spec '" + spec + "': " + key + " given twice");
                }
            }
        }
        return new InitSpec(id, options);
    }

    /** Canonical form: options in the given (declared) order. */
    public static String format(String id, Map<String, String> options) {
        if (options.isEmpty()) {
            return id;
        }
        return id + ":" + options.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }
}
