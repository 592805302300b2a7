package org.initbench.data;

import ai.djl.ndarray.NDManager;

/**
 * Where a run's batches come from: the host pipeline ({@link BatchLoader} on a background thread,
 * for the CPU) or the train and test splits resident on the compute device ({@link DeviceBatches},
 * for a GPU: no per-batch host-to-device copies). Both give the same batches for the same seed and
 * epoch.
 */
public final class SplitFeed implements AutoCloseable {
    private final ImageSet train;
    private final ImageSet test;
    private final ChannelStats stats;
    /** Both splits on the compute device, or null when the host prepares the batches. */
    private final OnDevice onDevice;

    private record OnDevice(DeviceBatches train, DeviceBatches test) {}

    private SplitFeed(ImageSet train, ImageSet test, ChannelStats stats, OnDevice onDevice) {
        this.train = train;
        this.test = test;
        this.stats = stats;
        this.onDevice = onDevice;
    }

    /**
     * @param resident upload both splits to {@code manager}'s device ({@link DeviceBatches}), else
     *     prepare batches on the host
     * @param stats normalization statistics of the training split
     */
    public static SplitFeed open(boolean resident, ImageSet train, ImageSet test, ChannelStats stats,
            NDManager manager) {
        if (!resident) {
            return new SplitFeed(train, test, stats, null);
        }
        DeviceBatches tr = DeviceBatches.upload(train, stats, manager);
        try {
            return new SplitFeed(train, test, stats, new OnDevice(tr, DeviceBatches.upload(test, stats, manager)));
        } catch (RuntimeException e) {
            tr.close();
            throw e;
        }
    }

    /** {@code "device"} when the splits live on the compute device, else {@code "host"}. */
    public String placement() {
        return onDevice != null ? "device" : "host";
    }

    /** The shuffled, augmented training batches of {@code epoch}. */
    public BatchSource training(int batchSize, long seed, int epoch) {
        return onDevice != null ? onDevice.train().training(batchSize, seed, epoch)
                : BatchLoader.training(train, stats, batchSize, seed, epoch);
    }

    /** The test split in order, without augmentation. */
    public BatchSource evaluation(int batchSize) {
        return onDevice != null ? onDevice.test().evaluation(batchSize)
                : BatchLoader.evaluation(test, stats, batchSize);
    }

    @Override
    public void close() {
        if (onDevice != null) {
            onDevice.train().close();
            onDevice.test().close();
        }
    }
}
