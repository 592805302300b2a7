package org.initbench.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.initbench.BadInputException;

/**
 * Checks a dataset under a data root: every file present and parsing completely (headers, counts,
 * sizes, label ranges), published MD5s where known (for IDX files either the official {@code .gz} or
 * its decompressed content, so re-compressed copies such as Debian's pass), and the
 * {@code SHA256SUMS} manifest written by {@link DatasetDownloader} if present.
 */
public final class DatasetVerifier {

    /** Manifest written next to downloaded files: {@code <sha256>  <path relative to the dataset dir>}. */
    public static final String MANIFEST = "SHA256SUMS";

    private DatasetVerifier() {}

    /** Verifies {@code root/<id>}; returns one report line per file plus a summary; failure throws. */
    public static List<String> verify(DatasetName name, Path root) {
        return verifyDir(name, root.resolve(name.id()), Checksums.published(name));
    }

    /** Verifies a dataset directory against the given checksum table. */
    static List<String> verifyDir(DatasetName name, Path dir, Checksums sums) {
        DatasetFiles.Resolved r = DatasetFiles.resolve(name, dir);
        if (r.empty()) {
            throw new BadInputException(name.id() + ": nothing to verify in " + dir + " (expected "
                    + DatasetFiles.describe(name) + "); get it with `initbench data download " + name.id() + "`");
        }
        if (!r.complete()) {
            throw new BadInputException(name.id() + ": incomplete dataset in " + dir + ": missing "
                    + String.join(", ", r.missing()));
        }
        Map<Path, FileDigests> digests = new LinkedHashMap<>();
        Map<Path, String> shape = new LinkedHashMap<>();
        FileDigests.Sink sink = digests::put;
        List<Path> f = r.present();
        switch (name) {
            case FASHION_MNIST, MNIST -> {
                for (int i = 0; i < 4; i += 2) {
                    ImageSet s = IdxReader.read(f.get(i), f.get(i + 1), name.numClasses(), sink);
                    if (s.height() != name.imageSize() || s.width() != name.imageSize()) {
                        throw new BadInputException(f.get(i) + ": images are " + s.height() + "x" + s.width()
                                + ", expected " + name.imageSize() + "x" + name.imageSize());
                    }
                    shape.put(f.get(i), String.format(Locale.ROOT, "%,d images %dx%d", s.size(), s.height(),
                            s.width()));
                    shape.put(f.get(i + 1), String.format(Locale.ROOT, "%,d labels", s.size()));
                }
            }
            case CIFAR10 -> {
                for (Path p : f) {
                    ImageSet s = CifarReader.readCifar10(List.of(p), sink);
                    shape.put(p, String.format(Locale.ROOT, "%,d records", s.size()));
                }
            }
            case CIFAR100 -> {
                for (Path p : f) {
                    ImageSet s = CifarReader.readCifar100(p, false, sink);
                    shape.put(p, String.format(Locale.ROOT, "%,d records", s.size()));
                }
            }
            default -> throw new IllegalStateException(name.toString());
        }
        Map<String, String> manifest = readManifest(dir);
        List<String> lines = new ArrayList<>();
        for (Path p : f) {
            String rel = DatasetFiles.relative(dir, p);
            FileDigests d = digests.get(p);
            String where = name.id() + "/" + rel;
            String check = checkMd5(where, rel, d, sums);
            String listed = manifest.get(rel);
            if (listed != null && !listed.equalsIgnoreCase(d.sha256())) {
                throw new BadInputException(where + ": SHA-256 mismatch with " + MANIFEST + ": expected " + listed
                        + ", actual " + d.sha256());
            }
            if (listed != null) {
                check += ", sha256 matches " + MANIFEST;
            }
            lines.add(where + ": " + shape.get(p) + ", " + check + ", sha256 " + d.sha256());
        }
        lines.add(name.id() + ": OK (" + f.size() + " files in " + dir + ")");
        return lines;
    }

    private static String checkMd5(String where, String rel, FileDigests d, Checksums sums) {
        String stored = sums.storedMd5().get(rel);
        String content = sums.contentMd5().get(rel.endsWith(".gz") ? rel.substring(0, rel.length() - 3) : rel);
        if (stored != null && stored.equalsIgnoreCase(d.md5())) {
            return "md5 ok (official file)";
        }
        if (content != null && content.equalsIgnoreCase(d.contentMd5())) {
            return rel.endsWith(".gz") ? "content md5 ok (re-compressed copy of the official file)"
                    : "md5 ok (official content)";
        }
        if (stored != null || content != null) {
            throw new BadInputException(where + ": MD5 mismatch: expected "
                    + (stored != null ? stored + " (file)" : "")
                    + (stored != null && content != null ? " or " : "")
                    + (content != null ? content + " (content)" : "")
                    + ", actual " + d.md5() + (d.md5().equals(d.contentMd5()) ? "" : " / " + d.contentMd5()));
        }
        String advisory = sums.advisoryMd5().get(rel);
        if (advisory != null) {
            return advisory.equalsIgnoreCase(d.md5()) ? "md5 matches the secondary-source value"
                    : "md5 " + d.md5() + " differs from the unconfirmed secondary-source value " + advisory;
        }
        return "no published md5";
    }

    /** Parses {@code dir/SHA256SUMS} if present (else empty). */
    static Map<String, String> readManifest(Path dir) {
        Path m = dir.resolve(MANIFEST);
        Map<String, String> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(m)) {
            return out;
        }
        try {
            int lineNo = 0;
            for (String line : Files.readAllLines(m)) {
                lineNo++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.trim().split("\\s+\\*?", 2);
                if (parts.length != 2 || !parts[0].matches("[0-9a-fA-F]{64}")) {
                    throw new BadInputException(m + ": malformed line " + lineNo + ": " + line);
                }
                out.put(parts[1], parts[0].toLowerCase(Locale.ROOT));
            }
        } catch (IOException e) {
            throw new BadInputException(m + ": cannot read: " + e, e);
        }
        return out;
    }
}
