package org.initbench.init;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.initbench.BadInputException;

/**
 * All init strategies by id: every {@link InitStrategyProvider} found by {@link ServiceLoader} on the
 * class path. The built-ins register the same way as plugins, in initbench-core's {@code
 * META-INF/services/org.initbench.init.InitStrategyProvider}. Duplicate ids fail fast.
 */
public final class InitRegistry {
    private final Map<String, InitStrategyProvider> providers;

    private InitRegistry(Map<String, InitStrategyProvider> providers) {
        this.providers = Collections.unmodifiableMap(providers);
    }

    /** The built-ins and the class path's plugins. */
    public static InitRegistry load() {
        List<InitStrategyProvider> all = new ArrayList<>();
        ServiceLoader.load(InitStrategyProvider.class).forEach(all::add);
        return of(all);
    }

    /** A registry of exactly these providers. */
    public static InitRegistry of(List<InitStrategyProvider> list) {
        Map<String, InitStrategyProvider> map = new TreeMap<>();
        for (InitStrategyProvider p : list) {
            if (!p.id().matches("[a-z0-9]+(-[a-z0-9]+)*")) {
                throw new IllegalStateException("init id must be kebab-case: '" + p.id() + "'");
            }
            InitStrategyProvider old = map.put(p.id(), p);
            if (old != null) {
                throw new IllegalStateException("duplicate init id '" + p.id() + "': "
                        + old.getClass().getName() + " and " + p.getClass().getName());
            }
        }
        return new InitRegistry(map);
    }

    /** Providers sorted by id. */
    public List<InitStrategyProvider> providers() {
        return List.copyOf(providers.values());
    }

    /** The provider registered under {@code id}; an unknown id is bad input naming the valid ones. */
    public InitStrategyProvider provider(String id) {
        InitStrategyProvider p = providers.get(id);
        if (p == null) {
            String cut = id.contains("=") ? " ('" + id + "' looks like an option cut off its init: in a YAML flow"
                    + " list [a:x=1,y=2, b] the commas split items; quote the spec or use a block list)" : "";
            throw new BadInputException("unknown init '" + id + "'; valid: "
                    + String.join(", ", providers.keySet()) + cut);
        }
        return p;
    }

    /**
     * Parses and validates a spec string, a registered init's {@code id[:key=value,...]} or a file's {@code
     * java:PATH.java[:key=value,...]} or {@code torch:PATH.py} ({@link InitFile}); unknown ids, unknown keys
     * and bad values throw {@link BadInputException} naming the valid ones.
     */
    public ResolvedInit resolve(String spec) {
        if (InitFile.isFileSpec(spec)) {
            return resolveFile(InitFile.parse(spec));
        }
        InitSpec parsed = InitSpec.parse(spec);
        InitStrategyProvider p = provider(parsed.id());
        Map<String, String> resolved = options(p.id(), p.options(), parsed.options());
        return new ResolvedInit(p.id(), resolved, p.create(resolved), p.dataDependent(), null);
    }

    /**
     * The options of a spec checked against the declared ones and completed with their defaults, in declaration
     * order: an unknown key or a bad value is bad input naming the valid ones (registered and {@code java:} inits
     * alike).
     *
     * @param id the init as error messages name it
     */
    static Map<String, String> options(String id, List<InitOption> options, Map<String, String> given) {
        Map<String, InitOption> declared = new LinkedHashMap<>();
        options.forEach(o -> declared.put(o.name(), o));
        for (String key : given.keySet()) {
            if (!declared.containsKey(key)) {
                throw new BadInputException("init '" + id + "': unknown option '" + key + "'; valid: "
                        + (declared.isEmpty() ? "(none)" : String.join(", ", declared.keySet())));
            }
        }
        Map<String, String> resolved = new LinkedHashMap<>();
        for (InitOption o : declared.values()) {
            String v = given.getOrDefault(o.name(), o.defaultValue());
            o.validate(id, v);
            resolved.put(o.name(), v);
        }
        return resolved;
    }

    /** A {@code java:} or {@code torch:} init: the file is read, hashed and loaded now. */
    private static ResolvedInit resolveFile(InitFile.Parsed parsed) {
        InitFile file = InitFile.read(parsed.kind(), parsed.path());
        return switch (parsed.kind()) {
            case JAVA -> JavaSourceInit.resolve(file, parsed.options());
            case TORCH -> TorchInit.resolve(file, parsed.options());
        };
    }
}
