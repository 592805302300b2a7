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
 * @param plots the PNG files
 * @param table the seed-000 table as a Markdown table (also readable as plain text)
 * @param runs number of runs found
 */
public record ReportOutput(Path csv, Path markdown, Path html, List<Path> plots, String table, int runs) {
    public ReportOutput {
        plots = List.copyOf(plots);
    }

    /** Every file written: csv, markdown, html, then the plots. */
    public List<Path> written() {
        List<Path> all = new ArrayList<>(List.of(csv, markdown, html));
        all.addAll(plots);
        return all;
    }
}
