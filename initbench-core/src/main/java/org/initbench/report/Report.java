package org.initbench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.initbench.BadInputException;
import org.initbench.experiment.RunDirectory;

/**
 * {@code initbench report RUNS_DIR}: reads every run under a runs directory and writes {@code
 * results.csv}, {@code report.md}, a self-contained {@code report.html} and PNG plots (under {@code
 * plots/}) into the output directory. Each file is written to a temporary file and moved into place,
 * so a failed report leaves the earlier files whole.
 *
 * <p>The report: the seed-000 table (rows = inits, columns = arch/dataset + recipe, cells = best
 * test accuracy in percent, mean ± sample std (n) over done runs, other runs counted after the
 * value); the paired comparison against the baseline over matched seeds (mean Δ, 95% t confidence
 * interval, paired t-test p, Wilcoxon signed-rank p from 6 pairs); convergence speed (epochs to 90%
 * and 99% of the baseline's mean best accuracy); when the runs hold a ladder of budgets, the {@link
 * Fidelity} of its cheap rungs (and {@code fidelity.csv}); the plots of {@link Plots}; the runs not in
 * the means with their status and reason.
 *
 * <p>About 360 lines, over the 300-line guide: one short method per section of the one {@link Doc} that
 * renders both the Markdown and the HTML, kept in the order the report reads.
 */
public final class Report {
    public static final String CSV = "results.csv";
    public static final String MARKDOWN = "report.md";
    public static final String HTML = "report.html";
    public static final String FIDELITY_CSV = "fidelity.csv";
    public static final String PLOTS = "plots";

    private Report() {}

    /**
     * Writes the report of the runs under {@code runsDir}.
     *
     * @throws BadInputException when {@code runsDir} is missing or holds no run, or the output
     *     directory cannot be written
     * @throws IOException when writing fails midway (earlier report files stay whole)
     */
    public static ReportOutput write(Path runsDir, ReportOptions opts) throws IOException {
        return write(List.of(runsDir), opts);
    }

    /**
     * Writes one report of the runs under several directories (e.g. one study's sweep and the sweep of another
     * study that holds its baselines), analysed together as if they were one; each run's path in the report is
     * then its directory as given followed by its path under it. Several directories need {@code opts.out()}.
     *
     * @throws BadInputException when a directory is missing, none holds a run, several are given without an
     *     output directory, or the output directory cannot be written
     * @throws IOException when writing fails midway (earlier report files stay whole)
     */
    public static ReportOutput write(List<Path> runsDirs, ReportOptions opts) throws IOException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        if (runsDirs.isEmpty() || runsDirs.size() > 1 && opts.out() == null) {
            throw new BadInputException(runsDirs.isEmpty() ? "no runs directory given"
                    : "a report of several runs directories needs --out (where to write it)");
        }
        Path runsDir = runsDirs.get(0);
        Path out = opts.out() == null ? runsDir.resolve("report") : opts.out();
        List<RunRecord> runs = new ArrayList<>();
        for (Path d : runsDirs) {
            String prefix = runsDirs.size() > 1 ? d.normalize().toString().replace('\\', '/') + "/" : "";
            for (RunRecord r : RunScanner.scan(d, out)) {
                runs.add(prefix.isEmpty() ? r : new RunRecord(r.dir(), prefix + r.path(), r.spec(), r.metrics(),
                        r.result(), r.status(), r.reason()));
            }
        }
        if (runs.isEmpty()) {
            throw new BadInputException("no runs under " + String.join(", ", runsDirs.stream().map(Path::toString)
                    .toList()) + " (no directory there holds a spec.json)");
        }
        prepare(out);
        Analysis a = new Analysis(runs, opts.baseline());

        Path plotDir = out.resolve(PLOTS);
        List<Path> plotFiles = new ArrayList<>();
        List<List<Plots.Plot>> plotsPerColumn = new ArrayList<>();
        List<List<String>> plotNames = new ArrayList<>();
        for (int i = 0; i < a.columns().size(); i++) {
            Analysis.Column c = a.columns().get(i);
            List<Plots.Plot> ps = Plots.forColumn(a, c);
            List<String> names = new ArrayList<>();
            if (!ps.isEmpty()) {
                Files.createDirectories(plotDir);
            }
            for (Plots.Plot p : ps) {
                String name = String.format(Locale.ROOT, "%02d-%s-%s.png", i + 1, slug(c.key().base()), p.kind());
                Path f = plotDir.resolve(name);
                atomicWrite(f, p.png());
                plotFiles.add(f);
                names.add(PLOTS + "/" + name);
            }
            plotsPerColumn.add(ps);
            plotNames.add(names);
        }

        List<Fidelity.Ladder> ladders = Fidelity.of(a);
        List<List<Plots.Plot>> ladderPlots = new ArrayList<>();
        List<List<String>> ladderPlotNames = new ArrayList<>();
        for (int i = 0; i < ladders.size(); i++) {
            Files.createDirectories(plotDir);
            List<Plots.Plot> ps = FidelityReport.plots(a, ladders.get(i));
            List<String> names = new ArrayList<>();
            for (Plots.Plot p : ps) {
                String name = String.format(Locale.ROOT, "fidelity-%02d-%s-%s.png", i + 1, slug(ladders.get(i).label()),
                        p.kind());
                atomicWrite(plotDir.resolve(name), p.png());
                plotFiles.add(plotDir.resolve(name));
                names.add(PLOTS + "/" + name);
            }
            ladderPlots.add(ps);
            ladderPlotNames.add(names);
        }

        List<String> header = new ArrayList<>(List.of("init"));
        a.columns().forEach(c -> header.add(c.label()));
        List<List<String>> rows = seed000Rows(a);
        String table = Doc.markdownTable(header, rows);
        Doc doc = document(runsDirs, a, header, rows, plotsPerColumn, plotNames, d -> {
            if (!ladders.isEmpty()) {
                FidelityReport.section(d, a, ladders, ladderPlots, ladderPlotNames);
            }
        });
        Path fidelity = out.resolve(FIDELITY_CSV);
        if (ladders.isEmpty()) {
            Files.deleteIfExists(fidelity); // an earlier report's: these runs have no ladder
            fidelity = null;
        } else {
            atomicWrite(fidelity, FidelityReport.csv(a, ladders).getBytes(StandardCharsets.UTF_8));
        }

        Path csv = out.resolve(CSV);
        Path md = out.resolve(MARKDOWN);
        Path html = out.resolve(HTML);
        atomicWrite(csv, ResultsCsv.render(a).getBytes(StandardCharsets.UTF_8));
        atomicWrite(md, doc.markdown().getBytes(StandardCharsets.UTF_8));
        atomicWrite(html, doc.html("initbench report: " + runsDir.getFileName()).getBytes(StandardCharsets.UTF_8));
        return new ReportOutput(csv, md, html, fidelity, plotFiles, table, runs.size());
    }

    /**
     * A table cell: {@code mean ± std (n)} in percent with two decimals ({@code (n, k at chance)} when
     * k done runs end at chance), then the runs not done.
     */
    static String cellText(Analysis.Cell cell) {
        if (cell == null) {
            return "";
        }
        Stats.Summary s = cell.summary();
        StringBuilder sb = new StringBuilder();
        if (s.n() == 0) {
            sb.append("—");
        } else {
            sb.append(f2(s.mean()));
            if (s.n() > 1) {
                sb.append(" ± ").append(f2(s.std()));
            }
            sb.append(" (").append(s.n());
            long atChance = cell.atChance();
            if (atChance > 0) {
                sb.append(", ").append(atChance).append(" at chance");
            }
            sb.append(')');
        }
        cell.notDone().forEach((st, k) -> sb.append(" +").append(k).append(' ').append(st.id()));
        return sb.toString();
    }

    private static List<List<String>> seed000Rows(Analysis a) {
        List<List<String>> rows = new ArrayList<>();
        for (String init : a.inits()) {
            List<String> r = new ArrayList<>();
            r.add(a.initLabel(init));
            for (Analysis.Column c : a.columns()) {
                r.add(cellText(c.cell(init)));
            }
            rows.add(r);
        }
        return rows;
    }

    /** A runs directory as the user named it (a committed report carries no machine's absolute paths). */
    static String shown(Path p) {
        String s = p.normalize().toString().replace('\\', '/');
        return s.isEmpty() ? "." : s;
    }

    private static Doc document(List<Path> runsDirs, Analysis a, List<String> header, List<List<String>> rows,
            List<List<Plots.Plot>> plots, List<List<String>> plotNames, Consumer<Doc> fidelity) {
        Doc d = new Doc();
        d.heading(1, "initbench report");
        Map<RunStatus, Integer> counts = new EnumMap<>(RunStatus.class);
        a.runs().forEach(r -> counts.merge(r.status(), 1, Integer::sum));
        List<String> parts = new ArrayList<>();
        counts.forEach((s, k) -> parts.add(k + " " + s.id()));
        d.para((runsDirs.size() == 1 ? "Runs directory " : "Runs directories ") + String.join(", ", runsDirs.stream()
                .map(p -> "`" + shown(p) + "`").toList()) + ": " + a.runs().size() + " runs ("
                + String.join(", ", parts) + "). Accuracies are test accuracies in percent"
                + (a.runs().stream().anyMatch(r -> r.spec() != null && r.spec().recipe().validation())
                        ? " (validation accuracies, on images held out of the training split, where the recipe says"
                                + " `eval validation`)" : "")
                + "; one row per run is"
                + " in `" + CSV + "`.");

        d.heading(2, "Best test accuracy (%): the seed-000 table");
        d.para("Rows are inits, columns arch/dataset (with the recipe fields that differ when one"
                + " arch/dataset was run with several recipes). A cell is the mean ± sample standard deviation"
                + " (n − 1) of the best test accuracy over the epochs, over the finished (`done`) runs, n in"
                + " parentheses; runs still going or interrupted (`running`), `diverged`, `failed` or"
                + " `corrupt` are counted after the value and never averaged. `k at chance` counts the done runs"
                + " whose last test accuracy is within 1 pp of chance (1/classes): they collapsed (or never"
                + " learned) with a finite loss, so they are averaged with their best accuracy, and the"
                + " count shows how many did not train stably.");
        d.table(header, rows);
        List<String> recipes = new ArrayList<>();
        for (Analysis.Column c : a.columns()) {
            recipes.add("`" + c.label() + "`: " + RecipeFields.describe(c.key().recipe()));
        }
        d.para("Recipes of the columns:");
        d.items(recipes);
        if (!a.unplaced().isEmpty()) {
            d.para(a.unplaced().size() + " corrupt run(s) belong to no column (their spec.json is unreadable);"
                    + " see the last section.");
        }

        comparison(d, a);
        convergence(d, a);
        fidelity.accept(d);

        d.heading(2, "Plots");
        d.para("One set per column, from the `done` runs: mean test accuracy per init and epoch (heatmap),"
                + " best test accuracy with ±1 std error bars, and train / test loss per epoch (mean line,"
                + " dashed lines at mean ± 1 std over seeds). For an init whose runs recorded per-layer"
                + " statistics (`--log-layer-stats`), a layer × epoch heatmap of log10 of the weight-gradient"
                + " norm follows: per run the mean over the epoch's records, then the mean over the runs"
                + " (seeds), layers in depth order; blank cells are zero gradients or epochs without a record.");
        for (int i = 0; i < a.columns().size(); i++) {
            Analysis.Column c = a.columns().get(i);
            d.heading(3, c.label());
            if (plots.get(i).isEmpty()) {
                d.para("No finished run in this column: no plots.");
            }
            for (int k = 0; k < plots.get(i).size(); k++) {
                Plots.Plot p = plots.get(i).get(k);
                d.image(p.title(), plotNames.get(i).get(k), p.png());
            }
        }

        List<List<String>> others = new ArrayList<>();
        for (RunRecord r : a.runs()) {
            if (r.status() != RunStatus.DONE) {
                others.add(List.of("`" + r.path() + "`", r.spec() == null ? "?" : a.initLabel(r.spec().init()),
                        r.spec() == null ? "?" : Long.toString(r.spec().seed()), r.status().id(),
                        r.spec() == null ? "?" : r.epochsCompleted() + " / " + r.spec().recipe().epochs(),
                        r.reason() == null ? "" : r.reason()));
            }
        }
        d.heading(2, "Runs not in the means");
        if (others.isEmpty()) {
            d.para("None: every run is done.");
        } else {
            d.table(List.of("run", "init", "seed", "status", "epochs", "reason"), others);
        }
        if (!a.warnings().isEmpty()) {
            d.heading(2, "Warnings");
            d.items(a.warnings());
        }
        return d;
    }

    private static void comparison(Doc d, Analysis a) {
        d.heading(2, "Paired comparison against `" + a.baselineName() + "`");
        d.para("Δ = best test accuracy of the init − that of the baseline, in percentage points, over the seeds"
                + " with a done run of both in the same column (seeds with two done runs on one side are left"
                + " out). 95% CI: mean Δ ± t(0.975, n − 1) · sd/√n. p: two-sided paired t-test; Wilcoxon:"
                + " two-sided signed-rank test (exact without ties or zero differences, else normal"
                + " approximation with continuity correction), given from " + Stats.WILCOXON_MIN_N + " pairs.");
        for (Analysis.Column c : a.columns()) {
            d.heading(3, c.label());
            Analysis.Baseline b = a.baseline(c);
            if (b.init() == null) {
                d.para("No comparison: " + b.problem() + ".");
                continue;
            }
            List<List<String>> rows = new ArrayList<>();
            for (String init : a.inits()) {
                if (init.equals(b.init()) || c.cell(init) == null) {
                    continue;
                }
                Stats.Paired p = a.compare(c, init, b.init());
                if (p.n() < 2) {
                    rows.add(List.of(a.initLabel(init), Integer.toString(p.n()),
                            p.n() == 1 ? signed(p.meanDelta()) : "—", "needs ≥ 2 matched seeds", "—", "—"));
                    continue;
                }
                rows.add(List.of(a.initLabel(init), Integer.toString(p.n()), signed(p.meanDelta()),
                        "[" + signed(p.ciLow()) + ", " + signed(p.ciHigh()) + "]",
                        Double.isNaN(p.tTestP()) ? "— (Δ constant)" : pval(p.tTestP()),
                        p.n() < Stats.WILCOXON_MIN_N ? "n < " + Stats.WILCOXON_MIN_N
                                : Double.isNaN(p.wilcoxonP()) ? "— (all Δ = 0)" : pval(p.wilcoxonP())));
            }
            d.para("Baseline: `" + b.init() + "`.");
            if (rows.isEmpty()) {
                d.para("No other init in this column.");
            } else {
                d.table(List.of("init", "pairs", "mean Δ (pp)", "95% CI (pp)", "paired t p", "Wilcoxon p"), rows);
            }
        }
    }

    private static void convergence(Doc d, Analysis a) {
        d.heading(2, "Convergence speed");
        d.para("Target = q × the baseline's mean best test accuracy in the column (mean over its done runs),"
                + " q = 90% and 99%. For each done run, the epochs to reach it are the first epoch (1-based)"
                + " whose test accuracy is at or above the target; a cell is the mean over the runs that reached"
                + " it, with (reached/runs); \"not reached\" when no run did.");
        for (Analysis.Column c : a.columns()) {
            d.heading(3, c.label());
            Analysis.Baseline b = a.baseline(c);
            if (b.init() == null) {
                d.para("No convergence speed: " + b.problem() + ".");
                continue;
            }
            List<String> head = new ArrayList<>(List.of("init"));
            List<List<String>> rows = new ArrayList<>();
            boolean first = true;
            for (String init : a.inits()) {
                if (c.cell(init) == null) {
                    continue;
                }
                List<String> r = new ArrayList<>(List.of(a.initLabel(init)));
                for (double q : Analysis.CONVERGENCE_FRACTIONS) {
                    Analysis.Convergence cv = a.convergence(c, init, b.init(), q);
                    if (first) {
                        head.add(String.format(Locale.ROOT, "epochs to %.0f%% (≥ %.2f%%)", 100 * q, cv.target()));
                    }
                    if (cv.n() == 0) {
                        r.add("no done run");
                    } else if (cv.reached() == 0) {
                        r.add("not reached (0/" + cv.n() + ")");
                    } else {
                        r.add(String.format(Locale.ROOT, "%.1f (%d/%d)", cv.meanEpochs(), cv.reached(), cv.n()));
                    }
                }
                first = false;
                rows.add(r);
            }
            d.para("Baseline: `" + b.init() + "`.");
            d.table(head, rows);
        }
    }

    private static void prepare(Path out) {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new BadInputException("--out " + out + " exists and is not a directory");
        }
        RunDirectory.requireWritable(out);
    }

    private static void atomicWrite(Path target, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static String slug(String s) {
        String x = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]+", "-").replaceAll("^-+|-+$", "");
        return x.length() > 60 ? x.substring(0, 60) : x;
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String signed(double v) {
        return String.format(Locale.ROOT, "%+.2f", v);
    }

    private static String pval(double p) {
        return p < 0.001 ? String.format(Locale.ROOT, "%.1e", p) : String.format(Locale.ROOT, "%.3f", p);
    }
}
