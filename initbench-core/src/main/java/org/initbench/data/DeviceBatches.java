package org.initbench.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A split resident on the compute device, batched and augmented there: for a GPU run, no batch
 * crosses from the host to the device.
 *
 * <p>{@link #upload} copies the split once: its raw pixels as uint8, each image already zero-padded
 * to 40x40 (28x28 images centred as {@link BatchLoader} pads them, plus the crop padding of 4), its
 * labels as int64, and the per-channel normalization table of {@link BatchLoader} (256 floats per
 * channel, computed on the host). A pass draws its order, crop offsets and flips on the host with
 * {@link BatchLoader}'s own code ({@link BatchLoader#plan}) and uploads them once (two int64 values
 * per image); each batch is then a handful of device ops: one gather of the cropped and flipped
 * pixels through a computed index, one gather through the normalization table, and a slice of the
 * reordered labels. Gathers copy values, so the batches equal {@link BatchLoader}'s bit for bit
 * (same images, labels, order, crops and flips for the same seed and epoch).
 *
 * <p>Device memory: 1,600 bytes per image and channel (CIFAR-10 train: 240 MB); the batch
 * intermediates live in the manager the batch is materialized into.
 */
public final class DeviceBatches implements AutoCloseable {
    /** Side of the stored, padded images. */
    static final int PADDED = HostBatch.SIDE + 2 * BatchLoader.CROP_PADDING;
    private static final int PLANE = PADDED * PADDED;
    static final int UPLOAD_CHUNK = 8192;

    private final NDManager manager;
    private final int size;
    private final int channels;
    private final NDArray pixels;
    private final NDArray labels;
    private final NDArray lut;
    private final NDArray lutOffsets;
    private final NDArray rowOffsets;
    private final NDArray columns;

    private DeviceBatches(NDManager manager, ImageSet set, ChannelStats stats) {
        this.manager = manager;
        this.size = set.size();
        this.channels = set.channels();
        this.pixels = uploadPixels(manager, set);
        this.labels = manager.create(java.util.Arrays.stream(set.labels()).asLongStream().toArray());
        float[][] table = BatchLoader.lut(stats);
        float[] flat = new float[channels * 256];
        long[] lutOff = new long[channels];
        long[] rows = new long[channels * HostBatch.SIDE];
        for (int c = 0; c < channels; c++) {
            System.arraycopy(table[c], 0, flat, c * 256, 256);
            lutOff[c] = c * 256L;
            for (int y = 0; y < HostBatch.SIDE; y++) {
                rows[c * HostBatch.SIDE + y] = (long) c * PLANE + (long) y * PADDED;
            }
        }
        long[] xs = new long[HostBatch.SIDE];
        for (int x = 0; x < xs.length; x++) {
            xs[x] = x;
        }
        this.lut = manager.create(flat);
        this.lutOffsets = manager.create(lutOff, new Shape(1, channels, 1, 1));
        this.rowOffsets = manager.create(rows, new Shape(1, channels, HostBatch.SIDE, 1));
        this.columns = manager.create(xs, new Shape(1, 1, 1, HostBatch.SIDE));
    }

    /**
     * Copies {@code set} to {@code manager}'s device; the arrays belong to a sub-manager that {@link
     * #close()} frees.
     *
     * @param stats normalization statistics (of the training split)
     */
    public static DeviceBatches upload(ImageSet set, ChannelStats stats, NDManager manager) {
        if (stats.channels() != set.channels()) {
            throw new IllegalArgumentException("stats have " + stats.channels() + " channels, images "
                    + set.channels());
        }
        if (set.height() > HostBatch.SIDE || set.width() > HostBatch.SIDE || (HostBatch.SIDE - set.height()) % 2 != 0
                || (HostBatch.SIDE - set.width()) % 2 != 0) {
            throw new IllegalArgumentException("cannot pad " + set.height() + "x" + set.width() + " images to 32x32");
        }
        NDManager own = manager.newSubManager();
        try {
            return new DeviceBatches(own, set, stats);
        } catch (RuntimeException e) {
            own.close();
            throw e;
        }
    }

    /** Raw pixels, each image zero-padded to 40x40, uploaded in chunks (bounded host memory). */
    private static NDArray uploadPixels(NDManager m, ImageSet set) {
        int c = set.channels();
        int h = set.height();
        int w = set.width();
        int top = BatchLoader.CROP_PADDING + (HostBatch.SIDE - h) / 2;
        int left = BatchLoader.CROP_PADDING + (HostBatch.SIDE - w) / 2;
        byte[] src = set.pixels();
        List<NDArray> chunks = new ArrayList<>();
        for (int start = 0; start < Math.max(set.size(), 1); start += UPLOAD_CHUNK) {
            int count = Math.min(UPLOAD_CHUNK, set.size() - start);
            byte[] padded = new byte[count * c * PLANE];
            for (int i = 0; i < count; i++) {
                int base = (start + i) * set.imageBytes();
                for (int ch = 0; ch < c; ch++) {
                    for (int y = 0; y < h; y++) {
                        System.arraycopy(src, base + (ch * h + y) * w, padded,
                                (i * c + ch) * PLANE + (top + y) * PADDED + left, w);
                    }
                }
            }
            chunks.add(m.create(ByteBuffer.wrap(padded), new Shape(count, c, PADDED, PADDED), DataType.UINT8));
        }
        if (chunks.size() == 1) {
            return chunks.get(0);
        }
        NDArray all = NDArrays.concat(new NDList(chunks), 0);
        chunks.forEach(NDArray::close);
        return all;
    }

    /** Number of images. */
    public int size() {
        return size;
    }

    /** Shuffled, augmented batches of one epoch, equal to {@link BatchLoader#training}'s. */
    public BatchSource training(int batchSize, long seed, int epoch) {
        return new Pass(BatchLoader.plan(size, positive(batchSize), true, BatchLoader.mix(seed, epoch)));
    }

    /** Batches in split order without augmentation, equal to {@link BatchLoader#evaluation}'s. */
    public BatchSource evaluation(int batchSize) {
        return new Pass(BatchLoader.plan(size, positive(batchSize), false, 0L));
    }

    private static int positive(int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        return batchSize;
    }

    @Override
    public void close() {
        manager.close();
    }

    /**
     * One pass: per image, {@code base = order·C·40² + dy·40 + dx (+ 31 if flipped)} and {@code sign =
     * ±1}, so that output pixel (c, y, x) reads stored element {@code base + c·40² + y·40 + sign·x}:
     * RandomCrop's window at (dy, dx), mirrored after the crop when flipped.
     */
    private final class Pass implements BatchSource {
        private final BatchLoader.Plan plan;
        private final NDManager passManager;
        private final NDArray base;
        private final NDArray sign;
        private final NDArray passLabels;
        private int next;

        Pass(BatchLoader.Plan plan) {
            this.plan = plan;
            int used = Math.min(size, plan.batchCount() * plan.batchSize());
            long[] b = new long[used];
            long[] s = new long[used];
            long[] order = new long[used];
            for (int i = 0; i < used; i++) {
                boolean flip = plan.flip()[i];
                order[i] = plan.order()[i];
                b[i] = order[i] * channels * PLANE + (long) plan.dy()[i] * PADDED + plan.dx()[i]
                        + (flip ? HostBatch.SIDE - 1 : 0);
                s[i] = flip ? -1 : 1;
            }
            this.passManager = manager.newSubManager();
            if (used == 0) {
                base = null;
                sign = null;
                passLabels = null;
                return;
            }
            this.base = passManager.create(b);
            this.sign = passManager.create(s);
            this.passLabels = labels.take(passManager, passManager.create(order));
        }

        @Override
        public int batchCount() {
            return plan.batchCount();
        }

        @Override
        public boolean hasNext() {
            return next < plan.batchCount();
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException("no more batches");
            }
            int b = next++;
            int start = b * plan.batchSize();
            int n = plan.size(b);
            return new Batch() {
                @Override
                public int size() {
                    return n;
                }

                @Override
                public NDList arrays(NDManager m) {
                    NDIndex range = new NDIndex("{}:{}", start, start + n);
                    Shape perImage = new Shape(n, 1, 1, 1);
                    NDArray index = sign.get(m, range).reshape(perImage).mul(columns)
                            .add(base.get(m, range).reshape(perImage)).add(rowOffsets);
                    NDArray raw = pixels.take(m, index);
                    NDArray x = lut.take(m, raw.toType(DataType.INT64, false).add(lutOffsets));
                    return new NDList(BatchInput.inMemoryFormat(x), passLabels.get(m, range));
                }
            };
        }

        @Override
        public void close() {
            passManager.close();
        }
    }
}
