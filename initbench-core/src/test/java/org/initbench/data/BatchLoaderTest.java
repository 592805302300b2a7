package org.initbench.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.initbench.testkit.FakeData;
import org.junit.jupiter.api.Test;

class BatchLoaderTest {

    /** Stats with mean 0, std 1: normalized value = raw / 255. */
    private static final ChannelStats UNIT1 = new ChannelStats(new double[] {0}, new double[] {1});

    private static ImageSet gray28(int n, long seed) {
        return new ImageSet(FakeData.randomBytes(n * 784, seed), FakeData.cyclicLabels(n, 10), 1, 28, 28, 10);
    }

    private static ImageSet rgb32(int n, long seed) {
        return new ImageSet(FakeData.randomBytes(n * 3072, seed), FakeData.cyclicLabels(n, 10), 3, 32, 32, 10);
    }

    private static List<HostBatch> drain(BatchLoader l) {
        List<HostBatch> out = new ArrayList<>();
        try (l) {
            while (l.hasNext()) {
                out.add(l.next());
            }
        }
        return out;
    }

    @Test
    void batchCountsKeepPartialButDropSingleImageInTraining() {
        ImageSet s10 = gray28(10, 1);
        ImageSet s9 = gray28(9, 1);
        ChannelStats st = ChannelStats.of(s10);
        assertThat(drain(BatchLoader.training(s10, st, 4, 1, 0))).extracting(HostBatch::size).containsExactly(4, 4, 2);
        assertThat(drain(BatchLoader.training(s9, st, 4, 1, 0))).extracting(HostBatch::size).containsExactly(4, 4);
        assertThat(BatchLoader.training(s9, st, 4, 1, 0).batchCount()).isEqualTo(2);
        assertThat(drain(BatchLoader.evaluation(s9, st, 4))).extracting(HostBatch::size).containsExactly(4, 4, 1);
        assertThat(drain(BatchLoader.training(s10, st, 5, 1, 0))).hasSize(2);
        assertThat(drain(BatchLoader.training(gray28(1, 3), st, 5, 1, 0))).isEmpty();
    }

    @Test
    void evaluationPadsAndNormalizes() {
        ImageSet s = gray28(3, 2);
        double mean = 0.3;
        double std = 0.2;
        ChannelStats st = new ChannelStats(new double[] {mean}, new double[] {std});
        List<HostBatch> b = drain(BatchLoader.evaluation(s, st, 2));
        HostBatch first = b.get(0);
        assertThat(first.channels()).isEqualTo(1);
        assertThat(first.labels()).containsExactly(0, 1);
        float pad = (float) ((0 - mean) / std);
        for (int k = 0; k < 2; k++) {
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    float v = first.images()[k * 1024 + y * 32 + x];
                    if (y < 2 || y >= 30 || x < 2 || x >= 30) {
                        assertThat(v).isEqualTo(pad);
                    } else {
                        int raw = s.pixels()[k * 784 + (y - 2) * 28 + (x - 2)] & 0xff;
                        assertThat(v).isCloseTo((float) ((raw / 255.0 - mean) / std), within(1e-6f));
                    }
                }
            }
        }
        assertThat(b.get(1).labels()).containsExactly(2);
    }

    @Test
    void cropAndFlipOnHandMadeImage() {
        // 1-channel 32x32 image with pixel (y, x) = y * 4 + (x % 4) + 1: distinct rows, non-zero
        byte[] px = new byte[1024];
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                px[y * 32 + x] = (byte) (y * 4 + (x % 4) + 1);
            }
        }
        ImageSet s = new ImageSet(px, new int[] {0}, 1, 32, 32, 1);
        float[][] lut = BatchLoader.lut(UNIT1);
        float[] out = new float[1024];
        // dy = 0, dx = 8: shifted up-left by... window starts 4 rows above and 4 cols right of the image
        BatchLoader.render(s, 0, lut, 0, 8, false, out, 0);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                int sy = y - 4;
                int sx = x + 4;
                float expected = sy < 0 || sx >= 32 ? 0f : lut[0][px[sy * 32 + sx] & 0xff];
                assertThat(out[y * 32 + x]).as("y=%d x=%d", y, x).isEqualTo(expected);
            }
        }
        float[] flipped = new float[1024];
        BatchLoader.render(s, 0, lut, 0, 8, true, flipped, 0);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                assertThat(flipped[y * 32 + x]).isEqualTo(out[y * 32 + 31 - x]);
            }
        }
        // centre window = identity
        float[] id = new float[1024];
        BatchLoader.render(s, 0, lut, 4, 4, false, id, 0);
        for (int i = 0; i < 1024; i++) {
            assertThat(id[i]).isEqualTo(lut[0][px[i] & 0xff]);
        }
    }

    @Test
    void cropOf28ImageCombinesPaddingAndCropPadding() {
        byte[] px = new byte[784];
        Arrays.fill(px, (byte) 255);
        ImageSet s = new ImageSet(px, new int[] {0}, 1, 28, 28, 1);
        float[] out = new float[1024];
        BatchLoader.render(s, 0, BatchLoader.lut(UNIT1), 8, 8, false, out, 0);
        // window at +4,+4 of the 32x32 padded image: image occupies rows/cols 0..25 of the output
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                assertThat(out[y * 32 + x]).isEqualTo(y < 26 && x < 26 ? 1f : 0f);
            }
        }
    }

    @Test
    void trainingBatchesAreAugmentationsOfTheSplitImages() {
        ImageSet s = rgb32(8, 5);
        ChannelStats st = ChannelStats.of(s);
        float[][] lut = BatchLoader.lut(st);
        List<HostBatch> batches = drain(BatchLoader.training(s, st, 3, 11, 2));
        int seen = 0;
        boolean[] used = new boolean[8];
        for (HostBatch b : batches) {
            for (int k = 0; k < b.size(); k++) {
                float[] img = Arrays.copyOfRange(b.images(), k * 3072, (k + 1) * 3072);
                boolean found = false;
                for (int idx = 0; idx < 8 && !found; idx++) {
                    if (s.labels()[idx] != b.labels()[k] || used[idx]) {
                        continue;
                    }
                    for (int dy = 0; dy <= 8 && !found; dy++) {
                        for (int dx = 0; dx <= 8 && !found; dx++) {
                            for (boolean flip : new boolean[] {false, true}) {
                                float[] cand = new float[3072];
                                BatchLoader.render(s, idx, lut, dy, dx, flip, cand, 0);
                                if (Arrays.equals(cand, img)) {
                                    found = true;
                                    used[idx] = true;
                                    break;
                                }
                            }
                        }
                    }
                }
                assertThat(found).as("batch image is a crop/flip of an unused split image").isTrue();
                seen++;
            }
        }
        assertThat(seen).isEqualTo(8); // batches 3, 3, 2
    }

    @Test
    void augmentationIsDeterministicPerSeedAndEpoch() {
        ImageSet s = gray28(50, 9);
        ChannelStats st = ChannelStats.of(s);
        List<HostBatch> a = drain(BatchLoader.training(s, st, 16, 7, 3));
        List<HostBatch> b = drain(BatchLoader.training(s, st, 16, 7, 3));
        List<HostBatch> c = drain(BatchLoader.training(s, st, 16, 7, 4));
        List<HostBatch> d = drain(BatchLoader.training(s, st, 16, 8, 3));
        assertThat(a).hasSize(4);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i).images()).isEqualTo(b.get(i).images());
            assertThat(a.get(i).labels()).isEqualTo(b.get(i).labels());
        }
        assertThat(a.get(0).images()).isNotEqualTo(c.get(0).images());
        assertThat(a.get(0).images()).isNotEqualTo(d.get(0).images());
        assertThat(BatchLoader.mix(7, 3)).isNotEqualTo(BatchLoader.mix(7, 4)).isNotEqualTo(BatchLoader.mix(8, 3));
    }

    @Test
    void flipAndCropFrequenciesAreSane() {
        // one bright column at x = 8: after the crop it lies at 4..12, after a flip at 19..27
        int n = 400;
        byte[] px = new byte[n * 1024];
        for (int i = 0; i < n; i++) {
            for (int y = 0; y < 32; y++) {
                px[i * 1024 + y * 32 + 8] = (byte) 255;
            }
        }
        ImageSet s = new ImageSet(px, new int[n], 1, 32, 32, 1);
        int flipped = 0;
        for (HostBatch b : drain(BatchLoader.training(s, UNIT1, 100, 1, 0))) {
            for (int k = 0; k < b.size(); k++) {
                int col = -1;
                for (int x = 0; x < 32; x++) {
                    if (b.images()[k * 1024 + 16 * 32 + x] == 1f) {
                        col = x;
                    }
                }
                assertThat(col).isBetween(4, 27);
                if (col >= 16) {
                    flipped++;
                }
            }
        }
        assertThat(flipped).isBetween(150, 250);
    }

    @Test
    void producerExceptionIsRethrownFromNext() {
        ImageSet s = gray28(10, 1);
        BatchLoader l = BatchLoader.withHook(s, ChannelStats.of(s), 2, true, 1, 0, i -> {
            if (i == 1) {
                throw new IllegalStateException("boom in producer");
            }
        });
        try (l) {
            assertThat(l.next().size()).isEqualTo(2);
            assertThatThrownBy(l::next).isInstanceOf(IllegalStateException.class).hasMessage("boom in producer");
        }
    }

    @Test
    void closeStopsTheProducerPromptly() throws Exception {
        ImageSet s = gray28(64, 1);
        CountDownLatch produced = new CountDownLatch(4);
        Thread[] producer = new Thread[1];
        BatchLoader l = BatchLoader.withHook(s, ChannelStats.of(s), 1, false, 0, 0, i -> {
            producer[0] = Thread.currentThread();
            produced.countDown();
        });
        assertThat(produced.await(5, TimeUnit.SECONDS)).isTrue(); // queue full, producer blocked
        long t0 = System.nanoTime();
        l.close();
        assertThat(System.nanoTime() - t0).isLessThan(2_000_000_000L);
        assertThat(producer[0].isAlive()).isFalse();
        assertThat(producer[0].isDaemon()).isTrue();
        assertThat(l.hasNext()).isFalse();
    }
}
