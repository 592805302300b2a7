package org.initbench.diag;

import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.initbench.diag.InspectReport.InitResult;
import org.initbench.diag.InspectReport.LayerStats;
import org.initbench.diag.InspectReport.ResidualStats;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG plots of an {@link InspectReport} with XChart, one line per init so several inits compare on
 * one picture: the std of every conv/linear layer's output by depth, ‖∇W‖ by depth, and (for
 * residual nets) the branch-to-shortcut variance ratio at every add. The y axes are logarithmic;
 * points that are 0 (or undefined) cannot be drawn there and are left out, and an init with no
 * drawable point is named in the chart title instead of the legend. Rendering is headless.
 */
public final class InspectPlots {
    /** File names of the plots. */
    public static final String ACTIVATION_STD = "activation-std.png";
    public static final String GRAD_NORM = "grad-norm.png";
    public static final String RESIDUAL_RATIO = "residual-ratio.png";

    private static final int WIDTH = 1000;
    private static final int HEIGHT = 640;

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private InspectPlots() {}

    /** Every plot the report has data for, file name → PNG bytes. */
    public static Map<String, byte[]> render(InspectReport r) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        String what = r.arch() + " on " + r.dataset() + ", " + r.input() + " batch of " + r.batch();
        out.put(ACTIVATION_STD, png(byDepth(r, "std of each conv/linear output at init — " + what,
                "std of layer output", LayerStats::outStd)));
        out.put(GRAD_NORM, png(byDepth(r, "gradient norm of each conv/linear weight at init — " + what,
                "|grad W|", LayerStats::weightGradNorm)));
        if (r.inits().stream().anyMatch(i -> !i.residuals().isEmpty())) {
            out.put(RESIDUAL_RATIO, png(residuals(r, "Var(branch) / Var(shortcut) at each residual add — " + what)));
        }
        return out;
    }

    private static XYChart byDepth(InspectReport r, String title, String yTitle, Function<LayerStats, Double> f) {
        XYChart chart = chart(title, "depth (conv/linear layer, forward order)", yTitle);
        List<String> undrawn = new ArrayList<>();
        for (InitResult init : r.inits()) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (LayerStats l : init.layers()) {
                add(xs, ys, l.depth(), f.apply(l));
            }
            series(chart, init.init(), xs, ys, undrawn);
        }
        return finish(chart, undrawn);
    }

    private static XYChart residuals(InspectReport r, String title) {
        XYChart chart = chart(title, "residual block (forward order)", "Var(branch) / Var(shortcut)");
        List<String> undrawn = new ArrayList<>();
        for (InitResult init : r.inits()) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            int i = 0;
            for (ResidualStats s : init.residuals()) {
                add(xs, ys, ++i, s.branchToShortcut());
            }
            series(chart, init.init(), xs, ys, undrawn);
        }
        return finish(chart, undrawn);
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y)
                .build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        chart.getStyler().setMarkerSize(4);
        return chart;
    }

    private static void add(List<Double> xs, List<Double> ys, double x, Double y) {
        if (y != null && y > 0 && Double.isFinite(y)) {
            xs.add(x);
            ys.add(y);
        }
    }

    private static void series(XYChart chart, String name, List<Double> xs, List<Double> ys, List<String> undrawn) {
        if (xs.isEmpty()) {
            undrawn.add(name);
            return;
        }
        XYSeries s = chart.addSeries(name, xs, ys);
        s.setMarker(SeriesMarkers.CIRCLE);
    }

    private static XYChart finish(XYChart chart, List<String> undrawn) {
        if (!undrawn.isEmpty()) {
            chart.setTitle(chart.getTitle() + " (all 0, not drawn: " + String.join(", ", undrawn) + ")");
        }
        if (chart.getSeriesMap().isEmpty()) {
            chart.getStyler().setYAxisLogarithmic(false);
            chart.addSeries("nothing to draw", new double[] {0}, new double[] {0});
            return chart;
        }
        // whole decades around the data: XChart labels a log axis at powers of ten only
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (XYSeries s : chart.getSeriesMap().values()) {
            lo = Math.min(lo, s.getYMin());
            hi = Math.max(hi, s.getYMax());
        }
        double min = Math.pow(10, Math.floor(Math.log10(lo)));
        double max = Math.pow(10, Math.ceil(Math.log10(hi)));
        chart.getStyler().setYAxisMin(min);
        chart.getStyler().setYAxisMax(max > min ? max : min * 10);
        return chart;
    }

    private static byte[] png(XYChart chart) throws IOException {
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }
}
