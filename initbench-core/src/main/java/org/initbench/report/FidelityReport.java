package org.initbench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.DoubleStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * How the report shows {@link Fidelity}: the section of {@code report.md} and {@code report.html}
 * (per ladder a table of the inits' means per rung, a table of each rung against the top, and two
 * plots), and {@code fidelity.csv}, one row per rung compared.
 */
final class FidelityReport {
    /** The header of {@code fidelity.csv}, in order. */
    static final List<String> HEADER = List.of("cell", "rung", "rung_images_seen", "top_rung", "top_images_seen",
            "inits", "spearman_rho", "spearman_low", "spearman_high", "kendall_tau_b", "kendall_low", "kendall_high",
            "bootstrap", "bootstrap_replicates", "pairs_same", "pairs", "pair_agreement", "top_winner", "rung_winner",
            "winner_holds");

    private FidelityReport() {}

    /** The two plots of a ladder: {@code ladder} (means across rungs) and {@code scatter} (rung against top). */
    static List<Plots.Plot> plots(Analysis a, Fidelity.Ladder l) throws IOException {
        return List.of(
                new Plots.Plot("ladder", "Mean best test accuracy (%) per init across the rungs, " + l.label(),
                        Plots.png(ladderChart(a, l))),
                new Plots.Plot("scatter", "Mean best test accuracy (%): each rung against the top rung, " + l.label(),
                        Plots.png(scatterChart(a, l))));
    }

    /** The report section; {@code plotNames} holds each ladder's plot paths relative to the report. */
    static void section(Doc d, Analysis a, List<Fidelity.Ladder> ladders, List<List<Plots.Plot>> plots,
            List<List<String>> plotNames) {
        d.heading(2, "Fidelity: does a cheap proxy predict the real run?");
        d.para("A ladder is one arch/dataset run at several budgets (rungs: recipes that differ only in epochs,"
                + " train/test subsets or width); the top rung, the real run, has the most images seen (epochs ×"
                + " training images per epoch; ties: the larger width). Each lower rung is compared with the top"
                + " over the inits with done runs at both, by their mean best test accuracies: Spearman ρ (average"
                + " ranks for ties) and Kendall τ-b, each with a 95% percentile bootstrap interval ("
                + Fidelity.BOOTSTRAP + " replicates, seeded: the same runs give the same interval) that resamples"
                + " seeds and recomputes the means, paired by seed when every init has the same seeds at both"
                + " rungs, else within each init and rung; the init pairs ordered the same at both rungs (tied at"
                + " both counts as the same); whether the top rung's winner (highest mean) also wins at the rung."
                + " One row per rung compared is in `fidelity.csv`.");
        for (int k = 0; k < ladders.size(); k++) {
            Fidelity.Ladder l = ladders.get(k);
            d.heading(3, l.label());
            d.para("Top rung: `" + l.top().label() + "` (" + images(l.top().imagesSeen()) + " images seen per run).");
            List<String> head = new ArrayList<>(List.of("init"));
            for (Fidelity.Rung r : l.rungs()) {
                head.add(r.label() + " (" + images(r.imagesSeen()) + ")" + (r == l.top() ? " top" : ""));
            }
            List<List<String>> means = new ArrayList<>();
            for (String init : a.inits()) {
                if (l.rungs().stream().allMatch(r -> Double.isNaN(r.mean(init)))) {
                    continue;
                }
                List<String> row = new ArrayList<>(List.of(a.initLabel(init)));
                for (Fidelity.Rung r : l.rungs()) {
                    Analysis.Cell c = r.column().cell(init);
                    row.add(Double.isNaN(r.mean(init)) ? "" : f2(r.mean(init)) + " (" + c.summary().n() + ")");
                }
                means.add(row);
            }
            d.para("Mean best test accuracy (%) per rung (n done runs):");
            d.table(head, means);
            List<List<String>> rows = new ArrayList<>();
            for (Fidelity.Comparison c : l.comparisons()) {
                rows.add(List.of(c.rung().label(), images(c.rung().imagesSeen()), Integer.toString(c.inits().size()),
                        interval(c.spearman()), interval(c.kendall()),
                        c.pairsSame() + "/" + c.pairs()
                                + String.format(Locale.ROOT, " (%.0f%%)", 100 * c.pairAgreement()),
                        (c.winnerHolds() ? "yes" : "no") + " (top: " + names(a, c.topWinners()) + "; here: "
                                + names(a, c.rungWinners()) + ")",
                        c.paired() ? "paired by seed" : "within init"));
            }
            d.table(List.of("rung", "images seen", "inits", "Spearman ρ [95% CI]", "Kendall τ-b [95% CI]",
                    "pairs in the same order", "top winner wins here", "bootstrap"), rows);
            for (int p = 0; p < plots.get(k).size(); p++) {
                d.image(plots.get(k).get(p).title(), plotNames.get(k).get(p), plots.get(k).get(p).png());
            }
        }
    }

    /** {@code fidelity.csv}: one row per rung compared with its ladder's top. */
    static String csv(Analysis a, List<Fidelity.Ladder> ladders) throws IOException {
        StringWriter w = new StringWriter();
        CSVFormat fmt = CSVFormat.RFC4180.builder().setHeader(HEADER.toArray(String[]::new)).get();
        try (CSVPrinter p = new CSVPrinter(w, fmt)) {
            for (Fidelity.Ladder l : ladders) {
                for (Fidelity.Comparison c : l.comparisons()) {
                    p.printRecord(l.label(), c.rung().label(), c.rung().imagesSeen(), l.top().label(),
                            l.top().imagesSeen(), c.inits().size(), num(c.spearman().estimate()),
                            num(c.spearman().low()), num(c.spearman().high()), num(c.kendall().estimate()),
                            num(c.kendall().low()), num(c.kendall().high()), c.paired() ? "paired" : "within_init",
                            c.spearman().replicates(), c.pairsSame(), c.pairs(), num(c.pairAgreement()),
                            names(a, c.topWinners()), names(a, c.rungWinners()), c.winnerHolds());
                }
            }
        }
        return w.toString();
    }

    /**
     * Each init's mean across the rungs. The x axis is the rung, in the ladder's order (images seen, then width),
     * one category each: rungs that see the same images (a width ladder) stay apart. An init without a done run
     * at a rung leaves a gap there.
     */
    static CategoryChart ladderChart(Analysis a, Fidelity.Ladder l) {
        CategoryChart chart = new CategoryChartBuilder().width(Plots.WIDTH).height(Plots.HEIGHT)
                .title("Mean best test accuracy (%) per rung: " + l.label())
                .xAxisTitle("rung, by images seen per run (epochs × training images), then width")
                .yAxisTitle("mean best test accuracy (%)").build();
        var st = chart.getStyler();
        st.setChartBackgroundColor(Color.WHITE);
        st.setLegendPosition(Styler.LegendPosition.OutsideE);
        st.setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        st.setOverlapped(true);
        Plots.titleFont(st, chart.getTitle());
        List<String> rungs = l.rungs().stream().map(r -> r.label() + (r == l.top() ? " (top)" : "")).toList();
        for (String init : a.inits()) {
            List<Double> y = new ArrayList<>();
            for (Fidelity.Rung r : l.rungs()) {
                double mean = r.mean(init);
                y.add(Double.isNaN(mean) ? null : mean);
            }
            if (y.stream().anyMatch(Objects::nonNull)) {
                chart.addSeries(a.initLabel(init), rungs, y).setMarker(SeriesMarkers.CIRCLE);
            }
        }
        return chart;
    }

    /**
     * Each lower rung's means against the top's, one series per rung, each point labelled with its init, and the
     * line y = x: a point above it is an init the rung rates higher than the top does.
     */
    static XYChart scatterChart(Analysis a, Fidelity.Ladder l) {
        XYChart chart = new XYChartBuilder().width(Plots.WIDTH).height(Plots.HEIGHT)
                .title("Each rung against the top rung: " + l.label())
                .xAxisTitle("mean best test accuracy (%) at the top rung (" + l.top().label() + ")")
                .yAxisTitle("mean best test accuracy (%) at the rung").build();
        var st = chart.getStyler();
        st.setChartBackgroundColor(Color.WHITE);
        st.setLegendPosition(Styler.LegendPosition.OutsideS);
        st.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        st.setMarkerSize(9);
        st.setAnnotationTextFontColor(Color.DARK_GRAY);
        Plots.titleFont(st, chart.getTitle());
        for (Fidelity.Comparison c : l.comparisons()) {
            String name = c.rung().label() + String.format(Locale.ROOT, " (ρ = %s, τ-b = %s)",
                    f2(c.spearman().estimate()), f2(c.kendall().estimate()));
            chart.addSeries(name, c.topMeans(), c.rungMeans());
        }
        DoubleSummaryStatistics all = means(l, true);
        if (all.getMin() < all.getMax()) {
            double[] ends = {all.getMin(), all.getMax()};
            XYSeries diagonal = chart.addSeries("y = x", ends, ends);
            diagonal.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            diagonal.setMarker(SeriesMarkers.NONE);
            diagonal.setLineColor(Color.GRAY);
            diagonal.setLineStyle(new BasicStroke(1f, BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        }
        for (PointLabel p : pointLabels(a, l)) {
            chart.addAnnotation(new AnnotationText(p.text(), p.x(), p.y(), false));
        }
        return chart;
    }

    /** A point's label on the scatter plot: its init, centred just above the point (in data units). */
    record PointLabel(String text, double x, double y) {}

    /** The labels of the scatter plot's points, one per init and lower rung, lifted by 3% of the y range. */
    static List<PointLabel> pointLabels(Analysis a, Fidelity.Ladder l) {
        DoubleSummaryStatistics y = means(l, false);
        double lift = 0.03 * (y.getMax() > y.getMin() ? y.getMax() - y.getMin() : 1.0);
        List<PointLabel> labels = new ArrayList<>();
        for (Fidelity.Comparison c : l.comparisons()) {
            for (int i = 0; i < c.inits().size(); i++) {
                labels.add(new PointLabel(a.initLabel(c.inits().get(i)), c.topMeans()[i], c.rungMeans()[i] + lift));
            }
        }
        return labels;
    }

    /** The lower rungs' means, and the top's with them when {@code withTop}. */
    private static DoubleSummaryStatistics means(Fidelity.Ladder l, boolean withTop) {
        return l.comparisons().stream()
                .flatMapToDouble(c -> withTop
                        ? DoubleStream.concat(Arrays.stream(c.rungMeans()), Arrays.stream(c.topMeans()))
                        : Arrays.stream(c.rungMeans()))
                .summaryStatistics();
    }

    private static String interval(Fidelity.Interval i) {
        if (Double.isNaN(i.estimate())) {
            return "— (means tied)";
        }
        return f2(i.estimate()) + (Double.isNaN(i.low()) ? "" : " [" + f2(i.low()) + ", " + f2(i.high()) + "]");
    }

    private static String names(Analysis a, List<String> inits) {
        return String.join("; ", inits.stream().map(a::initLabel).toList());
    }

    private static String images(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String f2(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "";
    }
}
