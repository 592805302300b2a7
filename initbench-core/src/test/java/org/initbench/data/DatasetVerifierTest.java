package org.initbench.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.initbench.BadInputException;
import org.initbench.testkit.FakeData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetVerifierTest {

    @TempDir
    Path tmp;

    private static String md5(byte[] b) {
        var d = FileDigests.digest("MD5");
        d.update(b);
        return FileDigests.hex(d);
    }

    private static byte[] gunzip(Path p) throws IOException {
        try (var in = new GZIPInputStream(Files.newInputStream(p))) {
            return in.readAllBytes();
        }
    }

    @Test
    void idxStoredOrContentMd5IsAccepted() throws Exception {
        Path d = FakeData.writeIdxDataset(tmp.resolve("mnist"), 10, 5, true, 1);
        String img = "train-images-idx3-ubyte";
        Checksums official = new Checksums(
                Map.of(img + ".gz", md5(Files.readAllBytes(d.resolve(img + ".gz")))),
                Map.of("t10k-images-idx3-ubyte", md5(gunzip(d.resolve("t10k-images-idx3-ubyte.gz")))), Map.of());
        List<String> lines = DatasetVerifier.verifyDir(DatasetName.MNIST, d, official);
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).startsWith("mnist/train-images-idx3-ubyte.gz: 10 images 28x28, md5 ok (official file)");
        assertThat(lines.get(2)).contains("content md5 ok (re-compressed copy");
        assertThat(lines.get(1)).contains("no published md5");
        assertThat(lines.get(4)).startsWith("mnist: OK (4 files");

        Checksums wrong = new Checksums(Map.of(img + ".gz", "0".repeat(32)), Map.of(img, "1".repeat(32)), Map.of());
        assertThatThrownBy(() -> DatasetVerifier.verifyDir(DatasetName.MNIST, d, wrong))
                .isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("mnist/train-images-idx3-ubyte.gz: MD5 mismatch: expected " + "0".repeat(32)
                        + " (file) or " + "1".repeat(32) + " (content), actual ");
    }

    @Test
    void publishedTableRejectsFakeFashionMnist() {
        FakeData.writeIdxDataset(tmp.resolve("fashion-mnist"), 10, 5, true, 1);
        assertThatThrownBy(() -> DatasetVerifier.verify(DatasetName.FASHION_MNIST, tmp))
                .isInstanceOf(BadInputException.class).hasMessageContaining("MD5 mismatch");
    }

    @Test
    void corruptOrMissingFilesFail() throws Exception {
        Path d = FakeData.writeCifar10Dataset(tmp.resolve("cifar10"), 2, 2, 1);
        Files.write(d.resolve("cifar-10-batches-bin/data_batch_3.bin"), new byte[100]);
        assertThatThrownBy(() -> DatasetVerifier.verifyDir(DatasetName.CIFAR10, d, Checksums.NONE))
                .hasMessageContaining("data_batch_3.bin: length 100");
        Files.delete(d.resolve("cifar-10-batches-bin/data_batch_3.bin"));
        assertThatThrownBy(() -> DatasetVerifier.verifyDir(DatasetName.CIFAR10, d, Checksums.NONE))
                .hasMessageContaining("missing cifar-10-batches-bin/data_batch_3.bin");
        assertThatThrownBy(() -> DatasetVerifier.verify(DatasetName.MNIST, tmp))
                .hasMessageContaining("nothing to verify");
    }

    @Test
    void manifestIsCheckedAndAdvisoryMd5NeverFails() throws Exception {
        Path d = FakeData.writeCifar100Dataset(tmp.resolve("cifar100"), 4, 2, 1);
        String sha = FileDigests.sha256(d.resolve("cifar-100-binary/train.bin"));
        Files.writeString(d.resolve("SHA256SUMS"), "# comment\n" + sha + "  cifar-100-binary/train.bin\n");
        List<String> lines = DatasetVerifier.verify(DatasetName.CIFAR100, tmp);
        assertThat(lines.get(0)).contains("4 records").contains("differs from the unconfirmed secondary-source value")
                .contains("sha256 matches SHA256SUMS");
        Files.writeString(d.resolve("SHA256SUMS"), "a".repeat(64) + "  cifar-100-binary/train.bin\n");
        assertThatThrownBy(() -> DatasetVerifier.verify(DatasetName.CIFAR100, tmp))
                .hasMessageContaining("SHA-256 mismatch with SHA256SUMS: expected " + "a".repeat(64));
    }

    @Test
    void debianCopyIfInstalledVerifiesByContent() {
        Path debian = DatasetLocator.DEBIAN_ROOT;
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(debian.resolve("fashion-mnist")));
        // parses 70,000 images; about a second
        List<String> lines = DatasetVerifier.verify(DatasetName.FASHION_MNIST, debian);
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).contains("60,000 images 28x28");
        assertThat(String.join("\n", lines)).doesNotContain("no published md5");
    }

}
