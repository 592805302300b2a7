package org.initbench.init;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.initbench.BadInputException;

/**
 * A {@code java:PATH.java[:key=value,...]} init: one Java source file whose public top-level class implements
 * {@link InitStrategyProvider} (its declared options are validated and defaulted as a registered init's) or
 * {@link InitStrategy} (it takes no options). The file is compiled at run time by {@link JavaSourceCompiler}, at
 * most once per (path, SHA-256) in a JVM; the class is found by the file's name, else as the one top-level class
 * implementing the API. Everything the user's code gets wrong is one line of bad input: a compile error, a class
 * that implements neither interface or has no public no-arg constructor, and an exception thrown while
 * constructing, creating or initializing (its type, message and line in the file).
 */
final class JavaSourceInit {
    private static final Map<String, Class<?>> CACHE = new ConcurrentHashMap<>();
    private static final AtomicInteger COMPILATIONS = new AtomicInteger();

    private JavaSourceInit() {}

    /** Compiles (or reuses) the file's class and resolves it with {@code options}. */
    static ResolvedInit resolve(InitFile file, Map<String, String> options) {
        Class<?> c = CACHE.computeIfAbsent(file.path() + "@" + file.sha256(), k -> load(file));
        Object instance = construct(file, c);
        if (instance instanceof InitStrategyProvider p) {
            Map<String, String> resolved = InitRegistry.options(file.id(), guard(file, "options()", p::options),
                    options);
            InitStrategy s = guard(file, "create", () -> p.create(resolved));
            if (s == null) {
                throw new BadInputException(file.fileName() + ": create(options) returned null");
            }
            return new ResolvedInit(file.id(), resolved, wrap(file, s),
                    guard(file, "dataDependent()", p::dataDependent), file);
        }
        if (!options.isEmpty()) {
            throw new BadInputException("init " + file.id() + " takes no options (its class implements InitStrategy;"
                    + " implement InitStrategyProvider to declare some), got " + String.join(", ", options.keySet()));
        }
        return new ResolvedInit(file.id(), Map.of(), wrap(file, (InitStrategy) instance), false, file);
    }

    /** How many files this JVM has compiled (tests: a second resolve of the same file compiles nothing). */
    static int compilations() {
        return COMPILATIONS.get();
    }

    /** Compiles the file and finds its init class. */
    private static Class<?> load(InitFile file) {
        JavaSourceCompiler.Compiled compiled = JavaSourceCompiler.compile(file.path());
        COMPILATIONS.incrementAndGet();
        String simple = file.fileName().substring(0, file.fileName().length() - ".java".length());
        List<Class<?>> implementing = new ArrayList<>();
        Class<?> named = null;
        for (String name : compiled.names()) {
            if (name.contains("$")) {
                continue;
            }
            Class<?> c;
            try {
                c = Class.forName(name, false, compiled.loader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw new BadInputException(file.fileName() + ": cannot load class " + name + ": " + e, e);
            }
            if (c.getSimpleName().equals(simple)) {
                named = c;
            }
            if (implementsApi(c)) {
                implementing.add(c);
            }
        }
        if (named != null && implementsApi(named)) {
            return named;
        }
        if (named == null && implementing.size() == 1) {
            return implementing.get(0);
        }
        String api = InitStrategyProvider.class.getName() + " nor " + InitStrategy.class.getName();
        if (named != null) {
            throw new BadInputException(file.fileName() + ": class " + named.getName() + " implements neither " + api);
        }
        throw new BadInputException(file.fileName() + ": " + (implementing.isEmpty() ? "no class implements "
                + InitStrategyProvider.class.getName() + " or " + InitStrategy.class.getName()
                : implementing.size() + " classes implement the init API and none is named " + simple)
                + "; a java: init is a public class named after its file that implements one of them");
    }

    private static boolean implementsApi(Class<?> c) {
        return (InitStrategyProvider.class.isAssignableFrom(c) || InitStrategy.class.isAssignableFrom(c))
                && !c.isInterface() && !Modifier.isAbstract(c.getModifiers());
    }

    /** A new instance by the public no-arg constructor. */
    private static Object construct(InitFile file, Class<?> c) {
        Constructor<?> ctor;
        try {
            ctor = c.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new BadInputException(file.fileName() + ": class " + c.getName()
                    + " needs a public no-arg constructor" + (Modifier.isPublic(c.getModifiers()) ? ""
                    : " and must be public"));
        }
        try {
            return ctor.newInstance();
        } catch (InvocationTargetException e) {
            throw thrown(file, "constructing " + c.getSimpleName(), e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new BadInputException(file.fileName() + ": cannot construct " + c.getName() + ": " + e, e);
        }
    }

    /** The strategy, with what its code throws turned into one line of bad input. */
    private static InitStrategy wrap(InitFile file, InitStrategy strategy) {
        return ctx -> guard(file, "initialize", () -> {
            strategy.initialize(ctx);
            return null;
        });
    }

    /** Calls the user's code; a {@link RuntimeException} or {@link LinkageError} becomes bad input. */
    private static <T> T guard(InitFile file, String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (BadInputException e) {
            throw e;
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            throw thrown(file, what, e);
        }
    }

    /**
     * {@code MyInit.java: initialize threw IllegalStateException: MESSAGE (MyInit.java:23)}: the type, the message
     * and the innermost frame in the file, when the stack trace has one.
     */
    static BadInputException thrown(InitFile file, String what, Throwable t) {
        String at = "";
        for (StackTraceElement e : t.getStackTrace()) {
            if (file.fileName().equals(e.getFileName()) && e.getLineNumber() > 0) {
                at = " (" + file.fileName() + ":" + e.getLineNumber() + ")";
                break;
            }
        }
        String message = t.getMessage() == null ? "" : ": " + t.getMessage().lines().findFirst().orElse("");
        return new BadInputException(file.fileName() + ": " + what + " threw " + t.getClass().getSimpleName()
                + message + at, t);
    }
}
