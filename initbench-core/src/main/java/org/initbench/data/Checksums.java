package org.initbench.data;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Published checksums of the dataset files, keyed by path relative to the dataset directory
 * ({@code root/<id>}).
 *
 * @param storedMd5 MD5 of the file as distributed (the official {@code .gz}); a match proves the file
 *     is the official one
 * @param contentMd5 MD5 of the (decompressed) content; accepts re-compressed copies such as Debian's
 * @param advisoryMd5 MD5s from a single secondary source: reported, never fatal
 */
record Checksums(Map<String, String> storedMd5, Map<String, String> contentMd5, Map<String, String> advisoryMd5) {

    static final Checksums NONE = new Checksums(Map.of(), Map.of(), Map.of());

    /** The published values (sources: init-methods.md section 7.4; torchvision; zalandoresearch README). */
    static Checksums published(DatasetName name) {
        return switch (name) {
            case FASHION_MNIST -> idx(
                    List.of("8d4fb7e6c68d591d4c3dfef9ec88bf0d", "25c81989df183df01b3e8a0aad5dffbe",
                            "bef4ecab320f06d8554ea6380940ec79", "bb300cfdad3c16e7a12a480ee83cd310"),
                    List.of("f4a8712d7a061bf5bd6d2ca38dc4d50a", "9018921c3c673c538a1fc5bad174d6f9",
                            "8181f5470baa50b63fa0f6fddb340f0a", "15d484375f8d13e6eb1aabb0c3f46965"));
            case MNIST -> idx(
                    List.of("f68b3c2dcbeaaa9fbdd348bbdeb94873", "d53e105ee54ea40749a09fcbcd1e9432",
                            "9fb629c4189551a2d022fa330f9573f3", "ec29112dd5afa0611ce80d1b7f02629c"),
                    List.of("6bbc9ace898e44ae57da46a324031adb", "a25bea736e30d166cdddb491f175f624",
                            "2646ac647ad5339dbf082846283269ea", "27ae3e4e09519cfbb04c329615203637"));
            case CIFAR10 -> new Checksums(
                    Map.of("cifar-10-batches-bin/data_batch_1.bin", "5dd7e06a14cb22eb9f671a540d1b7c25",
                            "cifar-10-batches-bin/data_batch_2.bin", "5ea93a67294ea407fff1d09f752e9692",
                            "cifar-10-batches-bin/data_batch_3.bin", "942cd6a4bcdd0dd3c604fbe906cb4421",
                            "cifar-10-batches-bin/data_batch_4.bin", "ae636b3ba5c66a11e91e8cb52e771fcb",
                            "cifar-10-batches-bin/data_batch_5.bin", "53f37980c15c3d472c316c40844f3f0d",
                            "cifar-10-batches-bin/test_batch.bin", "803d5f7f4d78ea53de84dbe85f74fb6d"),
                    Map.of(), Map.of());
            case CIFAR100 -> new Checksums(Map.of(), Map.of(),
                    Map.of("cifar-100-binary/train.bin", "6172c7755cfe09b2fe270c85cebc1b15",
                            "cifar-100-binary/test.bin", "4499cfba6c016c1be1438163640a0898"));
        };
    }

    /**
     * An IDX dataset's checksums, each list in {@link Layout#IDX_FILES} order: {@code gzMd5} of the
     * distributed {@code .gz} files, {@code contentMd5} of their decompressed content.
     */
    private static Checksums idx(List<String> gzMd5, List<String> contentMd5) {
        Map<String, String> stored = new HashMap<>();
        Map<String, String> content = new HashMap<>();
        for (int i = 0; i < DatasetFiles.IDX_FILES.size(); i++) {
            stored.put(DatasetFiles.IDX_FILES.get(i) + ".gz", gzMd5.get(i));
            content.put(DatasetFiles.IDX_FILES.get(i), contentMd5.get(i));
        }
        return new Checksums(Map.copyOf(stored), Map.copyOf(content), Map.of());
    }
}
