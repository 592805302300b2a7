package org.initbench.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.initbench.BadInputException;

/**
 * Downloads a dataset from its official URL (or a mirror with the same file names) into
 * {@code root/<id>}.
 *
 * <p>Procedure: every file is downloaded to a {@code .part} file in a staging directory inside the
 * dataset directory, its MD5 is checked against the published value and its SHA-256 recorded;
 * archives (CIFAR) are extracted into the staging directory, rejecting any entry (or link) whose
 * path escapes it; the staged dataset is verified like {@link DatasetVerifier} does, a
 * {@code SHA256SUMS} manifest is written, and only then are the files moved into place with
 * {@code ATOMIC_MOVE}. On any failure the staging directory is deleted and files already in place
 * are left untouched. A dataset already present and verifying is not downloaded again.
 */
public final class DatasetDownloader {

    /** One remote file: its name (appended to the base URL) and published MD5. */
    record RemoteFile(String fileName, String md5) {}

    /** Where a dataset comes from; {@code archive}: a tar.gz to extract, else the files are used as is. */
    record Source(URI base, List<RemoteFile> files, boolean archive) {}

    static final Map<DatasetName, Source> OFFICIAL = Map.of(
            DatasetName.FASHION_MNIST, new Source(
                    URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
                    List.of(new RemoteFile("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
                            new RemoteFile("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
                            new RemoteFile("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
                            new RemoteFile("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310")),
                    false),
            DatasetName.MNIST, new Source(URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/"),
                    List.of(new RemoteFile("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
                            new RemoteFile("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
                            new RemoteFile("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
                            new RemoteFile("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c")),
                    false),
            DatasetName.CIFAR10, new Source(URI.create("https://www.cs.toronto.edu/~kriz/"),
                    List.of(new RemoteFile("cifar-10-binary.tar.gz", "c32a1d4ab5d03f1284b67883e8d87530")), true),
            DatasetName.CIFAR100, new Source(URI.create("https://www.cs.toronto.edu/~kriz/"),
                    List.of(new RemoteFile("cifar-100-binary.tar.gz", "03b5dce01913d631647c71ecec9e9cb8")), true));

    private final HttpClient client;
    private final URI mirror;
    private final Consumer<String> progress;
    private final Map<DatasetName, Source> sources;
    private final Function<DatasetName, Checksums> checksums;

    /**
     * @param mirrorOrNull base URL replacing the official one (file names are appended), or null
     * @param progress receives human-readable progress lines (about one per 10 %)
     */
    public DatasetDownloader(HttpClient client, URI mirrorOrNull, Consumer<String> progress) {
        this(client, mirrorOrNull, progress, OFFICIAL, Checksums::published);
    }

    /** Test hook: custom source table and checksum table for verification of the staged files. */
    DatasetDownloader(HttpClient client, URI mirrorOrNull, Consumer<String> progress, Map<DatasetName, Source> sources,
                      Function<DatasetName, Checksums> checksums) {
        this.client = Objects.requireNonNull(client, "client");
        this.mirror = mirrorOrNull == null ? null
                : mirrorOrNull.toString().endsWith("/") ? mirrorOrNull : URI.create(mirrorOrNull + "/");
        this.progress = Objects.requireNonNull(progress, "progress");
        this.sources = Map.copyOf(sources);
        this.checksums = checksums;
    }

    /** A client suitable for {@link #DatasetDownloader(HttpClient, URI, Consumer)}: redirects, 30 s connect timeout. */
    public static HttpClient defaultClient() {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30)).build();
    }

    /** Downloads the dataset into {@code root/<id>} (skipped if already there and verifying); returns that dir. */
    public Path download(DatasetName name, Path root) {
        Source source = sources.get(name);
        if (source == null) {
            throw new BadInputException(name.id() + ": no download source known");
        }
        Path dir = root.resolve(name.id()).toAbsolutePath().normalize();
        Checksums sums = checksums.apply(name);
        DatasetFiles.Resolved existing = DatasetFiles.resolve(name, dir);
        if (existing.complete()) {
            try {
                DatasetVerifier.verifyDir(name, dir, sums);
            } catch (BadInputException e) {
                throw new BadInputException(name.id() + ": files already in " + dir + " fail verification ("
                        + e.getMessage() + "); move them away and run the download again", e);
            }
            progress.accept(name.id() + ": already present and verified in " + dir);
            return dir;
        }
        if (!existing.empty()) {
            throw new BadInputException(name.id() + ": incomplete dataset already in " + dir + " (missing "
                    + String.join(", ", existing.missing()) + "); move it away and run the download again");
        }
        if (source.archive()) {
            Path top = dir.resolve(topDir(name));
            if (Files.exists(top)) {
                throw new BadInputException(name.id() + ": " + top + " exists but does not hold the dataset; move it"
                        + " away and run the download again");
            }
        }
        boolean createdDir = !Files.exists(dir);
        Path staging = null;
        try {
            Files.createDirectories(dir);
            staging = Files.createTempDirectory(dir, ".download-");
            List<String> manifestComments = new ArrayList<>();
            for (RemoteFile rf : source.files()) {
                URI url = (mirror != null ? mirror : source.base()).resolve(rf.fileName());
                Path part = staging.resolve(rf.fileName() + ".part");
                String sha = fetch(name, url, part, rf.md5());
                manifestComments.add("# " + rf.fileName() + " from " + url + " md5 " + rf.md5() + " sha256 " + sha);
                if (source.archive()) {
                    progress.accept(name.id() + ": extracting " + rf.fileName());
                    extract(part, staging);
                    Files.delete(part);
                } else {
                    Files.move(part, staging.resolve(rf.fileName()), StandardCopyOption.ATOMIC_MOVE);
                }
            }
            List<String> report = DatasetVerifier.verifyDir(name, staging, sums);
            writeManifest(name, staging, manifestComments);
            List<Path> moves = new ArrayList<>();
            if (source.archive()) {
                moves.add(Path.of(topDir(name)));
            } else {
                for (Path p : DatasetFiles.resolve(name, staging).present()) {
                    moves.add(staging.relativize(p));
                }
            }
            for (Path rel : moves) {
                Files.move(staging.resolve(rel), dir.resolve(rel), StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(staging.resolve(DatasetVerifier.MANIFEST), dir.resolve(DatasetVerifier.MANIFEST),
                    StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            report.subList(0, report.size() - 1).forEach(progress);
            progress.accept(name.id() + ": installed in " + dir);
            return dir;
        } catch (FileAlreadyExistsException e) {
            throw new BadInputException(name.id() + ": " + e.getFile() + " appeared while downloading; nothing"
                    + " was overwritten", e);
        } catch (IOException e) {
            throw new BadInputException(name.id() + ": cannot write under " + dir + ": " + e, e);
        } finally {
            if (staging != null) {
                deleteRecursively(staging);
            }
            if (createdDir) {
                try {
                    Files.deleteIfExists(dir); // only succeeds if empty, i.e. the download failed
                } catch (IOException ignored) {
                    // not empty: the dataset is in place
                }
            }
        }
    }

    static String topDir(DatasetName name) {
        return name == DatasetName.CIFAR10 ? DatasetFiles.CIFAR10_DIR : DatasetFiles.CIFAR100_DIR;
    }

    /** Downloads url to part, checks the MD5, returns the SHA-256; on failure deletes part. */
    private String fetch(DatasetName name, URI url, Path part, String md5) {
        long received = 0;
        try {
            HttpResponse<InputStream> resp;
            try {
                resp = client.send(HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(2)).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                throw new BadInputException(name.id() + ": cannot download " + url + ": " + e, e);
            }
            long length = resp.headers().firstValueAsLong("Content-Length").orElse(-1L);
            MessageDigest md5d = FileDigests.digest("MD5");
            MessageDigest sha = FileDigests.digest("SHA-256");
            try (InputStream in = resp.body(); OutputStream out = Files.newOutputStream(part)) {
                if (resp.statusCode() != 200) {
                    throw new BadInputException(name.id() + ": cannot download " + url + ": HTTP "
                            + resp.statusCode());
                }
                progress.accept(name.id() + ": downloading " + url
                        + (length >= 0 ? String.format(Locale.ROOT, " (%.1f MB)", length / 1e6) : ""));
                byte[] buf = new byte[1 << 16];
                long lastStep = 0;
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    md5d.update(buf, 0, n);
                    sha.update(buf, 0, n);
                    received += n;
                    long step = length > 0 ? received * 10 / length : received / (10L << 20);
                    if (step > lastStep && (length <= 0 || received < length)) {
                        lastStep = step;
                        progress.accept(length > 0
                                ? String.format(Locale.ROOT, "%s: %3d%% (%.1f / %.1f MB)", name.id(), step * 10,
                                        received / 1e6, length / 1e6)
                                : String.format(Locale.ROOT, "%s: %.1f MB", name.id(), received / 1e6));
                    }
                }
            } catch (IOException e) {
                throw new BadInputException(name.id() + ": download of " + url + " interrupted after " + received
                        + (length >= 0 ? " of " + length : "") + " bytes: " + e.getMessage(), e);
            }
            if (length >= 0 && received != length) {
                throw new BadInputException(name.id() + ": download of " + url + " interrupted after " + received
                        + " of " + length + " bytes");
            }
            String actual = FileDigests.hex(md5d);
            if (!actual.equalsIgnoreCase(md5)) {
                throw new BadInputException(name.id() + ": checksum mismatch for " + url + ": expected MD5 " + md5
                        + ", actual " + actual + "; download discarded");
            }
            String shaHex = FileDigests.hex(sha);
            progress.accept(String.format(Locale.ROOT, "%s: %s 100%% (%.1f MB), md5 ok, sha256 %s", name.id(),
                    part.getFileName().toString().replaceFirst("\\.part$", ""), received / 1e6, shaHex));
            return shaHex;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BadInputException(name.id() + ": download of " + url + " interrupted", e);
        } catch (RuntimeException e) {
            try {
                Files.deleteIfExists(part);
            } catch (IOException ignored) {
                // the staging directory is removed anyway
            }
            throw e;
        }
    }

    /** Extracts a tar.gz into dest, rejecting entries and links whose normalized path escapes dest. */
    static void extract(Path archive, Path dest) {
        Path base = dest.toAbsolutePath().normalize();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(
                new BufferedInputStream(Files.newInputStream(archive), 1 << 16)))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                String n = e.getName();
                Path target = base.resolve(n).normalize();
                if (n.startsWith("/") || n.startsWith("\\") || Path.of(n).isAbsolute() || !target.startsWith(base)) {
                    throw new BadInputException(archive.getFileName() + ": archive entry '" + n
                            + "' escapes the target directory; refusing to extract");
                }
                if (e.isSymbolicLink() || e.isLink()) {
                    String link = e.getLinkName();
                    Path to = (e.isSymbolicLink() ? target.getParent() : base).resolve(link).normalize();
                    if (link.startsWith("/") || Path.of(link).isAbsolute() || !to.startsWith(base)) {
                        throw new BadInputException(archive.getFileName() + ": archive link '" + n + "' -> '" + link
                                + "' points outside the target directory; refusing to extract");
                    }
                    continue; // links are never created; the official archives have none
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else if (e.isFile()) {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new BadInputException(archive.getFileName() + ": corrupt archive: " + e.getMessage(), e);
        }
    }

    private static void writeManifest(DatasetName name, Path staging, List<String> comments) throws IOException {
        List<String> lines = new ArrayList<>(comments);
        for (Path p : DatasetFiles.resolve(name, staging).present()) {
            lines.add(FileDigests.sha256(p) + "  " + DatasetFiles.relative(staging, p));
        }
        Files.write(staging.resolve(DatasetVerifier.MANIFEST), lines);
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // best effort: a leftover hidden .download-* directory is harmless
        }
    }
}
