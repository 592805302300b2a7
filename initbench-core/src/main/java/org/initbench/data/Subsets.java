package org.initbench.data;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.initbench.BadInputException;

/** Class-balanced, seeded subsets of a split. */
public final class Subsets {

    private Subsets() {}

    /**
     * Class-balanced and deterministic for a given seed: {@code n / numClasses} images per class, the
     * remainder giving one extra image to the lowest class ids; within each class the images are the
     * first ones of a Fisher-Yates shuffle of that class's indices (ascending original order before the
     * shuffle) driven by one {@code new SplittableRandom(seed)}, classes processed in id order. The
     * result is in ascending original index order.
     *
     * @throws BadInputException if n <= 0, n > size, or a class has too few images
     */
    public static ImageSet classBalanced(ImageSet set, int n, long seed) {
        return set.subset(classBalancedIndices(set, n, seed));
    }

    /** A split cut in two: a class-balanced held-out part and the rest. */
    public record HeldOut(ImageSet heldOut, ImageSet rest) {}

    /**
     * {@link #classBalanced} images held out of {@code set} (a validation split) and the other images,
     * both in ascending original order.
     */
    public static HeldOut holdOut(ImageSet set, int n, long seed) {
        int[] chosen = classBalancedIndices(set, n, seed);
        int[] rest = new int[set.size() - chosen.length];
        int at = 0;
        int c = 0;
        for (int i = 0; i < set.size(); i++) {
            if (c < chosen.length && chosen[c] == i) {
                c++;
            } else {
                rest[at++] = i;
            }
        }
        return new HeldOut(set.subset(chosen), set.subset(rest));
    }

    private static int[] classBalancedIndices(ImageSet set, int n, long seed) {
        if (n <= 0 || n > set.size()) {
            throw new BadInputException("subset size " + n + " must be between 1 and the split size " + set.size());
        }
        int k = set.numClasses();
        int[] counts = set.classCounts();
        int[][] byClass = new int[k][];
        int[] fill = new int[k];
        for (int c = 0; c < k; c++) {
            byClass[c] = new int[counts[c]];
        }
        int[] labels = set.labels();
        for (int i = 0; i < labels.length; i++) {
            byClass[labels[i]][fill[labels[i]]++] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int[] chosen = new int[n];
        int at = 0;
        for (int c = 0; c < k; c++) {
            int want = n / k + (c < n % k ? 1 : 0);
            int[] idx = byClass[c];
            if (want > idx.length) {
                throw new BadInputException("subset of " + n + " needs " + want + " images of class " + c
                        + " but the split has only " + idx.length);
            }
            for (int i = idx.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
            }
            System.arraycopy(idx, 0, chosen, at, want);
            at += want;
        }
        Arrays.sort(chosen);
        return chosen;
    }
}
