package org.initbench.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where each dataset's files live under its dataset directory ({@code root/<id>}), as the official
 * archives unpack.
 */
final class DatasetFiles {

    static final List<String> IDX_FILES = List.of(
            "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");
    static final String CIFAR10_DIR = "cifar-10-batches-bin";
    static final String CIFAR100_DIR = "cifar-100-binary";

    /** Files of one dataset directory: the ones present (in canonical order) and the ones missing. */
    record Resolved(Path datasetDir, List<Path> present, List<String> missing) {
        boolean complete() {
            return missing.isEmpty();
        }

        boolean empty() {
            return present.isEmpty();
        }
    }

    private DatasetFiles() {}

    /** Expected files relative to the dataset dir; for IDX without the optional ".gz". */
    static List<String> expected(DatasetName name) {
        return switch (name) {
            case FASHION_MNIST, MNIST -> IDX_FILES;
            case CIFAR10 -> List.of(CIFAR10_DIR + "/data_batch_1.bin", CIFAR10_DIR + "/data_batch_2.bin",
                    CIFAR10_DIR + "/data_batch_3.bin", CIFAR10_DIR + "/data_batch_4.bin",
                    CIFAR10_DIR + "/data_batch_5.bin", CIFAR10_DIR + "/test_batch.bin");
            case CIFAR100 -> List.of(CIFAR100_DIR + "/train.bin", CIFAR100_DIR + "/test.bin");
        };
    }

    /** A compact description of the expected files, for messages. */
    static String describe(DatasetName name) {
        return switch (name) {
            case FASHION_MNIST, MNIST -> name.id() + "/{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]";
            case CIFAR10 -> name.id() + "/" + CIFAR10_DIR + "/{data_batch_1..5,test_batch}.bin";
            case CIFAR100 -> name.id() + "/" + CIFAR100_DIR + "/{train,test}.bin";
        };
    }

    /** Resolves the expected files in a dataset directory (IDX: the .gz is preferred over the raw file). */
    static Resolved resolve(DatasetName name, Path datasetDir) {
        List<Path> present = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String rel : expected(name)) {
            Path p = datasetDir.resolve(rel);
            if (name.isIdx()) {
                Path gz = datasetDir.resolve(rel + ".gz");
                if (Files.isRegularFile(gz)) {
                    present.add(gz);
                    continue;
                }
            }
            if (Files.isRegularFile(p)) {
                present.add(p);
            } else {
                missing.add(name.isIdx() ? rel + "[.gz]" : rel);
            }
        }
        return new Resolved(datasetDir, present, missing);
    }

    /** Path of a file relative to a root, '/'-separated. */
    static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }
}
