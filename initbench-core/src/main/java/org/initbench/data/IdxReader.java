package org.initbench.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.zip.ZipException;
import org.initbench.BadInputException;

/**
 * Reads IDX files (MNIST / Fashion-MNIST), gzipped ({@code .gz}) or raw: big-endian uint32 header,
 * magic 2051 (images: count, rows, cols) or 2049 (labels: count), then unsigned bytes. Dimensions,
 * counts and exact lengths are checked; every problem throws a {@link BadInputException} naming the
 * file.
 */
public final class IdxReader {

    /** Magic number of an IDX3 unsigned-byte image file. */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an IDX1 unsigned-byte label file. */
    public static final int LABELS_MAGIC = 0x00000801;

    /** The content of an image file: count x rows x cols bytes, row-major. */
    public record Images(byte[] pixels, int count, int rows, int cols) {}

    private IdxReader() {}

    /** Reads an image file completely. */
    public static Images readImages(Path file) {
        return readImages(file, FileDigests.Sink.NONE);
    }

    /** Reads a label file completely (labels as 0..255). */
    public static int[] readLabels(Path file) {
        return readLabels(file, FileDigests.Sink.NONE);
    }

    /** Reads an image file and its label file into a 1-channel {@link ImageSet}. */
    public static ImageSet read(Path images, Path labels, int numClasses) {
        return read(images, labels, numClasses, FileDigests.Sink.NONE);
    }

    static ImageSet read(Path images, Path labels, int numClasses, FileDigests.Sink sink) {
        Images im = readImages(images, sink);
        int[] lb = readLabels(labels, sink);
        if (im.count() != lb.length) {
            throw new BadInputException(images + " holds " + im.count() + " images but " + labels + " holds "
                    + lb.length + " labels");
        }
        for (int i = 0; i < lb.length; i++) {
            if (lb[i] >= numClasses) {
                throw new BadInputException(labels + ": label " + lb[i] + " of item " + i + " outside 0.."
                        + (numClasses - 1) + " (corrupt file?)");
            }
        }
        return new ImageSet(im.pixels(), lb, 1, im.rows(), im.cols(), numClasses);
    }

    static Images readImages(Path file, FileDigests.Sink sink) {
        try (FileDigests.Opened f = new FileDigests.Opened(file)) {
            DataInputStream in = new DataInputStream(f.content);
            int magic = header(file, in);
            checkMagic(file, magic, IMAGES_MAGIC, "image");
            int count = header(file, in);
            int rows = header(file, in);
            int cols = header(file, in);
            if (count < 0 || rows <= 0 || cols <= 0) {
                throw new BadInputException(file + ": corrupt header (count " + count + ", rows " + rows + ", cols "
                        + cols + ")");
            }
            long len = (long) count * rows * cols;
            if (len > Integer.MAX_VALUE - 64) {
                throw new BadInputException(file + ": corrupt header: " + count + " x " + rows + " x " + cols
                        + " images is too large");
            }
            byte[] pixels = payload(file, in, (int) len, count + " images of " + rows + "x" + cols);
            sink.accept(file, f.finish());
            return new Images(pixels, count, rows, cols);
        } catch (IOException e) {
            throw ioFailure(file, e);
        }
    }

    static int[] readLabels(Path file, FileDigests.Sink sink) {
        try (FileDigests.Opened f = new FileDigests.Opened(file)) {
            DataInputStream in = new DataInputStream(f.content);
            int magic = header(file, in);
            checkMagic(file, magic, LABELS_MAGIC, "label");
            int count = header(file, in);
            if (count < 0) {
                throw new BadInputException(file + ": corrupt header (count " + count + ")");
            }
            byte[] raw = payload(file, in, count, count + " labels");
            sink.accept(file, f.finish());
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = raw[i] & 0xff;
            }
            return labels;
        } catch (IOException e) {
            throw ioFailure(file, e);
        }
    }

    private static int header(Path file, DataInputStream in) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new BadInputException(file + ": truncated (file ends inside the IDX header)");
        }
    }

    private static void checkMagic(Path file, int magic, int expected, String kind) {
        if (magic != expected) {
            String hint = magic == IMAGES_MAGIC ? " (an image file)" : magic == LABELS_MAGIC ? " (a label file)" : "";
            throw new BadInputException(file + ": wrong magic number " + magic + hint + ", expected " + expected
                    + " for an IDX " + kind + " file");
        }
    }

    private static byte[] payload(Path file, DataInputStream in, int len, String what) throws IOException {
        byte[] data = in.readNBytes(len);
        if (data.length != len) {
            throw new BadInputException(file + ": truncated: header declares " + what + " (" + len
                    + " bytes) but only " + data.length + " bytes follow");
        }
        if (in.read() >= 0) {
            throw new BadInputException(file + ": corrupt: extra bytes after the " + what + " declared in the header");
        }
        return data;
    }

    static BadInputException ioFailure(Path file, IOException e) {
        if (e instanceof EOFException) {
            return new BadInputException(file + ": truncated (unexpected end of compressed data)", e);
        }
        if (e instanceof ZipException) {
            return new BadInputException(file + ": corrupt gzip data: " + e.getMessage(), e);
        }
        return new BadInputException(file + ": cannot read: " + e, e);
    }
}
