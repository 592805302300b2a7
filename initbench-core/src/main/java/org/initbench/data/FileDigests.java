package org.initbench.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import org.initbench.BadInputException;

/**
 * Digests of one file as read: SHA-256 and MD5 of the stored bytes, and MD5 of the content (the
 * decompressed bytes for a {@code .gz} file, else equal to {@code md5}).
 */
record FileDigests(String sha256, String md5, String contentMd5) {

    /** A sink receiving the digests of each file once it has been read completely. */
    @FunctionalInterface
    interface Sink {
        void accept(Path file, FileDigests digests);

        Sink NONE = (file, digests) -> { };
    }

    static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " not available", e);
        }
    }

    static String hex(MessageDigest d) {
        return HexFormat.of().formatHex(d.digest());
    }

    /** SHA-256 hex of a whole file. */
    static String sha256(Path file) {
        return of(file).sha256();
    }

    /** All digests of a whole file (content MD5 = stored MD5; no decompression). */
    static FileDigests of(Path file) {
        MessageDigest sha = digest("SHA-256");
        MessageDigest md5 = digest("MD5");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                sha.update(buf, 0, n);
                md5.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read: " + e, e);
        }
        String m = hex(md5);
        return new FileDigests(hex(sha), m, m);
    }

    /**
     * An open data file: {@link #content} yields the (decompressed) bytes; {@link #finish} drains the
     * stored bytes and reports the digests.
     */
    static final class Opened implements AutoCloseable {
        final Path file;
        final InputStream content;
        private final InputStream stored;
        private final MessageDigest sha = digest("SHA-256");
        private final MessageDigest md5 = digest("MD5");
        private final MessageDigest contentMd5 = digest("MD5");

        Opened(Path file) {
            this.file = file;
            try {
                InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                stored = new DigestInputStream(new DigestInputStream(raw, sha), md5);
                InputStream c = file.getFileName().toString().endsWith(".gz")
                        ? new GZIPInputStream(stored, 1 << 16) : stored;
                content = new BufferedInputStream(new DigestInputStream(c, contentMd5), 1 << 16);
            } catch (NoSuchFileException e) {
                throw new BadInputException(file + ": file not found");
            } catch (IOException e) {
                throw new BadInputException(file + ": cannot open (not a gzip file?): " + e.getMessage(), e);
            }
        }

        /** Drains what is left of the stored bytes and returns the digests. */
        FileDigests finish() throws IOException {
            byte[] buf = new byte[1 << 14];
            while (stored.read(buf) >= 0) {
                // drain so the stored-byte digests cover the whole file
            }
            return new FileDigests(hex(sha), hex(md5), hex(contentMd5));
        }

        @Override
        public void close() {
            try {
                content.close();
            } catch (IOException ignored) {
                // read-only stream
            }
        }
    }
}
