package org.initbench.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.initbench.BadInputException;
import org.initbench.testkit.FakeData;
import org.initbench.testkit.FakeData.TarItem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetDownloaderTest {

    @TempDir
    Path tmp;

    private HttpServer server;
    private URI mirror;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, Integer> truncateTo = new ConcurrentHashMap<>();
    private final List<String> progress = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            String name = ex.getRequestURI().getPath().substring(1);
            byte[] body = files.get(name);
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
                ex.close();
                return;
            }
            ex.sendResponseHeaders(200, body.length);
            OutputStream out = ex.getResponseBody();
            Integer cut = truncateTo.get(name);
            if (cut != null) {
                out.write(body, 0, cut);
                out.flush();
                // a handler failing mid-body makes the server drop the connection: a short transfer
                throw new IllegalStateException("simulated connection loss");
            }
            out.write(body);
            ex.close();
        });
        server.start();
        mirror = URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + "/");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static String md5(byte[] b) {
        var d = FileDigests.digest("MD5");
        d.update(b);
        return FileDigests.hex(d);
    }

    private DatasetDownloader downloader(Map<DatasetName, DatasetDownloader.Source> sources) {
        return new DatasetDownloader(HttpClient.newHttpClient(), mirror, progress::add, sources,
                n -> Checksums.NONE);
    }

    /** Serves the files of a fake IDX dataset; returns the source table with their real (or given) MD5s. */
    private Map<DatasetName, DatasetDownloader.Source> serveIdx(int train, Function<String, String> md5Override)
            throws IOException {
        Path src = FakeData.writeIdxDataset(tmp.resolve("src"), train, 10, true, 1);
        List<DatasetDownloader.RemoteFile> rf = new ArrayList<>();
        for (String f : DatasetFiles.IDX_FILES) {
            byte[] b = Files.readAllBytes(src.resolve(f + ".gz"));
            files.put(f + ".gz", b);
            String m = md5Override.apply(f + ".gz");
            rf.add(new DatasetDownloader.RemoteFile(f + ".gz", m != null ? m : md5(b)));
        }
        return Map.of(DatasetName.MNIST, new DatasetDownloader.Source(URI.create("http://unused.invalid/"), rf, false));
    }

    private Map<DatasetName, DatasetDownloader.Source> serveCifar10(List<TarItem> items) throws IOException {
        Path tar = FakeData.writeTarGz(tmp.resolve("cifar-10-binary.tar.gz"), items);
        byte[] b = Files.readAllBytes(tar);
        files.put("cifar-10-binary.tar.gz", b);
        return Map.of(DatasetName.CIFAR10, new DatasetDownloader.Source(URI.create("http://unused.invalid/"),
                List.of(new DatasetDownloader.RemoteFile("cifar-10-binary.tar.gz", md5(b))), true));
    }

    private static List<TarItem> cifar10Items(Path tmp) {
        Path d = FakeData.writeCifar10Dataset(tmp.resolve("c10src"), 2, 3, 7);
        List<TarItem> items = new ArrayList<>();
        items.add(TarItem.dir("cifar-10-batches-bin"));
        FakeData.readTree(d).forEach((k, v) -> items.add(TarItem.file(k, v)));
        items.add(TarItem.file("cifar-10-batches-bin/batches.meta.txt", "airplane\n".getBytes()));
        return items;
    }

    @Test
    void goodIdxDownloadIsVerifiedAndPlaced() throws Exception {
        Path root = tmp.resolve("root");
        Path dir = downloader(serveIdx(300, f -> null)).download(DatasetName.MNIST, root);
        assertThat(dir).isEqualTo(root.resolve("mnist").toAbsolutePath());
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                    "t10k-labels-idx1-ubyte.gz", "SHA256SUMS");
        }
        assertThat(Files.readAllBytes(dir.resolve("train-images-idx3-ubyte.gz")))
                .isEqualTo(files.get("train-images-idx3-ubyte.gz"));
        String sums = Files.readString(dir.resolve("SHA256SUMS"));
        assertThat(sums).contains(FileDigests.sha256(dir.resolve("t10k-images-idx3-ubyte.gz"))
                + "  t10k-images-idx3-ubyte.gz");
        assertThat(progress).anyMatch(l -> l.matches("mnist: +50% .*"));
        assertThat(progress).anyMatch(l -> l.contains("md5 ok, sha256 "));
        // loadable, and manifest-checked by the verifier
        assertThat(new DatasetLocator(List.of(root), List.of(), null).load(DatasetName.MNIST, s -> { }).train().size())
                .isEqualTo(300);
        assertThat(DatasetVerifier.verifyDir(DatasetName.MNIST, dir, Checksums.NONE).get(0))
                .contains("sha256 matches SHA256SUMS");
        // second run: nothing downloaded
        progress.clear();
        files.clear();
        downloader(serveIdx(300, f -> null)).download(DatasetName.MNIST, root);
        assertThat(progress).containsExactly("mnist: already present and verified in " + dir);
    }

    @Test
    void goodCifarArchiveIsExtractedIntoPlace() throws Exception {
        Path root = tmp.resolve("root");
        Path dir = downloader(serveCifar10(cifar10Items(tmp))).download(DatasetName.CIFAR10, root);
        assertThat(dir.resolve("cifar-10-batches-bin/data_batch_5.bin")).isRegularFile();
        assertThat(dir.resolve("cifar-10-batches-bin/batches.meta.txt")).hasContent("airplane");
        assertThat(Files.readString(dir.resolve("SHA256SUMS"))).contains("# cifar-10-binary.tar.gz from " + mirror);
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("cifar-10-batches-bin",
                    "SHA256SUMS");
        }
        LoadedDataset d = new DatasetLocator(List.of(root), List.of(), null).load(DatasetName.CIFAR10, s -> { });
        assertThat(d.train().size()).isEqualTo(10);
    }

    @Test
    void checksumMismatchLeavesNothingAndKeepsExistingFiles() throws Exception {
        Path root = tmp.resolve("root");
        Files.createDirectories(root);
        Files.writeString(root.resolve("keep.txt"), "mine");
        var sources = serveIdx(20, f -> f.startsWith("t10k-images") ? "0123456789abcdef0123456789abcdef" : null);
        assertThatThrownBy(() -> downloader(sources).download(DatasetName.MNIST, root))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("checksum mismatch for " + mirror + "t10k-images-idx3-ubyte.gz")
                .hasMessageContaining("expected MD5 0123456789abcdef0123456789abcdef, actual "
                        + md5(files.get("t10k-images-idx3-ubyte.gz")));
        assertThat(FakeData.readTree(root)).containsOnlyKeys("keep.txt");
        assertThat(root.resolve("mnist")).doesNotExist();
    }

    @Test
    void interruptedTransferLeavesNothing() throws Exception {
        Path root = tmp.resolve("root");
        var sources = serveIdx(200, f -> null);
        truncateTo.put("train-images-idx3-ubyte.gz", 1000);
        assertThatThrownBy(() -> downloader(sources).download(DatasetName.MNIST, root))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("download of " + mirror + "train-images-idx3-ubyte.gz interrupted after");
        assertThat(root.resolve("mnist")).doesNotExist();
    }

    @Test
    void httpErrorIsReported() throws Exception {
        var sources = serveIdx(20, f -> null);
        files.remove("train-labels-idx1-ubyte.gz");
        assertThatThrownBy(() -> downloader(sources).download(DatasetName.MNIST, tmp.resolve("root")))
                .isInstanceOf(BadInputException.class).hasMessageContaining("HTTP 404");
        assertThat(tmp.resolve("root/mnist")).doesNotExist();
    }

    @Test
    void tarEntryEscapingTheTargetIsRejected() throws Exception {
        Path root = tmp.resolve("root");
        List<TarItem> items = cifar10Items(tmp);
        items.add(2, TarItem.file("cifar-10-batches-bin/../../../evil.txt", "x".getBytes()));
        var sources = serveCifar10(items);
        assertThatThrownBy(() -> downloader(sources).download(DatasetName.CIFAR10, root))
                .isInstanceOf(BadInputException.class)
                .hasMessage("cifar-10-binary.tar.gz.part: archive entry 'cifar-10-batches-bin/../../../evil.txt'"
                        + " escapes the target directory; refusing to extract");
        assertThat(root.resolve("cifar10")).doesNotExist();
        assertThat(root.resolve("evil.txt")).doesNotExist();
        assertThat(tmp.resolve("evil.txt")).doesNotExist();
    }

    @Test
    void absoluteAndSymlinkEscapesAreRejected() throws Exception {
        Path archive = FakeData.writeTarGz(tmp.resolve("a.tar.gz"), List.of(TarItem.file("/etc/evil", new byte[1])));
        Path dest = Files.createDirectories(tmp.resolve("dest"));
        assertThatThrownBy(() -> DatasetDownloader.extract(archive, dest)).hasMessageContaining("escapes the target");
        Path link = FakeData.writeTarGz(tmp.resolve("l.tar.gz"),
                List.of(TarItem.dir("d"), TarItem.symlink("d/up", "../../outside")));
        assertThatThrownBy(() -> DatasetDownloader.extract(link, dest))
                .isInstanceOf(BadInputException.class).hasMessageContaining("points outside the target directory");
        Path inner = FakeData.writeTarGz(tmp.resolve("i.tar.gz"),
                List.of(TarItem.dir("d"), TarItem.symlink("d/x", "../d"), TarItem.file("d/f", new byte[] {1})));
        DatasetDownloader.extract(inner, dest);
        assertThat(FakeData.readTree(dest)).containsOnlyKeys("d/f");
    }

    @Test
    void existingBrokenDatasetIsNotOverwritten() throws Exception {
        Path root = tmp.resolve("root");
        Path d = FakeData.writeIdxDataset(root.resolve("mnist"), 5, 5, true, 3);
        Files.write(d.resolve("t10k-labels-idx1-ubyte.gz"), new byte[] {1, 2, 3});
        byte[] before = Files.readAllBytes(d.resolve("train-images-idx3-ubyte.gz"));
        var sources = serveIdx(20, f -> null);
        assertThatThrownBy(() -> downloader(sources).download(DatasetName.MNIST, root))
                .isInstanceOf(BadInputException.class).hasMessageContaining("fail verification");
        assertThat(Files.readAllBytes(d.resolve("train-images-idx3-ubyte.gz"))).isEqualTo(before);
    }

    @Test
    void officialTableUsesPublishedUrlsAndMd5s() {
        assertThat(DatasetDownloader.OFFICIAL.get(DatasetName.CIFAR100).base().resolve("cifar-100-binary.tar.gz"))
                .hasToString("https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz");
        assertThat(DatasetDownloader.OFFICIAL.get(DatasetName.FASHION_MNIST).files().get(0).md5())
                .isEqualTo("8d4fb7e6c68d591d4c3dfef9ec88bf0d");
        assertThat(DatasetDownloader.OFFICIAL).containsOnlyKeys(DatasetName.values());
    }
}
