package org.initbench.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.initbench.testkit.FakeData;
import org.junit.jupiter.api.Test;

/** Device-resident batches (here on the CPU device) equal the host loader's bit for bit. */
class DeviceBatchesTest {

    private static ImageSet set(int n, int c, int side, long seed) {
        return new ImageSet(FakeData.randomBytes(n * c * side * side, seed), FakeData.cyclicLabels(n, 10), c, side,
                side, 10);
    }

    private static List<HostBatch> host(BatchLoader loader) {
        List<HostBatch> out = new ArrayList<>();
        try (loader) {
            while (loader.hasNext()) {
                out.add(loader.next());
            }
        }
        return out;
    }

    /** Materializes every batch of the pass as host arrays, checking shapes, types and device. */
    private static List<HostBatch> device(BatchSource source, NDManager m, int channels) {
        List<HostBatch> out = new ArrayList<>();
        try (source) {
            int count = source.batchCount();
            while (source.hasNext()) {
                Batch b = source.next();
                try (NDManager step = m.newSubManager()) {
                    NDList arrays = b.arrays(step);
                    assertThat(arrays.get(0).getDataType()).isEqualTo(DataType.FLOAT32);
                    assertThat(arrays.get(0).getShape().getShape()).containsExactly(b.size(), channels, 32, 32);
                    assertThat(arrays.get(0).getDevice()).isEqualTo(m.getDevice());
                    assertThat(arrays.get(1).getDataType()).isEqualTo(DataType.INT64);
                    long[] y = arrays.get(1).toLongArray();
                    int[] labels = new int[y.length];
                    for (int i = 0; i < y.length; i++) {
                        labels[i] = Math.toIntExact(y[i]);
                    }
                    out.add(new HostBatch(arrays.get(0).toFloatArray(), labels, b.size(), channels));
                }
            }
            assertThat(out).hasSize(count);
            assertThatThrownBy(source::next).isInstanceOf(NoSuchElementException.class);
        }
        return out;
    }

    private static void assertSame(List<HostBatch> actual, List<HostBatch> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int b = 0; b < expected.size(); b++) {
            assertThat(actual.get(b).labels()).as("labels of batch %d", b).containsExactly(expected.get(b).labels());
            float[] a = actual.get(b).images();
            float[] e = expected.get(b).images();
            assertThat(a).hasSameSizeAs(e);
            for (int i = 0; i < e.length; i++) {
                if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(e[i])) {
                    throw new AssertionError("batch " + b + " element " + i + ": " + a[i] + " != " + e[i]);
                }
            }
        }
    }

    @Test
    void trainingBatchesEqualTheHostLoadersBitForBit() {
        // 28x28 grey (centred in 32x32) with a dropped single-image last batch; 32x32 RGB with a partial one
        ImageSet gray = set(41, 1, 28, 3);
        ImageSet rgb = set(37, 3, 32, 4);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            for (ImageSet s : List.of(gray, rgb)) {
                ChannelStats stats = ChannelStats.of(s);
                try (DeviceBatches d = DeviceBatches.upload(s, stats, m)) {
                    assertThat(d.size()).isEqualTo(s.size());
                    for (int epoch = 0; epoch < 3; epoch++) {
                        assertSame(device(d.training(8, 11, epoch), m, s.channels()),
                                host(BatchLoader.training(s, stats, 8, 11, epoch)));
                    }
                    assertSame(device(d.training(5, 12, 0), m, s.channels()),
                            host(BatchLoader.training(s, stats, 5, 12, 0)));
                }
            }
        }
    }

    @Test
    void evaluationBatchesEqualTheHostLoadersBitForBit() {
        ImageSet s = set(9, 1, 28, 5);
        ChannelStats stats = new ChannelStats(new double[] {0.3}, new double[] {0.2});
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                DeviceBatches d = DeviceBatches.upload(s, stats, m)) {
            List<HostBatch> got = device(d.evaluation(4), m, 1);
            assertThat(got).extracting(HostBatch::size).containsExactly(4, 4, 1);
            assertSame(got, host(BatchLoader.evaluation(s, stats, 4)));
        }
    }

    @Test
    void passesAreIndependentOfEachOtherAndOfMaterializationOrder() {
        ImageSet s = set(20, 3, 32, 6);
        ChannelStats stats = ChannelStats.of(s);
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                DeviceBatches d = DeviceBatches.upload(s, stats, m)) {
            List<HostBatch> first = device(d.training(6, 1, 2), m, 3);
            device(d.training(6, 1, 3), m, 3);
            assertSame(device(d.training(6, 1, 2), m, 3), first);
            assertThat(first.get(0).images()).isNotEqualTo(device(d.training(6, 1, 3), m, 3).get(0).images());
        }
    }

    @Test
    void uploadsInChunksAndFreesItsMemoryOnClose() {
        ImageSet s = set(DeviceBatches.UPLOAD_CHUNK + 3, 1, 28, 7);
        ChannelStats stats = ChannelStats.of(s);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            try (DeviceBatches d = DeviceBatches.upload(s, stats, m)) {
                assertSame(device(d.training(4096, 2, 0), m, 1), host(BatchLoader.training(s, stats, 4096, 2, 0)));
            }
            assertThat(m.getManagedArrays()).as("no array left on the caller's manager").isEmpty();
        }
    }

    @Test
    void refusesMismatchedStatsAndOversizedImages() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            ImageSet s = set(4, 3, 32, 1);
            assertThatThrownBy(() -> DeviceBatches.upload(s, new ChannelStats(new double[] {0}, new double[] {1}), m))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("channels");
            ImageSet big = new ImageSet(new byte[2 * 36 * 36], new int[2], 1, 36, 36, 10);
            assertThatThrownBy(() -> DeviceBatches.upload(big, new ChannelStats(new double[] {0}, new double[] {1}), m))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("36x36");
        }
    }
}
