package org.initbench.init;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.initbench.BadInputException;

/**
 * An init written in one file, named by a spec {@code java:PATH.java[:key=value,...]} (a Java class, compiled
 * at run time) or {@code torch:PATH.py} (the seed's {@code initialize_weights(model, config)}, run on the
 * PyTorch twin). The canonical spec holds the absolute path, so a run resumes from any working directory and
 * on any node that sees the same file system; the SHA-256 is the file's provenance.
 *
 * @param kind the language
 * @param path the file, absolute and normalized
 * @param sha256 hex SHA-256 of the file's bytes when it was read
 */
public record InitFile(Kind kind, Path path, String sha256) {

    /** The languages of file inits: the spec prefix and the file extension of each. */
    public enum Kind {
        JAVA(".java"),
        TORCH(".py");

        private final String extension;

        Kind(String extension) {
            this.extension = extension;
        }

        /** The spec prefix without its colon: {@code java} or {@code torch}. */
        public String prefix() {
            return name().toLowerCase(Locale.ROOT);
        }

        public String extension() {
            return extension;
        }
    }

    private static final Pattern SPEC = Pattern.compile("(java|torch):(.*?)(?::([^:/\\\\]*=.*))?");

    /**
     * A file spec split into its parts, before the file is read.
     *
     * @param kind the language
     * @param path the file, absolute and normalized
     * @param options the options as written ({@code java:} inits only)
     */
    public record Parsed(Kind kind, Path path, Map<String, String> options) {
        /** The file's name without its extension, e.g. {@code my_init}: what run and cell names use. */
        public String stem() {
            String name = path.getFileName().toString();
            return name.substring(0, name.length() - kind.extension().length());
        }

        /** The spec with the absolute path: {@code torch:/abs/my_init.py}, {@code java:/abs/MyInit.java:k=v}. */
        public String spec() {
            return InitSpec.format(kind.prefix() + ":" + path, options);
        }
    }

    /** Whether {@code spec} names a file init ({@code java:} or {@code torch:}). */
    public static boolean isFileSpec(String spec) {
        String s = spec == null ? "" : spec.strip();
        return s.startsWith("java:") || s.startsWith("torch:");
    }

    /** Splits a file spec; the path must end in the language's extension (else bad input). */
    public static Parsed parse(String spec) {
        Matcher m = SPEC.matcher(spec.strip());
        if (!m.matches()) {
            throw new BadInputException("malformed init spec '" + spec + "': expected java:PATH.java[:key=value,...]"
                    + " or torch:PATH.py");
        }
        Kind kind = Kind.valueOf(m.group(1).toUpperCase(Locale.ROOT));
        String file = m.group(2);
        if (!file.endsWith(kind.extension()) || file.length() == kind.extension().length()) {
            throw new BadInputException("malformed init spec '" + spec + "': a " + kind.prefix() + ": init names a "
                    + kind.extension() + " file, e.g. " + kind.prefix() + ":my_init" + kind.extension());
        }
        Map<String, String> options = m.group(3) == null ? Map.of()
                : InitSpec.parse("file:" + m.group(3)).options();
        return new Parsed(kind, Path.of(file).toAbsolutePath().normalize(), options);
    }

    /** Reads and hashes the file; a missing or unreadable file is bad input. */
    static InitFile read(Kind kind, Path path) {
        requireFile(path);
        return new InitFile(kind, path, sha256(path));
    }

    /** Bad input unless {@code path} is a regular file. */
    public static void requireFile(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new BadInputException("init file " + path + " does not exist");
        }
    }

    /** The hex SHA-256 of a file's bytes. */
    public static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new BadInputException("init file " + file + ": cannot read: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 not available", e);
        }
    }

    /** The spec's id part: {@code torch:/abs/path/my_init.py}. */
    public String id() {
        return kind.prefix() + ":" + path;
    }

    /** The file's name, e.g. {@code my_init.py}. */
    public String fileName() {
        return path.getFileName().toString();
    }
}
