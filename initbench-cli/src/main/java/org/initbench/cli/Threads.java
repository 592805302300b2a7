package org.initbench.cli;

import org.initbench.BadInputException;

/** Engine thread settings; they must be set before the PyTorch engine loads (once per JVM). */
final class Threads {
    private Threads() {}

    /** Sets the intra-op thread count ({@code null}: all cores) and one inter-op thread. */
    static void configure(Integer threads) {
        if (threads != null) {
            if (threads < 1) {
                throw new BadInputException("--threads must be positive, got " + threads);
            }
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        } else if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads",
                    Integer.toString(Runtime.getRuntime().availableProcessors()));
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }
}
