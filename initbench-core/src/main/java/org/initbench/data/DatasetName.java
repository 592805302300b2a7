package org.initbench.data;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.initbench.BadInputException;

/** The supported datasets, with their command-line ids and stored image geometry. */
public enum DatasetName {
    CIFAR10("cifar10", 3, 10, 32, 50_000),
    CIFAR100("cifar100", 3, 100, 32, 50_000),
    FASHION_MNIST("fashion-mnist", 1, 10, 28, 60_000),
    MNIST("mnist", 1, 10, 28, 60_000);

    private final String id;
    private final int channels;
    private final int numClasses;
    private final int imageSize;
    private final int trainImages;

    DatasetName(String id, int channels, int numClasses, int imageSize, int trainImages) {
        this.id = id;
        this.channels = channels;
        this.numClasses = numClasses;
        this.imageSize = imageSize;
        this.trainImages = trainImages;
    }

    /** The command-line id, also the directory name under a data root. */
    public String id() {
        return id;
    }

    public int channels() {
        return channels;
    }

    public int numClasses() {
        return numClasses;
    }

    /** Stored image height = width (28 for the MNIST family, 32 for CIFAR). */
    public int imageSize() {
        return imageSize;
    }

    /** Images in the official training split (60,000 for the MNIST family, 50,000 for CIFAR). */
    public int trainImages() {
        return trainImages;
    }

    /** True for the IDX-format datasets (MNIST, Fashion-MNIST). */
    public boolean isIdx() {
        return this == FASHION_MNIST || this == MNIST;
    }

    /** Parses a command-line id; unknown ids throw a {@link BadInputException} listing the valid ones. */
    public static DatasetName parse(String id) {
        for (DatasetName n : values()) {
            if (n.id.equals(id)) {
                return n;
            }
        }
        throw new BadInputException("unknown dataset '" + id + "'; valid: " + validIds());
    }

    static String validIds() {
        return Arrays.stream(values()).map(DatasetName::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id;
    }
}
