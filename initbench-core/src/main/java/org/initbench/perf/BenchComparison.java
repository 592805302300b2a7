package org.initbench.perf;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Per architecture, initbench's train and eval images/s beside eager PyTorch's measured in the same
 * run ({@link TorchReference}), their ratio, and the fraction of the machine's fp32 GEMM rate each
 * side's train step reaches (train img/s × {@link FlopCount#trainFlops()} / GEMM FLOP/s).
 *
 * @param arch architecture id
 * @param dataset data shape
 * @param trainGflopPerImage training GFLOP per image (conv + linear, 3 × 2 × MACs)
 * @param javaTrain initbench train img/s (median)
 * @param torchTrain PyTorch train img/s (median), NaN when not compared
 * @param trainRatio javaTrain / torchTrain, NaN when not compared
 * @param javaEval initbench eval img/s (median)
 * @param torchEval PyTorch eval img/s (median), NaN when not compared or not measured
 * @param evalRatio javaEval / torchEval, NaN when not available
 * @param javaGemmFraction fraction of the GEMM rate initbench's train step reaches
 * @param torchGemmFraction fraction of the GEMM rate PyTorch's train step reaches, NaN when not compared
 */
public record BenchComparison(String arch, String dataset, double trainGflopPerImage, double javaTrain,
        double torchTrain, double trainRatio, double javaEval, double torchEval, double evalRatio,
        double javaGemmFraction, double torchGemmFraction) {

    /**
     * Pairs each bench result with the reference's rates for the same arch.
     *
     * @param torch the PyTorch reference, or null when not compared
     */
    public static List<BenchComparison> of(List<ThroughputBench.ArchResult> results, ThroughputBench.Gemm gemm,
            TorchReference.Result torch) {
        double gemmGflops = gemm.gflops().median();
        List<BenchComparison> out = new ArrayList<>();
        for (ThroughputBench.ArchResult r : results) {
            TorchReference.ArchRate t = torch == null ? null : torch.of(r.arch());
            double tt = t == null ? Double.NaN : t.train().median();
            double te = t == null || t.eval() == null ? Double.NaN : t.eval().median();
            double perImage = r.trainGflopPerImage();
            out.add(new BenchComparison(r.arch(), r.dataset(), perImage, r.train().median(), tt,
                    r.train().median() / tt, r.eval().median(), te, r.eval().median() / te,
                    r.train().median() * perImage / gemmGflops, tt * perImage / gemmGflops));
        }
        return out;
    }

    /** Markdown table: img/s side by side, ratios, and fractions of the GEMM rate. */
    public static String markdown(List<BenchComparison> rows, ThroughputBench.Gemm gemm) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "fp32 GEMM (%d×%d, DJL matMul): %.1f [%.1f–%.1f] GFLOP/s%n%n",
                gemm.size(), gemm.size(), gemm.gflops().median(), gemm.gflops().min(), gemm.gflops().max()));
        b.append("| arch | data shape | train GFLOP/img | Java train img/s | PyTorch train img/s | Java/PyTorch "
                + "| Java eval img/s | PyTorch eval img/s | Java/PyTorch | Java % of GEMM | PyTorch % of GEMM |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (BenchComparison c : rows) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %.3f | %.0f | %s | %s | %.0f | %s | %s | %.1f | %s |%n",
                    c.arch(), c.dataset(), c.trainGflopPerImage(), c.javaTrain(), num(c.torchTrain(), "%.0f"),
                    num(c.trainRatio(), "%.2f"), c.javaEval(), num(c.torchEval(), "%.0f"), num(c.evalRatio(), "%.2f"),
                    100 * c.javaGemmFraction(), num(100 * c.torchGemmFraction(), "%.1f")));
        }
        return b.toString();
    }

    private static String num(double v, String fmt) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, fmt, v);
    }
}
