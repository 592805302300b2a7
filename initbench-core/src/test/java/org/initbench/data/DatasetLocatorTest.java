package org.initbench.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.initbench.BadInputException;
import org.initbench.testkit.FakeData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetLocatorTest {

    @TempDir
    Path tmp;

    @Test
    void firstRootHoldingTheDatasetWinsAndShaIsRecorded() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        Files.createDirectories(a);
        FakeData.writeIdxDataset(b.resolve("mnist"), 20, 10, true, 1);
        List<String> notices = new ArrayList<>();
        LoadedDataset d = new DatasetLocator(List.of(a, b), List.of(), null).load(DatasetName.MNIST, notices::add);
        assertThat(d.root()).isEqualTo(b);
        assertThat(d.train().size()).isEqualTo(20);
        assertThat(d.test().size()).isEqualTo(10);
        assertThat(d.shippedSubset()).isFalse();
        assertThat(d.fileSha256()).containsOnlyKeys("mnist/train-images-idx3-ubyte.gz",
                "mnist/train-labels-idx1-ubyte.gz", "mnist/t10k-images-idx3-ubyte.gz", "mnist/t10k-labels-idx1-ubyte.gz");
        assertThat(d.fileSha256().get("mnist/t10k-labels-idx1-ubyte.gz"))
                .isEqualTo(FileDigests.sha256(b.resolve("mnist/t10k-labels-idx1-ubyte.gz")));
        assertThat(notices).isEmpty();
    }

    @Test
    void rawIdxFilesAndCifarLayoutsLoad() {
        FakeData.writeIdxDataset(tmp.resolve("fashion-mnist"), 4, 3, false, 2);
        FakeData.writeCifar10Dataset(tmp.resolve("cifar10"), 3, 4, 3);
        FakeData.writeCifar100Dataset(tmp.resolve("cifar100"), 5, 2, 4);
        DatasetLocator loc = new DatasetLocator(List.of(tmp), List.of(), null);
        assertThat(loc.load(DatasetName.FASHION_MNIST, s -> { }).train().size()).isEqualTo(4);
        LoadedDataset c10 = loc.load(DatasetName.CIFAR10, s -> { });
        assertThat(c10.train().size()).isEqualTo(15);
        assertThat(c10.test().size()).isEqualTo(4);
        assertThat(c10.fileSha256()).hasSize(6).containsKey("cifar10/cifar-10-batches-bin/test_batch.bin");
        LoadedDataset c100 = loc.load(DatasetName.CIFAR100, s -> { });
        assertThat(c100.train().numClasses()).isEqualTo(100);
        assertThat(c100.train().labels()).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void fashionMnistFallsBackToSystemRootThenShippedSubset() {
        Path empty = tmp.resolve("empty");
        Path debian = tmp.resolve("debian");
        Path mini = tmp.resolve("mini");
        FakeData.writeIdxDataset(mini, 30, 20, true, 5);
        List<String> notices = new ArrayList<>();
        LoadedDataset d = new DatasetLocator(List.of(empty), List.of(debian), mini)
                .load(DatasetName.FASHION_MNIST, notices::add);
        assertThat(d.shippedSubset()).isTrue();
        assertThat(d.root()).isEqualTo(mini);
        assertThat(d.fileSha256()).containsKey("train-images-idx3-ubyte.gz");
        assertThat(notices).singleElement().asString()
                .startsWith("fashion-mnist: no dataset found under [" + empty + ", " + debian + "]")
                .endsWith("using the shipped subset data/fashion-mnist-mini (30 train / 20 test)");

        FakeData.writeIdxDataset(debian.resolve("fashion-mnist"), 12, 11, true, 6);
        notices.clear();
        LoadedDataset deb = new DatasetLocator(List.of(empty), List.of(debian), mini)
                .load(DatasetName.FASHION_MNIST, notices::add);
        assertThat(deb.shippedSubset()).isFalse();
        assertThat(deb.train().size()).isEqualTo(12);
        assertThat(notices).isEmpty();
        // the system root is for fashion-mnist only
        FakeData.writeIdxDataset(debian.resolve("mnist"), 12, 11, true, 6);
        assertThatThrownBy(() -> new DatasetLocator(List.of(empty), List.of(debian), mini)
                .load(DatasetName.MNIST, notices::add)).isInstanceOf(BadInputException.class);
    }

    @Test
    void missingDatasetSaysWhereItLookedAndHowToGetIt() {
        assertThatThrownBy(() -> new DatasetLocator(List.of(tmp), List.of(), null).load(DatasetName.CIFAR100, s -> { }))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("cifar100/cifar-100-binary/{train,test}.bin")
                .hasMessageContaining("[" + tmp + "]")
                .hasMessageContaining("initbench data download cifar100")
                .hasMessageContaining("--data-dir");
    }

    @Test
    void incompleteDatasetIsAnErrorNotSkipped() throws Exception {
        FakeData.writeIdxDataset(tmp.resolve("a/mnist"), 4, 3, true, 1);
        Files.delete(tmp.resolve("a/mnist/t10k-labels-idx1-ubyte.gz"));
        FakeData.writeIdxDataset(tmp.resolve("b/mnist"), 4, 3, true, 1);
        assertThatThrownBy(() -> new DatasetLocator(List.of(tmp.resolve("a"), tmp.resolve("b")), List.of(), null)
                .load(DatasetName.MNIST, s -> { }))
                .isInstanceOf(BadInputException.class).hasMessageContaining("missing t10k-labels-idx1-ubyte[.gz]");
    }

    @Test
    void wrongImageSizeIsRejected() {
        Path d = tmp.resolve("mnist");
        FakeData.writeIdxImages(d.resolve("train-images-idx3-ubyte.gz"), new byte[2 * 32 * 32], 2, 32, 32);
        FakeData.writeIdxLabels(d.resolve("train-labels-idx1-ubyte.gz"), new int[] {0, 1});
        FakeData.writeIdxImages(d.resolve("t10k-images-idx3-ubyte.gz"), new byte[32 * 32], 1, 32, 32);
        FakeData.writeIdxLabels(d.resolve("t10k-labels-idx1-ubyte.gz"), new int[] {0});
        assertThatThrownBy(() -> new DatasetLocator(List.of(tmp), List.of(), null).load(DatasetName.MNIST, s -> { }))
                .hasMessageContaining("expected 28x28");
    }

    @Test
    void shippedSubsetInTheRepositoryLoads() {
        Path mini = DatasetLocator.shippedMiniDir();
        org.junit.jupiter.api.Assumptions.assumeTrue(mini != null, "data/fashion-mnist-mini not found");
        List<String> notices = new ArrayList<>();
        LoadedDataset d = new DatasetLocator(List.of(tmp), List.of(), mini).load(DatasetName.FASHION_MNIST, notices::add);
        assertThat(d.train().size()).isEqualTo(6000);
        assertThat(d.test().size()).isEqualTo(2000);
        assertThat(d.train().classCounts()).containsOnly(600);
        assertThat(d.test().classCounts()).containsOnly(200);
        assertThat(notices).singleElement().asString().contains("(6,000 train / 2,000 test)");
    }
}
