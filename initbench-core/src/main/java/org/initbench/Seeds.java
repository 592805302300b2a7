package org.initbench;

import java.nio.charset.StandardCharsets;

/**
 * The run's seed tree: every random stream (init values per parameter, subset choice, data order
 * and augmentation, engine) is derived from the run seed and a label, so streams are independent
 * of each other and of the order in which they are drawn.
 */
public final class Seeds {
    private Seeds() {}

    /** A child seed of {@code seed} for {@code label} (e.g. a parameter path or "data"). */
    public static long derive(long seed, String label) {
        long h = 0xcbf29ce484222325L; // FNV-1a 64 over the label's UTF-8 bytes
        for (byte b : label.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(seed ^ mix(h));
    }

    /** SplitMix64's finalizer: a bijective 64-bit mix. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
