package org.initbench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.initbench.experiment.RunDirectory;
import org.initbench.train.EpochMetrics;
import org.initbench.train.LayerStatsRecord;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's PNG plots for one column, drawn with XChart (headless): accuracy heatmap init ×
 * epoch, best-accuracy bars with std error bars, and train / test loss curves per init (mean line,
 * dashed lines at mean ± one std over seeds), and, for each init whose runs recorded per-layer
 * statistics ({@code --log-layer-stats}), a layer × epoch heatmap of log10 of the weight-gradient
 * norm. Only done runs are drawn.
 *
 * <p>About 330 lines, over the 300-line guide: four chart kinds that share one axis, colour and file
 * convention, each a short method; split apart they would repeat that convention.
 */
public final class Plots {
    static final int WIDTH = 900;
    static final int HEIGHT = 520;
    static final int HEATMAP_MAX_COLUMNS = 25;

    /**
     * One rendered plot.
     *
     * @param kind file-name suffix: heatmap, best-acc, train-loss, test-loss, layer-grad-&lt;init&gt;
     * @param title what it shows
     * @param png the PNG bytes
     */
    public record Plot(String kind, String title, byte[] png) {}

    private Plots() {}

    /** The plots of a column; empty when the column has no done run. */
    public static List<Plot> forColumn(Analysis a, Analysis.Column c) throws IOException {
        List<String> inits = a.inits().stream()
                .filter(i -> c.cell(i) != null && !c.cell(i).done().isEmpty()).toList();
        List<Plot> out = new ArrayList<>();
        if (inits.isEmpty()) {
            return out;
        }
        out.add(new Plot("heatmap", "Mean test accuracy (%) per epoch, " + c.label(), png(heatmap(a, c, inits))));
        out.add(new Plot("best-acc", "Best test accuracy (%), mean ± std over seeds, " + c.label(),
                png(bars(a, c, inits))));
        out.add(new Plot("train-loss", "Train loss per epoch, mean ± std over seeds, " + c.label(),
                png(curves(a, c, inits, "train loss", EpochMetrics::trainLoss))));
        out.add(new Plot("test-loss", "Test loss per epoch, mean ± std over seeds, " + c.label(),
                png(curves(a, c, inits, "test loss", EpochMetrics::testLoss))));
        for (String init : inits) {
            LayerGrid grid = layerGrid(c.cell(init));
            if (grid != null) {
                String title = "log10 |grad W| per layer and epoch, " + a.initLabel(init) + ", " + c.label();
                out.add(new Plot("layer-grad-" + Report.slug(a.initLabel(init)), title,
                        png(layerHeatmap(grid, title))));
            }
        }
        return out;
    }

    /**
     * Mean weight-gradient norms of a cell's done runs: {@code log10[layer][epoch - 1]} is log10 of the
     * mean over runs of each run's mean over its records of that epoch (NaN where no run has a finite
     * positive value: a zero gradient or no record); layers in depth order.
     *
     * @param runs how many runs had statistics
     */
    record LayerGrid(List<String> layers, double[][] log10, int runs) {}

    /** The cell's layer statistics, or null when none of its done runs has any (a damaged file counts as none). */
    static LayerGrid layerGrid(Analysis.Cell cell) {
        Set<String> layers = new LinkedHashSet<>();
        List<Map<String, Map<Integer, double[]>>> perRun = new ArrayList<>(); // layer -> epoch -> {sum, n}
        int epochs = 0;
        for (RunRecord r : cell.done()) {
            List<LayerStatsRecord> records;
            try {
                records = RunDirectory.readLayerStats(r.dir());
            } catch (IOException | RuntimeException e) {
                continue;
            }
            if (records.isEmpty()) {
                continue;
            }
            Map<String, Map<Integer, double[]>> sums = new LinkedHashMap<>();
            for (LayerStatsRecord rec : records) {
                epochs = Math.max(epochs, rec.epoch());
                rec.gradNorm().forEach((layer, v) -> {
                    layers.add(layer);
                    if (v != null && Float.isFinite(v)) {
                        double[] s = sums.computeIfAbsent(layer, k -> new TreeMap<>())
                                .computeIfAbsent(rec.epoch(), k -> new double[2]);
                        s[0] += v;
                        s[1]++;
                    }
                });
            }
            perRun.add(sums);
        }
        if (perRun.isEmpty() || layers.isEmpty() || epochs == 0) {
            return null;
        }
        List<String> names = List.copyOf(layers);
        double[][] out = new double[names.size()][epochs];
        for (int l = 0; l < names.size(); l++) {
            for (int e = 1; e <= epochs; e++) {
                double sum = 0;
                int n = 0;
                for (Map<String, Map<Integer, double[]>> run : perRun) {
                    double[] s = run.getOrDefault(names.get(l), Map.of()).get(e);
                    if (s != null && s[1] > 0) {
                        sum += s[0] / s[1];
                        n++;
                    }
                }
                double mean = n == 0 ? Double.NaN : sum / n;
                out[l][e - 1] = mean > 0 ? Math.log10(mean) : Double.NaN;
            }
        }
        return new LayerGrid(names, out, perRun.size());
    }

    private static HeatMapChart layerHeatmap(LayerGrid g, String title) {
        int rows = g.layers().size();
        int epochs = g.log10()[0].length;
        List<Integer> shown = heatmapEpochs(epochs);
        HeatMapChart chart = new HeatMapChartBuilder().width(WIDTH).height(Math.max(HEIGHT, 140 + 14 * rows))
                .title(title + " (" + g.runs() + (g.runs() == 1 ? " run" : " runs") + "; blank: zero or no record)")
                .xAxisTitle("epoch").yAxisTitle("layer (depth order, first on top)").build();
        List<String> ys = new ArrayList<>();
        List<Number[]> heat = new ArrayList<>();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int k = rows - 1, y = 0; k >= 0; k--, y++) {
            ys.add(g.layers().get(k));
            for (int x = 0; x < shown.size(); x++) {
                double v = g.log10()[k][shown.get(x) - 1];
                if (!Double.isNaN(v)) {
                    heat.add(new Number[] {x, y, Math.round(v * 100) / 100.0});
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (heat.isEmpty()) {
            min = 0;
            max = 1;
        }
        chart.addSeries("log10 |grad W|", shown, ys, heat);
        var st = chart.getStyler();
        st.setShowValue(shown.size() <= 12 && rows <= 16);
        st.setHeatMapValueDecimalPattern("0.00");
        titleFont(st, chart.getTitle());
        st.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, rows > 30 ? 9 : 11));
        heatmapRange(st, min, max);
        return chart;
    }

    /** The colour scale of every heatmap: viridis-like, from {@code min} to {@code max}. */
    private static void heatmapRange(org.knowm.xchart.style.HeatMapStyler st, double min, double max) {
        st.setMin(min);
        st.setMax(max > min ? max : min + 1e-9);
        st.setRangeColors(new Color[] {new Color(0x44, 0x01, 0x54), new Color(0x21, 0x91, 0x8c),
            new Color(0xfd, 0xe7, 0x25)});
        st.setPlotContentSize(0.95);
        st.setChartBackgroundColor(Color.WHITE);
    }

    static byte[] png(Chart<?, ?> chart) throws IOException {
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }

    private static HeatMapChart heatmap(Analysis a, Analysis.Column c, List<String> inits) {
        int height = Math.max(HEIGHT, 120 + 40 * inits.size());
        HeatMapChart chart = new HeatMapChartBuilder().width(WIDTH).height(height)
                .title("Mean test accuracy (%): " + c.label()).xAxisTitle("epoch").yAxisTitle("init").build();
        int epochs = 0;
        List<double[]> means = new ArrayList<>();
        for (String i : inits) {
            double[] m = Analysis.curve(c.cell(i), em -> 100 * em.testAcc())[0];
            means.add(m);
            epochs = Math.max(epochs, m.length);
        }
        List<Integer> shown = heatmapEpochs(epochs);
        // y runs bottom-up: list the rows in reverse so the first init is on top, as in the tables
        List<String> ys = new ArrayList<>();
        List<Number[]> heat = new ArrayList<>();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int k = inits.size() - 1, y = 0; k >= 0; k--, y++) {
            ys.add(a.initLabel(inits.get(k)));
            double[] m = means.get(k);
            for (int x = 0; x < shown.size(); x++) {
                int e = shown.get(x);
                if (e <= m.length) {
                    double v = Math.round(m[e - 1] * 100) / 100.0;
                    heat.add(new Number[] {x, y, v});
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (shown.size() < epochs) {
            chart.setTitle(chart.getTitle() + " (epochs 1, " + shown.get(1) + ", " + shown.get(2) + ", ..., "
                    + epochs + ")");
        }
        chart.addSeries("mean test accuracy (%)", shown, ys, heat);
        var st = chart.getStyler();
        st.setShowValue(shown.size() <= 12 && inits.size() <= 12);
        st.setHeatMapValueDecimalPattern("0.0");
        titleFont(st, chart.getTitle());
        heatmapRange(st, min, max);
        return chart;
    }

    /**
     * The epochs the heatmap shows: all up to {@value #HEATMAP_MAX_COLUMNS}; beyond, epoch 1, every
     * k-th epoch and the last, k = ⌈epochs / {@value #HEATMAP_MAX_COLUMNS}⌉.
     */
    static List<Integer> heatmapEpochs(int epochs) {
        List<Integer> shown = new ArrayList<>();
        int k = epochs <= HEATMAP_MAX_COLUMNS ? 1 : (epochs + HEATMAP_MAX_COLUMNS - 1) / HEATMAP_MAX_COLUMNS;
        for (int e = 1; e <= epochs; e++) {
            if (e == 1 || e % k == 0 || e == epochs) {
                shown.add(e);
            }
        }
        return shown;
    }

    private static CategoryChart bars(Analysis a, Analysis.Column c, List<String> inits) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Best test accuracy (%), mean ± std: " + c.label()).xAxisTitle("init")
                .yAxisTitle("best test accuracy (%)").build();
        List<String> labels = new ArrayList<>();
        List<Double> means = new ArrayList<>();
        List<Double> stds = new ArrayList<>();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (String i : inits) {
            Stats.Summary s = c.cell(i).summary();
            double sd = Double.isNaN(s.std()) ? 0 : s.std();
            labels.add(a.initLabel(i) + " (n=" + s.n() + ")");
            means.add(s.mean());
            stds.add(sd);
            lo = Math.min(lo, s.mean() - sd);
            hi = Math.max(hi, s.mean() + sd);
        }
        chart.addSeries("best test accuracy (%)", labels, means, stds);
        var st = chart.getStyler();
        st.setLegendVisible(false);
        titleFont(st, chart.getTitle());
        st.setChartBackgroundColor(Color.WHITE);
        st.setXAxisLabelRotation(inits.size() > 4 ? 30 : 0);
        double pad = Math.max(0.5, 0.15 * (hi - lo));
        st.setYAxisMin(Math.max(0, Math.floor(lo - pad)));
        st.setYAxisMax(Math.min(100, Math.ceil(hi + pad)));
        st.setErrorBarsColor(Color.BLACK);
        return chart;
    }

    private static XYChart curves(Analysis a, Analysis.Column c, List<String> inits, String what,
            ToDoubleFunction<EpochMetrics> metric) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(capitalize(what) + " (mean, dashed: ± std): " + c.label())
                .xAxisTitle("epoch").yAxisTitle(what).build();
        var st = chart.getStyler();
        st.setChartBackgroundColor(Color.WHITE);
        st.setLegendPosition(Styler.LegendPosition.OutsideE);
        titleFont(st, chart.getTitle());
        Color[] palette = st.getSeriesColors();
        BasicStroke dashed = new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {4f, 4f}, 0f);
        for (int k = 0; k < inits.size(); k++) {
            String init = inits.get(k);
            double[][] cur = Analysis.curve(c.cell(init), metric);
            int n = cur[0].length;
            double[] x = new double[n];
            double[] up = new double[n];
            double[] down = new double[n];
            boolean band = false;
            for (int e = 0; e < n; e++) {
                x[e] = e + 1;
                double sd = cur[1][e];
                band |= !Double.isNaN(sd);
                up[e] = cur[0][e] + (Double.isNaN(sd) ? 0 : sd);
                down[e] = cur[0][e] - (Double.isNaN(sd) ? 0 : sd);
            }
            Color col = palette[k % palette.length];
            String name = a.initLabel(init);
            XYSeries mean = chart.addSeries(name, x, cur[0]);
            mean.setLineColor(col);
            mean.setMarkerColor(col);
            mean.setMarker(n <= 30 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            if (band) {
                for (double[] edge : new double[][] {up, down}) {
                    XYSeries s = chart.addSeries(name + (edge == up ? " +std" : " -std"), x, edge);
                    s.setLineColor(col);
                    s.setLineStyle(dashed);
                    s.setMarker(SeriesMarkers.NONE);
                    s.setShowInLegend(false);
                }
            }
        }
        return chart;
    }

    static void titleFont(Styler st, String title) {
        st.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, title.length() > 80 ? 11 : 14));
    }

    private static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
