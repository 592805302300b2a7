package org.initbench.testkit;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Writes small fake datasets in the official file formats (IDX, gzipped or raw by the file name's
 * {@code .gz} suffix; CIFAR-10/100 binary; tar.gz archives). Labels are {@code i % numClasses} and
 * pixels seeded random unless given.
 */
public final class FakeData {

    private FakeData() {}

    /** Seeded random bytes. */
    public static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }

    /** Labels i % numClasses. */
    public static int[] cyclicLabels(int n, int numClasses) {
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            l[i] = i % numClasses;
        }
        return l;
    }

    /** IDX image file bytes (uncompressed). */
    public static byte[] idxImages(byte[] pixels, int count, int rows, int cols) {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bo)) {
            out.writeInt(0x803);
            out.writeInt(count);
            out.writeInt(rows);
            out.writeInt(cols);
            out.write(pixels);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bo.toByteArray();
    }

    /** IDX label file bytes (uncompressed). */
    public static byte[] idxLabels(int[] labels) {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bo)) {
            out.writeInt(0x801);
            out.writeInt(labels.length);
            for (int l : labels) {
                out.write(l);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bo.toByteArray();
    }

    /** Writes bytes, gzipped if the file name ends with ".gz"; creates parent directories. */
    public static Path write(Path file, byte[] content) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (file.getFileName().toString().endsWith(".gz")) {
                try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
                    out.write(content);
                }
            } else {
                Files.write(file, content);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes an IDX image file (gz by suffix). */
    public static Path writeIdxImages(Path file, byte[] pixels, int count, int rows, int cols) {
        return write(file, idxImages(pixels, count, rows, cols));
    }

    /** Writes an IDX label file (gz by suffix). */
    public static Path writeIdxLabels(Path file, int[] labels) {
        return write(file, idxLabels(labels));
    }

    /**
     * Writes the four MNIST-style files into {@code datasetDir} (e.g. root/fashion-mnist): 28x28
     * random images, cyclic labels over 10 classes.
     */
    public static Path writeIdxDataset(Path datasetDir, int train, int test, boolean gz, long seed) {
        String ext = gz ? ".gz" : "";
        writeIdxImages(datasetDir.resolve("train-images-idx3-ubyte" + ext), randomBytes(train * 784, seed), train, 28,
                28);
        writeIdxLabels(datasetDir.resolve("train-labels-idx1-ubyte" + ext), cyclicLabels(train, 10));
        writeIdxImages(datasetDir.resolve("t10k-images-idx3-ubyte" + ext), randomBytes(test * 784, seed + 1), test,
                28, 28);
        writeIdxLabels(datasetDir.resolve("t10k-labels-idx1-ubyte" + ext), cyclicLabels(test, 10));
        return datasetDir;
    }

    /** CIFAR-10 binary records: label byte + 3072 pixel bytes each. */
    public static byte[] cifar10(int[] labels, byte[] pixels) {
        byte[] out = new byte[labels.length * 3073];
        for (int i = 0; i < labels.length; i++) {
            out[i * 3073] = (byte) labels[i];
            System.arraycopy(pixels, i * 3072, out, i * 3073 + 1, 3072);
        }
        return out;
    }

    /** CIFAR-100 binary records: coarse byte, fine byte, 3072 pixel bytes each. */
    public static byte[] cifar100(int[] coarse, int[] fine, byte[] pixels) {
        byte[] out = new byte[fine.length * 3074];
        for (int i = 0; i < fine.length; i++) {
            out[i * 3074] = (byte) coarse[i];
            out[i * 3074 + 1] = (byte) fine[i];
            System.arraycopy(pixels, i * 3072, out, i * 3074 + 2, 3072);
        }
        return out;
    }

    /** Writes root-relative CIFAR-10 files: {@code datasetDir/cifar-10-batches-bin/...}, perBatch records each. */
    public static Path writeCifar10Dataset(Path datasetDir, int perBatch, int test, long seed) {
        Path d = datasetDir.resolve("cifar-10-batches-bin");
        for (int b = 1; b <= 5; b++) {
            write(d.resolve("data_batch_" + b + ".bin"),
                    cifar10(cyclicLabels(perBatch, 10), randomBytes(perBatch * 3072, seed + b)));
        }
        write(d.resolve("test_batch.bin"), cifar10(cyclicLabels(test, 10), randomBytes(test * 3072, seed)));
        return datasetDir;
    }

    /** Writes {@code datasetDir/cifar-100-binary/{train,test}.bin}; fine label i % 100, coarse fine / 5. */
    public static Path writeCifar100Dataset(Path datasetDir, int train, int test, long seed) {
        Path d = datasetDir.resolve("cifar-100-binary");
        for (String split : List.of("train", "test")) {
            int n = split.equals("train") ? train : test;
            int[] fine = cyclicLabels(n, 100);
            int[] coarse = new int[n];
            for (int i = 0; i < n; i++) {
                coarse[i] = fine[i] / 5;
            }
            write(d.resolve(split + ".bin"), cifar100(coarse, fine, randomBytes(n * 3072, seed + n)));
        }
        return datasetDir;
    }

    /** A tar entry to write: a file with content, a directory (content null), or a symlink (linkTarget). */
    public record TarItem(String name, byte[] content, String linkTarget) {
        public static TarItem file(String name, byte[] content) {
            return new TarItem(name, content, null);
        }

        public static TarItem dir(String name) {
            return new TarItem(name, null, null);
        }

        public static TarItem symlink(String name, String target) {
            return new TarItem(name, null, target);
        }
    }

    /** Writes a tar.gz with the given items, in order (names are written verbatim, even "../x"). */
    public static Path writeTarGz(Path file, List<TarItem> items) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(
                    new GzipCompressorOutputStream(Files.newOutputStream(file)))) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                for (TarItem it : items) {
                    TarArchiveEntry e;
                    if (it.linkTarget() != null) {
                        e = new TarArchiveEntry(it.name(), TarArchiveEntry.LF_SYMLINK, true);
                        e.setLinkName(it.linkTarget());
                    } else if (it.content() == null) {
                        e = new TarArchiveEntry(it.name().endsWith("/") ? it.name() : it.name() + "/", true);
                    } else {
                        e = new TarArchiveEntry(it.name(), true);
                        e.setSize(it.content().length);
                    }
                    tar.putArchiveEntry(e);
                    if (it.content() != null) {
                        tar.write(it.content());
                    }
                    tar.closeArchiveEntry();
                }
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads every regular file under dir into a map keyed by '/'-separated relative path. */
    public static Map<String, byte[]> readTree(Path dir) {
        try (var s = Files.walk(dir)) {
            Map<String, byte[]> m = new java.util.TreeMap<>();
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
