package org.initbench.data;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Produces batches on a background (daemon) thread into a small bounded queue so training never
 * waits for data.
 *
 * <p>Every image becomes 32x32: stored 28x28 images are zero-padded by 2 on each side (pad value =
 * raw pixel 0). Normalization: {@code (pixel/255 - mean[c]) / std[c]} through a 256-entry float
 * lookup table per channel.
 *
 * <p>Training mode: all randomness of epoch {@code e} comes from {@code new SplittableRandom(mix(seed,
 * e))}, used in this order: a Fisher-Yates permutation of the split, then per image (in batch order)
 * the crop offsets {@code dy = nextInt(9)}, {@code dx = nextInt(9)} and the flip
 * {@code nextDouble() < 0.5}. RandomCrop(32, padding 4) takes output pixel (y, x) from the 40x40
 * zero-padded image at (y + dy, x + dx), zero fill = raw pixel 0 (after normalization
 * {@code (0 - mean)/std}); the horizontal flip is applied after the crop. The last partial batch is
 * kept (PyTorch {@code drop_last=False}) unless it holds a single image (dropped: BN cannot train on
 * one). Evaluation mode: split order, no augmentation, last partial batch kept.
 *
 * <p>Exceptions in the producer are rethrown from {@link #next()}; {@link #close()} stops the producer
 * promptly.
 */
public final class BatchLoader implements Iterator<HostBatch>, BatchSource {

    /** Output side length. */
    public static final int SIDE = HostBatch.SIDE;
    /** RandomCrop padding. */
    public static final int CROP_PADDING = 4;
    private static final int QUEUE_CAPACITY = 3;
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final ImageSet set;
    private final float[][] lut;
    private final int batchSize;
    private final boolean training;
    private final long rngSeed;
    private final int batchCount;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread producer;
    private volatile boolean closed;
    private int delivered;

    /** Test hook: called by the producer before each batch with the batch index. */
    interface Hook {
        void beforeBatch(int index);
    }

    private final Hook hook;

    private BatchLoader(ImageSet set, ChannelStats stats, int batchSize, boolean training, long rngSeed, Hook hook) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        if (stats.channels() != set.channels()) {
            throw new IllegalArgumentException("stats have " + stats.channels() + " channels, images "
                    + set.channels());
        }
        if (set.height() > SIDE || set.width() > SIDE || (SIDE - set.height()) % 2 != 0
                || (SIDE - set.width()) % 2 != 0) {
            throw new IllegalArgumentException("cannot pad " + set.height() + "x" + set.width() + " images to 32x32");
        }
        this.set = set;
        this.lut = lut(stats);
        this.batchSize = batchSize;
        this.training = training;
        this.rngSeed = rngSeed;
        this.hook = hook;
        this.batchCount = batchCount(set.size(), batchSize, training);
        this.producer = new Thread(this::produce, "initbench-batches-" + THREADS.incrementAndGet());
        producer.setDaemon(true);
        producer.start();
    }

    /** Shuffled, augmented batches of one epoch; see the class comment. */
    public static BatchLoader training(ImageSet set, ChannelStats stats, int batchSize, long seed, int epoch) {
        return new BatchLoader(set, stats, batchSize, true, mix(seed, epoch), null);
    }

    /** Batches in split order without augmentation. */
    public static BatchLoader evaluation(ImageSet set, ChannelStats stats, int batchSize) {
        return new BatchLoader(set, stats, batchSize, false, 0L, null);
    }

    static BatchLoader withHook(ImageSet set, ChannelStats stats, int batchSize, boolean training, long seed,
                                int epoch, Hook hook) {
        return new BatchLoader(set, stats, batchSize, training, mix(seed, epoch), hook);
    }

    /** The per-epoch RNG seed: a SplitMix64 finalizer of seed and epoch. */
    public static long mix(long seed, int epoch) {
        long z = seed * 0x9E3779B97F4A7C15L + (epoch + 1L) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Number of batches this loader yields. */
    public int batchCount() {
        return batchCount;
    }

    @Override
    public boolean hasNext() {
        return delivered < batchCount && !closed;
    }

    @Override
    public HostBatch next() {
        if (!hasNext()) {
            throw new NoSuchElementException(closed ? "batch loader closed" : "no more batches");
        }
        Object o;
        try {
            o = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batch", e);
        }
        if (o instanceof Failure f) {
            closed = true;
            Throwable t = f.error();
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error er) {
                throw er;
            }
            throw new IllegalStateException("batch producer failed: " + t, t);
        }
        delivered++;
        return (HostBatch) o;
    }

    @Override
    public void close() {
        closed = true;
        producer.interrupt();
        try {
            producer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        queue.clear();
    }

    private record Failure(Throwable error) {}

    /**
     * The order, crop offsets and flips of one pass, drawn exactly as the class comment says; shared
     * with {@link DeviceBatches}, which must reproduce this loader's batches. Evaluation: split order,
     * offsets (4, 4) (no crop), no flip.
     *
     * @param order image index per position; positions past {@code batchCount} batches are unused
     * @param dy crop row offset per position (0..8)
     * @param dx crop column offset per position (0..8)
     * @param flip horizontal flip per position
     */
    record Plan(int[] order, int[] dy, int[] dx, boolean[] flip, int batchCount, int batchSize) {
        /** Number of images in batch {@code b}. */
        int size(int b) {
            return Math.min(batchSize, order.length - b * batchSize);
        }
    }

    /** The number of batches of a pass over {@code n} images (see the class comment). */
    static int batchCount(int n, int batchSize, boolean training) {
        int rem = n % batchSize;
        return n / batchSize + (training ? (rem >= 2 ? 1 : 0) : (rem > 0 ? 1 : 0));
    }

    /** Draws the plan of a pass: {@code rngSeed} is {@link #mix}(seed, epoch); ignored for evaluation. */
    static Plan plan(int n, int batchSize, boolean training, long rngSeed) {
        int batches = batchCount(n, batchSize, training);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int[] dy = new int[n];
        int[] dx = new int[n];
        boolean[] flip = new boolean[n];
        if (!training) {
            Arrays.fill(dy, CROP_PADDING);
            Arrays.fill(dx, CROP_PADDING);
            return new Plan(order, dy, dx, flip, batches, batchSize);
        }
        SplittableRandom rng = new SplittableRandom(rngSeed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int used = Math.min(n, batches * batchSize);
        for (int i = 0; i < used; i++) {
            dy[i] = rng.nextInt(2 * CROP_PADDING + 1);
            dx[i] = rng.nextInt(2 * CROP_PADDING + 1);
            flip[i] = rng.nextDouble() < 0.5;
        }
        return new Plan(order, dy, dx, flip, batches, batchSize);
    }

    private void produce() {
        try {
            int n = set.size();
            Plan plan = plan(n, batchSize, training, rngSeed);
            int[] order = plan.order();
            int c = set.channels();
            int per = c * SIDE * SIDE;
            for (int b = 0; b < batchCount && !closed; b++) {
                if (hook != null) {
                    hook.beforeBatch(b);
                }
                int start = b * batchSize;
                int size = Math.min(batchSize, n - start);
                float[] images = new float[size * per];
                int[] labels = new int[size];
                for (int k = 0; k < size; k++) {
                    int i = start + k;
                    labels[k] = set.labels()[order[i]];
                    render(set, order[i], lut, plan.dy()[i], plan.dx()[i], plan.flip()[i], images, k * per);
                }
                HostBatch batch = new HostBatch(images, labels, size, c);
                while (!queue.offer(batch, 50, TimeUnit.MILLISECONDS)) {
                    if (closed) {
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            // closed
        } catch (Throwable t) {
            Failure f = new Failure(t);
            try {
                while (!closed && !queue.offer(f, 50, TimeUnit.MILLISECONDS)) {
                    // batches produced before the failure are delivered first
                }
            } catch (InterruptedException e) {
                // closed
            }
        }
    }

    static float[][] lut(ChannelStats stats) {
        double[] mean = stats.mean();
        double[] std = stats.std();
        float[][] t = new float[mean.length][256];
        for (int c = 0; c < mean.length; c++) {
            for (int v = 0; v < 256; v++) {
                t[c][v] = (float) ((v / 255.0 - mean[c]) / std[c]);
            }
        }
        return t;
    }

    /**
     * Writes image {@code idx} as a normalized 32x32 CHW block at {@code out[offset..]}: pad to 32x32,
     * then take the 32x32 window at (dy, dx) of the image zero-padded by 4 (dy = dx = 4: no crop), then
     * mirror horizontally if {@code flip}.
     */
    static void render(ImageSet set, int idx, float[][] lut, int dy, int dx, boolean flip, float[] out,
                       int offset) {
        int h = set.height();
        int w = set.width();
        int padY = (SIDE - h) / 2;
        int padX = (SIDE - w) / 2;
        byte[] px = set.pixels();
        int base = idx * set.imageBytes();
        for (int c = 0; c < set.channels(); c++) {
            float[] t = lut[c];
            float zero = t[0];
            int src = base + c * h * w;
            int dst = offset + c * SIDE * SIDE;
            for (int y = 0; y < SIDE; y++) {
                int sy = y + dy - CROP_PADDING - padY;
                int row = dst + y * SIDE;
                if (sy < 0 || sy >= h) {
                    Arrays.fill(out, row, row + SIDE, zero);
                    continue;
                }
                int srow = src + sy * w;
                for (int x = 0; x < SIDE; x++) {
                    int sx = x + dx - CROP_PADDING - padX;
                    float v = sx < 0 || sx >= w ? zero : t[px[srow + sx] & 0xff];
                    out[row + (flip ? SIDE - 1 - x : x)] = v;
                }
            }
        }
    }
}
