package org.initbench.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link Report#write} wrote.
 *
 * @param csv {@code results.csv}
 * @param markdown {@code report.md}
 * @param html {@code report.html} (self-contained)
 * @param fidelity {@code fidelity.csv}; null when the runs hold no ladder ({@link Fidelity})
 * @param plots the PNG files
 * @param table the seed-000 table as a Markdown table (also readable as plain text)
 * @param runs number of runs found
 */
public record ReportOutput(Path csv, Path markdown, Path html, Path fidelity, List<Path> plots, String table,
        int runs) {
    public ReportOutput {
        plots = List.copyOf(plots);
    }

    /** Every file written: csv, markdown, html, fidelity.csv (when written), then the plots. */
    public List<Path> written() {
        List<Path> all = new ArrayList<>(List.of(csv, markdown, html));
        if (fidelity != null) {
            all.add(fidelity);
        }
        all.addAll(plots);
        return all;
    }
}
