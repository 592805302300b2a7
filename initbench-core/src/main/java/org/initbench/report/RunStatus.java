package org.initbench.report;

import java.util.Locale;

/** What the report makes of one run directory. */
public enum RunStatus {
    /** {@code result.json} says {@code done}: the only status that enters means and tests. */
    DONE,
    /** {@code result.json} says {@code diverged} (NaN/Inf loss). */
    DIVERGED,
    /** {@code result.json} says {@code failed} (an error ended the run). */
    FAILED,
    /** No {@code result.json}: still going, or interrupted; epochs so far come from metrics.jsonl. */
    RUNNING,
    /** A file of the run could not be read or is inconsistent; the reason says which. */
    CORRUPT;

    /** Lower-case name as written in results.csv and the report. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
