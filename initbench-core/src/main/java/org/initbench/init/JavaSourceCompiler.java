package org.initbench.init;

import ai.djl.ndarray.NDArray;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.initbench.BadInputException;

/**
 * Compiles one Java source file in memory with the JDK's compiler ({@code javax.tools}) against the class path
 * initbench runs with, and loads its classes in a class loader whose parent is initbench's. A compile error is one
 * line, {@code MyInit.java:12: error: cannot find symbol ...}; a JRE without a compiler is one line too.
 */
final class JavaSourceCompiler {
    private JavaSourceCompiler() {}

    /**
     * The classes of a file, compiled and ready to load.
     *
     * @param loader defines the classes (parent: initbench's loader)
     * @param names binary names of every class the file declares (nested ones too)
     */
    record Compiled(ClassLoader loader, List<String> names) {}

    /** Compiles {@code source} (its text read as UTF-8); bad input when it does not compile. */
    static Compiled compile(Path source) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new BadInputException("java: inits need a JDK: the Java running initbench ("
                    + System.getProperty("java.home") + ") has no compiler (javax.tools); run it with a JDK 17+");
        }
        String text;
        try {
            text = Files.readString(source, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadInputException("init file " + source + ": cannot read: " + e.getMessage(), e);
        }
        String fileName = source.getFileName().toString();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Map<String, ByteArrayOutputStream> classes = new LinkedHashMap<>();
        StandardJavaFileManager standard = javac.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8);
        List<String> options = List.of("-classpath", classPath(), "-proc:none", "-nowarn", "-Xlint:none",
                "-encoding", "UTF-8", "-g");
        try (InMemoryOutput files = new InMemoryOutput(standard, classes)) {
            boolean ok = javac.getTask(null, files, diagnostics, options, null,
                    List.of(new Source(source, text))).call();
            if (!ok) {
                throw new BadInputException(firstError(fileName, diagnostics.getDiagnostics()));
            }
        } catch (IOException e) {
            throw new IllegalStateException("closing the compiler's file manager: " + e.getMessage(), e);
        }
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        classes.forEach((name, out) -> bytes.put(name, out.toByteArray()));
        return new Compiled(new BytesClassLoader(bytes, JavaSourceCompiler.class.getClassLoader()),
                List.copyOf(bytes.keySet()));
    }

    /** {@code MyInit.java:12: error: MESSAGE}, the first line of the first error, and how many more there are. */
    static String firstError(String fileName, List<Diagnostic<? extends JavaFileObject>> all) {
        List<Diagnostic<? extends JavaFileObject>> errors = all.stream()
                .filter(d -> d.getKind() == Diagnostic.Kind.ERROR).toList();
        if (errors.isEmpty()) {
            return fileName + ": does not compile";
        }
        Diagnostic<? extends JavaFileObject> first = errors.get(0);
        String message = first.getMessage(Locale.ROOT).lines().findFirst().orElse("").strip();
        String line = first.getLineNumber() == Diagnostic.NOPOS ? "" : ":" + first.getLineNumber();
        int more = errors.size() - 1;
        return fileName + line + ": error: " + message
                + (more == 0 ? "" : " (and " + more + " more error" + (more == 1 ? "" : "s") + ")");
    }

    /**
     * The class path initbench runs with: {@code java.class.path}, plus where the init API and DJL were loaded
     * from (under {@code java -jar initbench-cli.jar} the class path is that one jar, whose manifest names the
     * rest), plus every jar beside the core when the core is a jar in a {@code lib/} folder.
     */
    static String classPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!e.isBlank()) {
                entries.add(e);
            }
        }
        Path core = location(InitStrategy.class);
        for (Class<?> c : List.of(InitStrategy.class, NDArray.class)) {
            Path p = location(c);
            if (p != null) {
                entries.add(p.toString());
            }
        }
        if (core != null && Files.isRegularFile(core) && core.getParent() != null
                && core.getParent().getFileName() != null && "lib".equals(core.getParent().getFileName().toString())) {
            try (DirectoryStream<Path> jars = Files.newDirectoryStream(core.getParent(), "*.jar")) {
                List<Path> sorted = new ArrayList<>();
                jars.forEach(sorted::add);
                sorted.sort(null);
                sorted.forEach(j -> entries.add(j.toString()));
            } catch (IOException e) {
                // the entries above still hold the API
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /** The jar or classes folder {@code c} was loaded from; null when unknown. */
    private static Path location(Class<?> c) {
        CodeSource cs = c.getProtectionDomain().getCodeSource();
        URL url = cs == null ? null : cs.getLocation();
        if (url == null) {
            return null;
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** The source, from memory (the text already read), under the file's own name for diagnostics. */
    private static final class Source extends SimpleJavaFileObject {
        private final String text;

        Source(Path file, String text) {
            super(file.toUri(), Kind.SOURCE);
            this.text = text;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return text;
        }
    }

    /** Sends class files to memory; everything else (reading the class path) to the standard manager. */
    private static final class InMemoryOutput extends ForwardingJavaFileManager<StandardJavaFileManager> {
        private final Map<String, ByteArrayOutputStream> classes;

        InMemoryOutput(StandardJavaFileManager standard, Map<String, ByteArrayOutputStream> classes) {
            super(standard);
            this.classes = classes;
        }

        @Override
        public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                FileObject sibling) {
            return new SimpleJavaFileObject(java.net.URI.create("mem:///" + className.replace('.', '/')
                    + kind.extension), kind) {
                @Override
                public OutputStream openOutputStream() {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    classes.put(className, out);
                    return out;
                }
            };
        }
    }

    /** Defines the compiled classes from their bytes; all else comes from the parent (initbench's loader). */
    private static final class BytesClassLoader extends ClassLoader {
        private final Map<String, byte[]> classes;

        BytesClassLoader(Map<String, byte[]> classes, ClassLoader parent) {
            super("java-init", parent);
            this.classes = classes;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] b = classes.get(name);
            if (b == null) {
                throw new ClassNotFoundException(name);
            }
            return defineClass(name, b, 0, b.length);
        }
    }
}
