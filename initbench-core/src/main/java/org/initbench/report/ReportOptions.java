package org.initbench.report;

import java.nio.file.Path;

/**
 * Options of {@link Report#write}.
 *
 * @param out output directory; null = {@code RUNS_DIR/report}
 * @param baseline the init the paired comparison and convergence speed are measured against: an
 *     init id (matches every spec with that id) or a full canonical spec
 */
public record ReportOptions(Path out, String baseline) {
    public static final String DEFAULT_BASELINE = "kaiming-normal";

    public ReportOptions {
        if (baseline == null || baseline.isBlank()) {
            baseline = DEFAULT_BASELINE;
        }
        baseline = baseline.trim();
    }

    /** Output in {@code RUNS_DIR/report}, baseline {@value #DEFAULT_BASELINE}. */
    public static ReportOptions defaults() {
        return new ReportOptions(null, DEFAULT_BASELINE);
    }
}
