package org.initbench.perf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleBinaryOperator;

/**
 * Per architecture, initbench's train and eval images/s beside eager PyTorch's measured in the same
 * run ({@link TorchReference}), their ratio, and the fraction of the machine's fp32 GEMM rate each
 * side's train step reaches (train img/s × {@link FlopCount#trainFlops()} / GEMM FLOP/s).
 *
 * <p>Over several {@link Round}s (bench's {@code --rounds}: Java and PyTorch measured back to back per arch,
 * their order alternating between rounds), the rates are the medians of the rounds' medians and each ratio is
 * the median of the rounds' own ratios, with their range: a host whose speed drifts over minutes moves both
 * sides of a round alike, so the per-round ratio is steadier than a ratio of rates measured minutes apart.
 *
 * @param arch architecture id
 * @param dataset data shape
 * @param trainGflopPerImage training GFLOP per image (conv + linear, 3 × 2 × MACs)
 * @param javaTrain initbench train img/s (median)
 * @param torchTrain PyTorch train img/s (median), NaN when not compared
 * @param trainRatio javaTrain / torchTrain of each round, median over rounds; NaN when not compared
 * @param javaEval initbench eval img/s (median)
 * @param torchEval PyTorch eval img/s (median), NaN when not compared or not measured
 * @param evalRatio javaEval / torchEval of each round, median over rounds; NaN when not available
 * @param javaGemmFraction fraction of the GEMM rate initbench's train step reaches
 * @param torchGemmFraction fraction of the GEMM rate PyTorch's train step reaches, NaN when not compared
 * @param rounds rounds measured
 * @param trainRatioMin smallest round's train ratio (NaN when not compared)
 * @param trainRatioMax largest round's train ratio (NaN when not compared)
 */
public record BenchComparison(String arch, String dataset, double trainGflopPerImage, double javaTrain,
        double torchTrain, double trainRatio, double javaEval, double torchEval, double evalRatio,
        double javaGemmFraction, double torchGemmFraction, int rounds, double trainRatioMin, double trainRatioMax) {

    /**
     * One round's measurements: initbench's for every arch and the PyTorch reference's (null when not
     * compared).
     */
    public record Round(List<ThroughputBench.ArchResult> java, TorchReference.Result torch) {}

    /**
     * Pairs each bench result with the reference's rates for the same arch, in one round.
     *
     * @param torch the PyTorch reference, or null when not compared
     */
    public static List<BenchComparison> of(List<ThroughputBench.ArchResult> results, ThroughputBench.Gemm gemm,
            TorchReference.Result torch) {
        return of(List.of(new Round(results, torch)), gemm);
    }

    /** Aggregates rounds (each holding the same archs in the same order) per arch, as the class describes. */
    public static List<BenchComparison> of(List<Round> rounds, ThroughputBench.Gemm gemm) {
        double gemmGflops = gemm.gflops().median();
        List<BenchComparison> out = new ArrayList<>();
        for (int i = 0; i < rounds.get(0).java().size(); i++) {
            ThroughputBench.ArchResult first = rounds.get(0).java().get(i);
            int n = rounds.size();
            double[] jt = new double[n];
            double[] je = new double[n];
            double[] tt = new double[n];
            double[] te = new double[n];
            double[] rt = new double[n];
            double[] re = new double[n];
            for (int k = 0; k < n; k++) {
                ThroughputBench.ArchResult r = rounds.get(k).java().get(i);
                TorchReference.Result torch = rounds.get(k).torch();
                TorchReference.ArchRate t = torch == null ? null : torch.of(r.arch());
                jt[k] = r.train().median();
                je[k] = r.eval().median();
                tt[k] = t == null ? Double.NaN : t.train().median();
                te[k] = t == null || t.eval() == null ? Double.NaN : t.eval().median();
                rt[k] = jt[k] / tt[k];
                re[k] = je[k] / te[k];
            }
            double javaTrain = median(jt);
            double torchTrain = median(tt);
            double perImage = first.trainGflopPerImage();
            out.add(new BenchComparison(first.arch(), first.dataset(), perImage, javaTrain, torchTrain, median(rt),
                    median(je), median(te), median(re), javaTrain * perImage / gemmGflops,
                    torchTrain * perImage / gemmGflops, n, extreme(rt, Math::min), extreme(rt, Math::max)));
        }
        return out;
    }

    /** Markdown table: img/s side by side, ratios (with their range over rounds), and fractions of the GEMM rate. */
    public static String markdown(List<BenchComparison> rows, ThroughputBench.Gemm gemm) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "fp32 GEMM (%d×%d, DJL matMul): %.1f [%.1f–%.1f] GFLOP/s%n%n",
                gemm.size(), gemm.size(), gemm.gflops().median(), gemm.gflops().min(), gemm.gflops().max()));
        if (!rows.isEmpty() && rows.get(0).rounds() > 1) {
            b.append(String.format(Locale.ROOT, "%d interleaved rounds: rates are medians over rounds, each ratio the "
                    + "median of the rounds' own ratios [smallest–largest].%n%n", rows.get(0).rounds()));
        }
        b.append("| arch | data shape | train GFLOP/img | Java train img/s | PyTorch train img/s | Java/PyTorch "
                + "| Java eval img/s | PyTorch eval img/s | Java/PyTorch | Java % of GEMM | PyTorch % of GEMM |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (BenchComparison c : rows) {
            String ratio = withRange(c.trainRatio(), c.trainRatioMin(), c.trainRatioMax(), c.rounds());
            b.append(String.format(Locale.ROOT, "| %s | %s | %.3f | %.0f | %s | %s | %.0f | %s | %s | %.1f | %s |%n",
                    c.arch(), c.dataset(), c.trainGflopPerImage(), c.javaTrain(), num(c.torchTrain(), "%.0f"),
                    ratio, c.javaEval(), num(c.torchEval(), "%.0f"), num(c.evalRatio(), "%.2f"),
                    100 * c.javaGemmFraction(), num(100 * c.torchGemmFraction(), "%.1f")));
        }
        return b.toString();
    }

    /**
     * One arch's train speed-up of a precision over a reference precision (bench's {@code --precision fp32,bf16}),
     * on each side: initbench's rate in {@code precision} over its rate in {@code reference} within each round, and
     * the same for PyTorch; each the median of the rounds' own ratios, with its range (NaN when not compared).
     */
    public record Speedup(String arch, String precision, String reference, double java, double javaMin,
            double javaMax, double torch, double torchMin, double torchMax, int rounds) {}

    /**
     * The speed-up per arch of the rounds measured in {@code precision} over those measured in {@code reference}:
     * both lists hold the same rounds (round k of each measured back to back) with the same archs in the same order.
     */
    public static List<Speedup> speedups(String precision, List<Round> measured, String reference,
            List<Round> base) {
        if (measured.size() != base.size()) {
            throw new IllegalArgumentException(measured.size() + " rounds against " + base.size());
        }
        List<Speedup> out = new ArrayList<>();
        int n = measured.size();
        for (int i = 0; i < measured.get(0).java().size(); i++) {
            double[] j = new double[n];
            double[] t = new double[n];
            for (int k = 0; k < n; k++) {
                ThroughputBench.ArchResult a = measured.get(k).java().get(i);
                ThroughputBench.ArchResult b = base.get(k).java().get(i);
                j[k] = a.train().median() / b.train().median();
                t[k] = torchTrain(measured.get(k), a.arch()) / torchTrain(base.get(k), b.arch());
            }
            out.add(new Speedup(measured.get(0).java().get(i).arch(), precision, reference, median(j),
                    extreme(j, Math::min), extreme(j, Math::max), median(t), extreme(t, Math::min),
                    extreme(t, Math::max), n));
        }
        return out;
    }

    /** Markdown table of {@link #speedups}: each side's train rate in the precision over its rate in the reference. */
    public static String speedupMarkdown(List<Speedup> rows) {
        if (rows.isEmpty()) {
            return "";
        }
        Speedup f = rows.get(0);
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "Train speed-up of %s over %s, each side "
                + "against itself (median of the %d round(s)' own ratios [smallest–largest]):%n%n", f.precision(),
                f.reference(), f.rounds()));
        b.append(String.format(Locale.ROOT, "| arch | Java %1$s/%2$s | PyTorch %1$s/%2$s |%n|---|---|---|%n",
                f.precision(), f.reference()));
        for (Speedup s : rows) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", s.arch(),
                    withRange(s.java(), s.javaMin(), s.javaMax(), s.rounds()),
                    withRange(s.torch(), s.torchMin(), s.torchMax(), s.rounds())));
        }
        return b.toString();
    }

    private static double torchTrain(Round round, String arch) {
        TorchReference.ArchRate t = round.torch() == null ? null : round.torch().of(arch);
        return t == null ? Double.NaN : t.train().median();
    }

    private static String withRange(double v, double min, double max, int rounds) {
        String s = num(v, "%.2f");
        return rounds > 1 && !Double.isNaN(v) ? s + String.format(Locale.ROOT, " [%.2f–%.2f]", min, max) : s;
    }

    /** Median (mean of the two middle values for an even count); NaN when any value is NaN. */
    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return Arrays.stream(s).anyMatch(Double::isNaN) ? Double.NaN : (s[(s.length - 1) / 2] + s[s.length / 2]) / 2;
    }

    private static double extreme(double[] v, DoubleBinaryOperator pick) {
        return Arrays.stream(v).reduce(pick).orElse(Double.NaN);
    }

    private static String num(double v, String fmt) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, fmt, v);
    }
}
