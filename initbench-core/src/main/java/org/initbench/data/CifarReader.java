package org.initbench.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.initbench.BadInputException;

/**
 * Reads the CIFAR binary versions. CIFAR-10 record: 1 label byte (0-9) + 3072 pixel bytes (R, G, B
 * planes of 32x32, i.e. CHW). CIFAR-100 record: coarse label byte (0-19), fine label byte (0-99),
 * then 3072 pixel bytes; the fine label is used unless coarse labels are asked for. File length must
 * be a non-zero multiple of the record size.
 */
public final class CifarReader {

    /** Pixel bytes per image (3 x 32 x 32). */
    public static final int IMAGE_BYTES = 3 * 32 * 32;
    /** CIFAR-10 record size. */
    public static final int CIFAR10_RECORD = 1 + IMAGE_BYTES;
    /** CIFAR-100 record size. */
    public static final int CIFAR100_RECORD = 2 + IMAGE_BYTES;

    private CifarReader() {}

    /** Reads and concatenates CIFAR-10 batch files (in the given order). */
    public static ImageSet readCifar10(List<Path> files) {
        return readCifar10(files, FileDigests.Sink.NONE);
    }

    /** Reads a CIFAR-100 file with its fine (100-class) labels. */
    public static ImageSet readCifar100(Path file) {
        return readCifar100(file, false);
    }

    /** Reads a CIFAR-100 file with its coarse (20-superclass) labels if {@code coarse}, else fine labels. */
    public static ImageSet readCifar100(Path file, boolean coarse) {
        return readCifar100(file, coarse, FileDigests.Sink.NONE);
    }

    static ImageSet readCifar10(List<Path> files, FileDigests.Sink sink) {
        long total = 0;
        for (Path f : files) {
            total += records(f, CIFAR10_RECORD);
        }
        if (total * IMAGE_BYTES > Integer.MAX_VALUE - 64) {
            throw new BadInputException(files + ": too many records (" + total + ")");
        }
        byte[] pixels = new byte[(int) total * IMAGE_BYTES];
        int[] labels = new int[(int) total];
        int at = 0;
        for (Path f : files) {
            at = readRecords(f, CIFAR10_RECORD, 0, 10, pixels, labels, at, sink);
        }
        return new ImageSet(pixels, labels, 3, 32, 32, 10);
    }

    static ImageSet readCifar100(Path file, boolean coarse, FileDigests.Sink sink) {
        long n = records(file, CIFAR100_RECORD);
        if (n * IMAGE_BYTES > Integer.MAX_VALUE - 64) {
            throw new BadInputException(file + ": too many records (" + n + ")");
        }
        byte[] pixels = new byte[(int) n * IMAGE_BYTES];
        int[] labels = new int[(int) n];
        int classes = coarse ? 20 : 100;
        readRecords(file, CIFAR100_RECORD, coarse ? 0 : 1, classes, pixels, labels, 0, sink);
        return new ImageSet(pixels, labels, 3, 32, 32, classes);
    }

    /** Number of records in a file; throws if the length is not a positive multiple of the record size. */
    static long records(Path file, int recordSize) {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new BadInputException(file + ": file not found");
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read: " + e, e);
        }
        if (size == 0 || size % recordSize != 0) {
            throw new BadInputException(file + ": length " + size + " is not a positive multiple of the "
                    + recordSize + "-byte record size (truncated or not a CIFAR binary file)");
        }
        return size / recordSize;
    }

    private static int readRecords(Path file, int recordSize, int labelOffset, int numClasses, byte[] pixels,
                                   int[] labels, int at, FileDigests.Sink sink) {
        long n = records(file, recordSize);
        int headerBytes = recordSize - IMAGE_BYTES;
        try (FileDigests.Opened f = new FileDigests.Opened(file)) {
            InputStream in = f.content;
            byte[] header = new byte[headerBytes];
            for (long r = 0; r < n; r++) {
                if (in.readNBytes(header, 0, headerBytes) != headerBytes
                        || in.readNBytes(pixels, at * IMAGE_BYTES, IMAGE_BYTES) != IMAGE_BYTES) {
                    throw new BadInputException(file + ": truncated while reading record " + r);
                }
                int label = header[labelOffset] & 0xff;
                if (label >= numClasses) {
                    throw new BadInputException(file + ": label " + label + " of record " + r + " outside 0.."
                            + (numClasses - 1) + " (corrupt file or wrong dataset?)");
                }
                labels[at++] = label;
            }
            sink.accept(file, f.finish());
            return at;
        } catch (IOException e) {
            throw IdxReader.ioFailure(file, e);
        }
    }
}
