/**
 * {@code initbench report}: reads a directory of run directories ({@link
 * org.initbench.report.RunScanner}), groups them into columns (arch/dataset + recipe) and init rows
 * ({@link org.initbench.report.Analysis}), and writes {@code results.csv}, {@code report.md}, a
 * self-contained {@code report.html} and PNG plots ({@link org.initbench.report.Report}). Reads
 * run records only; never trains.
 *
 * <p>Place in the flow {@code cli → {perf, report, diag} → experiment → train → {init, data} →
 * model → DJL}: reads what {@code experiment} writes.
 */
package org.initbench.report;
