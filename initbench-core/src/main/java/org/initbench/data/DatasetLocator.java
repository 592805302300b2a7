package org.initbench.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.initbench.BadInputException;

/**
 * Finds a dataset on disk and loads it. Candidate roots, in order: the explicit data dir (if given),
 * {@code $INITBENCH_DATA}, {@code ~/.initbench/data}; for Fashion-MNIST also Debian's
 * {@code /usr/share/datasets} (package {@code dataset-fashion-mnist}) and finally the shipped mini
 * subset {@code data/fashion-mnist-mini} (reported through the notices consumer).
 *
 * <p>A root holds a dataset if its dataset directory ({@code root/<id>}) has all expected files; a
 * partially present dataset is an error rather than silently skipped.
 */
public final class DatasetLocator {

    /** Debian's {@code dataset-fashion-mnist} installs into {@code /usr/share/datasets/fashion-mnist}. */
    public static final Path DEBIAN_ROOT = Path.of("/usr/share/datasets");
    /** Directory of the shipped subset, relative to the initbench home. */
    public static final String MINI_DIR = "data/fashion-mnist-mini";

    private final List<Path> roots;
    private final List<Path> fashionMnistSystemRoots;
    private final Path shippedMini;

    /**
     * A locator with explicit candidates (for tests).
     *
     * @param roots data roots searched for every dataset, in order
     * @param fashionMnistSystemRoots further roots searched for Fashion-MNIST only
     * @param shippedMiniOrNull directory holding the shipped Fashion-MNIST subset, or null for none
     */
    public DatasetLocator(List<Path> roots, List<Path> fashionMnistSystemRoots, Path shippedMiniOrNull) {
        this.roots = List.copyOf(roots);
        this.fashionMnistSystemRoots = List.copyOf(fashionMnistSystemRoots);
        this.shippedMini = shippedMiniOrNull;
    }

    /** The default locator: see the class comment. */
    public static DatasetLocator defaults(Path dataDir) {
        return new DatasetLocator(defaultRoots(dataDir), List.of(DEBIAN_ROOT), shippedMiniDir());
    }

    /** Loads a dataset from the default candidates; see the class comment. */
    public static LoadedDataset load(DatasetName name, Path dataDir, Consumer<String> notices) {
        return defaults(dataDir).load(name, notices);
    }

    /** {@code dataDir} (if non-null), {@code $INITBENCH_DATA} (if set), {@code ~/.initbench/data}. */
    public static List<Path> defaultRoots(Path dataDir) {
        List<Path> r = new ArrayList<>();
        if (dataDir != null) {
            r.add(dataDir);
        }
        String env = System.getenv("INITBENCH_DATA");
        if (env != null && !env.isBlank()) {
            r.add(Path.of(env));
        }
        r.add(userDataRoot());
        return r;
    }

    /** The default download root when neither --data-dir nor $INITBENCH_DATA is given. */
    public static Path userDataRoot() {
        return Path.of(System.getProperty("user.home"), ".initbench", "data");
    }

    /** The first of dataDir, $INITBENCH_DATA, ~/.initbench/data: where downloads go. */
    public static Path defaultDownloadRoot(Path dataDir) {
        return defaultRoots(dataDir).get(0);
    }

    /**
     * The shipped subset directory: {@code ${initbench.home}/data/fashion-mnist-mini} if that system
     * property is set, else the first {@code data/fashion-mnist-mini} found walking up from the working
     * directory; null if none exists.
     */
    public static Path shippedMiniDir() {
        String home = System.getProperty("initbench.home");
        if (home != null && !home.isBlank()) {
            Path p = Path.of(home).resolve(MINI_DIR);
            return Files.isDirectory(p) ? p : null;
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve(MINI_DIR);
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        return null;
    }

    /** Loads the dataset from the first candidate that holds it. */
    public LoadedDataset load(DatasetName name, Consumer<String> notices) {
        Objects.requireNonNull(notices, "notices");
        List<Path> candidates = new ArrayList<>(roots);
        if (name == DatasetName.FASHION_MNIST) {
            candidates.addAll(fashionMnistSystemRoots);
        }
        for (Path root : candidates) {
            DatasetFiles.Resolved r = DatasetFiles.resolve(name, root.resolve(name.id()));
            if (r.empty()) {
                continue;
            }
            if (!r.complete()) {
                throw new BadInputException(name.id() + ": incomplete dataset in " + r.datasetDir() + ": missing "
                        + String.join(", ", r.missing()) + "; re-download with `initbench data download "
                        + name.id() + " --data-dir " + root + "` after removing it, or fix the files");
            }
            return read(name, root, r.present(), false, name.id() + " from " + r.datasetDir());
        }
        if (name == DatasetName.FASHION_MNIST && shippedMini != null) {
            DatasetFiles.Resolved r = DatasetFiles.resolve(name, shippedMini);
            if (r.complete()) {
                LoadedDataset d = read(name, shippedMini, r.present(), true,
                        "shipped subset " + shippedMini + " (not the full dataset)");
                notices.accept(String.format(Locale.ROOT,
                        "%s: no dataset found under %s; using the shipped subset %s (%,d train / %,d test)",
                        name.id(), candidates, MINI_DIR, d.train().size(), d.test().size()));
                return d;
            }
        }
        throw new BadInputException(name.id() + ": dataset not found; looked for " + DatasetFiles.describe(name)
                + " under " + candidates
                + (name == DatasetName.FASHION_MNIST ? " and the shipped subset " + MINI_DIR : "")
                + "; get it with `initbench data download " + name.id()
                + "` (into --data-dir, $INITBENCH_DATA or ~/.initbench/data) or point --data-dir at a directory"
                + " holding it");
    }

    private static LoadedDataset read(DatasetName name, Path root, List<Path> files, boolean shipped,
                                      String source) {
        Map<String, String> sha = new LinkedHashMap<>();
        FileDigests.Sink sink = (file, d) -> sha.put(DatasetFiles.relative(root, file), d.sha256());
        ImageSet train;
        ImageSet test;
        switch (name) {
            case FASHION_MNIST, MNIST -> {
                train = IdxReader.read(files.get(0), files.get(1), name.numClasses(), sink);
                test = IdxReader.read(files.get(2), files.get(3), name.numClasses(), sink);
                for (int i : new int[] {0, 2}) {
                    ImageSet s = i == 0 ? train : test;
                    if (s.height() != name.imageSize() || s.width() != name.imageSize()) {
                        throw new BadInputException(files.get(i) + ": images are " + s.height() + "x" + s.width()
                                + ", expected " + name.imageSize() + "x" + name.imageSize() + " for " + name.id());
                    }
                }
            }
            case CIFAR10 -> {
                train = CifarReader.readCifar10(files.subList(0, 5), sink);
                test = CifarReader.readCifar10(files.subList(5, 6), sink);
            }
            case CIFAR100 -> {
                train = CifarReader.readCifar100(files.get(0), false, sink);
                test = CifarReader.readCifar100(files.get(1), false, sink);
            }
            default -> throw new IllegalStateException(name.toString());
        }
        if (train.size() < 2 || test.size() < 1) {
            throw new BadInputException(name.id() + " in " + root + ": too few images (" + train.size() + " train, "
                    + test.size() + " test)");
        }
        return new LoadedDataset(name, train, test, root, shipped, source, sha);
    }
}
