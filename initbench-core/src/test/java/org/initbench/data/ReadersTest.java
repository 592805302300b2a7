package org.initbench.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.initbench.BadInputException;
import org.initbench.testkit.FakeData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadersTest {

    @TempDir
    Path dir;

    @Test
    void idxGzAndRawRoundTrip() {
        byte[] px = FakeData.randomBytes(5 * 28 * 28, 1);
        int[] labels = {3, 0, 9, 1, 1};
        for (String ext : List.of(".gz", "")) {
            Path im = FakeData.writeIdxImages(dir.resolve("im" + ext), px, 5, 28, 28);
            Path lb = FakeData.writeIdxLabels(dir.resolve("lb" + ext), labels);
            ImageSet s = IdxReader.read(im, lb, 10);
            assertThat(s.size()).isEqualTo(5);
            assertThat(s.channels()).isEqualTo(1);
            assertThat(s.height()).isEqualTo(28);
            assertThat(s.pixels()).isEqualTo(px);
            assertThat(s.labels()).containsExactly(labels);
        }
    }

    @Test
    void idxBigEndianHeaderIsRead() {
        byte[] px = FakeData.randomBytes(2 * 3 * 4, 2);
        IdxReader.Images im = IdxReader.readImages(FakeData.writeIdxImages(dir.resolve("a"), px, 2, 3, 4));
        assertThat(im.count()).isEqualTo(2);
        assertThat(im.rows()).isEqualTo(3);
        assertThat(im.cols()).isEqualTo(4);
    }

    @Test
    void idxTruncatedIsRejected() {
        byte[] full = FakeData.idxImages(FakeData.randomBytes(4 * 784, 3), 4, 28, 28);
        Path raw = FakeData.write(dir.resolve("t-images"), Arrays.copyOf(full, full.length - 10));
        assertThatThrownBy(() -> IdxReader.readImages(raw))
                .isInstanceOf(BadInputException.class).hasMessageContaining(raw.toString()).hasMessageContaining("truncated");
        Path gz = FakeData.write(dir.resolve("t-images.gz"), Arrays.copyOf(full, full.length - 10));
        assertThatThrownBy(() -> IdxReader.readImages(gz)).hasMessageContaining("truncated");
        Path header = FakeData.write(dir.resolve("h"), new byte[] {0, 0, 8});
        assertThatThrownBy(() -> IdxReader.readImages(header)).hasMessageContaining("truncated");
    }

    @Test
    void idxTruncatedGzipStreamIsRejected() throws Exception {
        Path gz = FakeData.writeIdxImages(dir.resolve("x.gz"), FakeData.randomBytes(20 * 784, 4), 20, 28, 28);
        byte[] b = Files.readAllBytes(gz);
        Files.write(gz, Arrays.copyOf(b, b.length / 2));
        assertThatThrownBy(() -> IdxReader.readImages(gz))
                .isInstanceOf(BadInputException.class).hasMessageContaining(gz.toString());
    }

    @Test
    void idxCorruptGzipIsRejected() throws Exception {
        Path gz = dir.resolve("c.gz");
        Files.write(gz, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        assertThatThrownBy(() -> IdxReader.readImages(gz))
                .isInstanceOf(BadInputException.class).hasMessageContaining(gz.toString());
    }

    @Test
    void idxExtraBytesAreRejected() {
        byte[] full = FakeData.idxLabels(new int[] {1, 2});
        Path p = FakeData.write(dir.resolve("l"), Arrays.copyOf(full, full.length + 3));
        assertThatThrownBy(() -> IdxReader.readLabels(p)).hasMessageContaining("extra bytes");
    }

    @Test
    void idxWrongMagicIsRejected() {
        Path labels = FakeData.writeIdxLabels(dir.resolve("labels"), new int[] {1});
        assertThatThrownBy(() -> IdxReader.readImages(labels))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("wrong magic number 2049 (a label file), expected 2051");
    }

    @Test
    void idxCountMismatchAndLabelRangeAreRejected() {
        Path im = FakeData.writeIdxImages(dir.resolve("im"), new byte[3 * 4], 3, 2, 2);
        Path two = FakeData.writeIdxLabels(dir.resolve("two"), new int[] {1, 2});
        assertThatThrownBy(() -> IdxReader.read(im, two, 10)).hasMessageContaining("3 images but");
        Path bad = FakeData.writeIdxLabels(dir.resolve("bad"), new int[] {1, 2, 10});
        assertThatThrownBy(() -> IdxReader.read(im, bad, 10))
                .hasMessageContaining(bad.toString()).hasMessageContaining("label 10 of item 2 outside 0..9");
    }

    @Test
    void idxMissingFile() {
        assertThatThrownBy(() -> IdxReader.readImages(dir.resolve("nope.gz"))).hasMessageContaining("not found");
    }

    @Test
    void cifar10ReadsRecordsInOrderAcrossFiles() {
        byte[] px1 = FakeData.randomBytes(3 * 3072, 5);
        byte[] px2 = FakeData.randomBytes(2 * 3072, 6);
        Path a = FakeData.write(dir.resolve("a.bin"), FakeData.cifar10(new int[] {9, 0, 4}, px1));
        Path b = FakeData.write(dir.resolve("b.bin"), FakeData.cifar10(new int[] {2, 7}, px2));
        ImageSet s = CifarReader.readCifar10(List.of(a, b));
        assertThat(s.labels()).containsExactly(9, 0, 4, 2, 7);
        assertThat(s.channels()).isEqualTo(3);
        assertThat(Arrays.copyOfRange(s.pixels(), 0, 3 * 3072)).isEqualTo(px1);
        assertThat(Arrays.copyOfRange(s.pixels(), 3 * 3072, 5 * 3072)).isEqualTo(px2);
    }

    @Test
    void cifar100FineByDefaultCoarseOnRequest() {
        byte[] px = FakeData.randomBytes(2 * 3072, 7);
        Path f = FakeData.write(dir.resolve("train.bin"), FakeData.cifar100(new int[] {19, 3}, new int[] {99, 15}, px));
        ImageSet fine = CifarReader.readCifar100(f);
        assertThat(fine.labels()).containsExactly(99, 15);
        assertThat(fine.numClasses()).isEqualTo(100);
        assertThat(fine.pixels()).isEqualTo(px);
        ImageSet coarse = CifarReader.readCifar100(f, true);
        assertThat(coarse.labels()).containsExactly(19, 3);
        assertThat(coarse.numClasses()).isEqualTo(20);
    }

    @Test
    void cifarLengthMustBeMultipleOfRecord() {
        byte[] rec = FakeData.cifar10(new int[] {1, 2}, new byte[2 * 3072]);
        Path p = FakeData.write(dir.resolve("short.bin"), Arrays.copyOf(rec, rec.length - 1));
        assertThatThrownBy(() -> CifarReader.readCifar10(List.of(p)))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(p.toString()).hasMessageContaining("multiple of the 3073-byte record");
        Path c10 = FakeData.write(dir.resolve("c10.bin"), rec);
        assertThatThrownBy(() -> CifarReader.readCifar100(c10)).hasMessageContaining("3074-byte");
        Path empty = FakeData.write(dir.resolve("empty.bin"), new byte[0]);
        assertThatThrownBy(() -> CifarReader.readCifar10(List.of(empty))).isInstanceOf(BadInputException.class);
    }

    @Test
    void cifarLabelOutOfRange() {
        Path p = FakeData.write(dir.resolve("x.bin"), FakeData.cifar10(new int[] {10}, new byte[3072]));
        assertThatThrownBy(() -> CifarReader.readCifar10(List.of(p))).hasMessageContaining("label 10 of record 0");
    }

    @Test
    void datasetNameParse() {
        assertThat(DatasetName.parse("fashion-mnist")).isEqualTo(DatasetName.FASHION_MNIST);
        assertThat(DatasetName.CIFAR100.numClasses()).isEqualTo(100);
        assertThat(DatasetName.MNIST.imageSize()).isEqualTo(28);
        assertThatThrownBy(() -> DatasetName.parse("x"))
                .isInstanceOf(BadInputException.class)
                .hasMessage("unknown dataset 'x'; valid: cifar10, cifar100, fashion-mnist, mnist");
    }
}
