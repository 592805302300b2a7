package org.initbench.data;

import java.nio.file.Path;
import java.util.Map;

/**
 * A dataset loaded from disk.
 *
 * @param root the data root the files were found under (for the shipped subset: its own directory)
 * @param shippedSubset true when this is the small subset shipped with initbench, not the real dataset
 * @param source a human-readable description of where it came from
 * @param fileSha256 SHA-256 (lower-case hex) of every file read, keyed by its path relative to root
 *     ('/'-separated)
 */
public record LoadedDataset(DatasetName name, ImageSet train, ImageSet test, Path root,
                            boolean shippedSubset, String source, Map<String, String> fileSha256) {

    public LoadedDataset {
        fileSha256 = Map.copyOf(fileSha256);
    }
}
