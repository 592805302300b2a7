package org.initbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.initbench.testkit.FakeData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DataCommandTest {

    @TempDir
    Path tmp;

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void verifyGoodDatasetPrintsReportAndExitsZero() {
        FakeData.writeCifar100Dataset(tmp.resolve("cifar100"), 3, 2, 1);
        Result r = run("data", "verify", "cifar100", "--data-dir", tmp.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("cifar100/cifar-100-binary/train.bin: 3 records").contains("cifar100: OK (2 files");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void verifyChecksumMismatchExitsTwoWithOneLine() {
        FakeData.writeIdxDataset(tmp.resolve("fashion-mnist"), 10, 5, true, 1);
        Result r = run("data", "verify", "fashion-mnist", "--data-dir", tmp.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("initbench: fashion-mnist/train-images-idx3-ubyte.gz: MD5 mismatch: expected "
                + "8d4fb7e6c68d591d4c3dfef9ec88bf0d (file) or f4a8712d7a061bf5bd6d2ca38dc4d50a (content), actual ");
        assertThat(r.err().strip()).doesNotContain("\n");
    }

    @Test
    void verifyMissingDatasetAndUnknownName() {
        Result missing = run("data", "verify", "mnist", "--data-dir", tmp.toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("nothing to verify").contains("initbench data download mnist");
        Result unknown = run("data", "verify", "imagenet", "--data-dir", tmp.toString());
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err().strip())
                .isEqualTo("initbench: unknown dataset 'imagenet'; valid: cifar10, cifar100, fashion-mnist, mnist");
    }

    @Test
    void downloadFromMirrorWithWrongContentFailsCleanly() throws Exception {
        byte[] fake = Files.readAllBytes(FakeData.writeTarGz(tmp.resolve("x.tar.gz"),
                java.util.List.of(FakeData.TarItem.file("cifar-10-batches-bin/readme.txt", new byte[] {1}))));
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            ex.sendResponseHeaders(200, fake.length);
            ex.getResponseBody().write(fake);
            ex.close();
        });
        server.start();
        try {
            Path root = Files.createDirectories(tmp.resolve("root"));
            String mirror = "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + "/m";
            Result r = run("data", "download", "cifar10", "--data-dir", root.toString(), "--mirror", mirror);
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("downloading " + mirror + "/cifar-10-binary.tar.gz")
                    .contains("initbench: cifar10: checksum mismatch for " + mirror + "/cifar-10-binary.tar.gz: "
                            + "expected MD5 c32a1d4ab5d03f1284b67883e8d87530, actual ");
            try (var s = Files.list(root)) {
                assertThat(s).isEmpty();
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    void downloadRejectsBadMirror() {
        Result r = run("data", "download", "mnist", "--data-dir", tmp.toString(), "--mirror", "ftp://x/");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("initbench: --mirror: expected an http(s) URL, got ftp://x/");
    }

    @Test
    void dataWithoutSubcommandPrintsUsage() {
        Result r = run("data");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("download").contains("verify");
    }
}
