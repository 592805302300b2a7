package org.initbench.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.initbench.report.Report;
import org.initbench.report.ReportOptions;
import org.initbench.report.ReportOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code initbench report RUNS_DIR}: results.csv, report.md, a self-contained report.html and PNG
 * plots for every run under a runs directory ({@link Report}); prints the files written and the
 * seed-000 table.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Report the runs under RUNS_DIR (every directory holding a spec.json): results.csv,"
                + " report.md, a self-contained report.html and PNG plots.",
            "Cells are best test accuracy (%%), mean ± std (n) over done runs; running, diverged, failed and"
                + " corrupt runs are counted, never averaged."})
public final class ReportCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "RUNS_DIR", description = "Directory searched recursively for runs;"
            + " several (e.g. a study's sweep and the sweep holding its baselines) are reported together and need"
            + " --out.")
    List<Path> runsDirs;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory; default RUNS_DIR/report."
            + " Earlier report files there are replaced.")
    Path out;

    @Option(names = "--baseline", paramLabel = "INIT", defaultValue = ReportOptions.DEFAULT_BASELINE,
            description = "Init to compare against: an id (matches any options) or a full spec;"
                    + " default ${DEFAULT-VALUE}.")
    String baseline;

    @Override
    public Integer call() throws Exception {
        ReportOutput o = Report.write(runsDirs, new ReportOptions(out, baseline));
        PrintWriter w = spec.commandLine().getOut();
        w.println("Report of " + o.runs() + " runs under " + String.join(", ",
                runsDirs.stream().map(Path::toString).toList()) + ":");
        for (Path p : o.written()) {
            w.println("  " + p);
        }
        w.println();
        w.println("Best test accuracy (%), mean ± std (n) over done runs:");
        w.print(o.table());
        w.flush();
        return 0;
    }
}
