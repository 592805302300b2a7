package org.initbench.diag;

import java.util.Locale;
import org.initbench.diag.InspectReport.InitResult;
import org.initbench.diag.InspectReport.LayerStats;
import org.initbench.diag.InspectReport.NetworkStats;
import org.initbench.diag.InspectReport.ResidualStats;

/**
 * The terminal form of an {@link InspectReport}: per init, one row per conv/linear layer in depth
 * order (output mean and std, the std entering and leaving its nonlinearity, dead units, weight std,
 * ‖∇W‖ and ‖∇W‖/‖W‖, and with a prediction the predicted beside the measured output variance),
 * the residual adds (branch vs shortcut variance), and the network-level numbers; then one summary
 * line per init. Undefined values print as {@code -}.
 */
public final class InspectTable {
    private InspectTable() {}

    /** The whole report as text. */
    public static String render(InspectReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s on %s (norm %s%s, width %s), %s input, batch %d, seed %d%n",
                r.arch(), r.dataset(), r.norm(), r.branchScalar() ? ", branch scalar" : "", num(r.width()), r.input(),
                r.batch(), r.seed()));
        sb.append("batch: ").append(r.inputSource()).append('\n');
        for (InitResult init : r.inits()) {
            sb.append('\n').append("== ").append(init.init()).append(" ==\n");
            boolean pred = init.prediction() != null;
            sb.append(String.format(Locale.ROOT, "%3s %-24s %-14s %9s %9s %9s %9s %6s %9s %9s %9s%s%n",
                    "#", "layer", "role", "out mean", "out std", "pre std", "post std", "dead", "w std",
                    "|grad W|", "|gW|/|W|", pred ? String.format(Locale.ROOT, " %9s %9s", "var out", "predicted")
                            : ""));
            for (LayerStats l : init.layers()) {
                sb.append(String.format(Locale.ROOT, "%3d %-24s %-14s %9s %9s %9s %9s %6s %9s %9s %9s%s%n",
                        l.depth(), l.path(), l.role(), num(l.outMean()), num(l.outStd()), num(l.preStd()),
                        num(l.postStd()), pct(l.deadFraction()), num(l.weightStd()), num(l.weightGradNorm()),
                        num(l.gradToWeight()),
                        pred ? String.format(Locale.ROOT, " %9s %9s", num(sq(l.outStd())), num(l.predictedOutVar()))
                                : ""));
            }
            if (!init.residuals().isEmpty()) {
                sb.append(String.format(Locale.ROOT, "%n%-24s %11s %11s %11s %11s%s%n", "residual add",
                        "var branch", "var shortcut", "branch/short", "var sum", pred ? String.format(Locale.ROOT,
                                " %11s", "predicted") : ""));
                for (ResidualStats s : init.residuals()) {
                    sb.append(String.format(Locale.ROOT, "%-24s %11s %11s %11s %11s%s%n", s.block(),
                            num(s.branchVar()), num(s.shortcutVar()), num(s.branchToShortcut()), num(s.sumVar()),
                            pred ? String.format(Locale.ROOT, " %11s", num(s.predictedSumVar())) : ""));
                }
            }
            sb.append('\n').append(network(init.network())).append('\n');
            if (pred) {
                sb.append("predicted: ").append(init.prediction().equals("autoinit")
                        ? "AutoInit's own propagation (its input assumption and options)"
                        : "AutoInit's rules with these weights, from the measured input moments").append('\n');
            }
        }
        if (r.inits().size() > 1) {
            sb.append(String.format(Locale.ROOT, "%n%-40s %9s %9s %9s %12s %12s%n", "init", "logit std", "loss",
                    "ln(C)", "|gW| 1st/last", "max dead"));
            for (InitResult init : r.inits()) {
                NetworkStats n = init.network();
                Double maxDead = init.layers().stream().map(LayerStats::deadFraction)
                        .filter(java.util.Objects::nonNull).max(Double::compare).orElse(null);
                sb.append(String.format(Locale.ROOT, "%-40s %9s %9s %9s %12s %12s%n", shorten(init.init(), 40),
                        num(n.logitStd()), num(n.loss()), num(n.lnClasses()), num(n.firstLastGradRatio()),
                        pct(maxDead)));
            }
        }
        return sb.toString();
    }

    private static String network(NetworkStats n) {
        return String.format(Locale.ROOT,
                "input mean %s std %s | logit std %s | loss %s vs ln(classes) %s | |grad W| %s / %s = %s",
                num(n.inputMean()), num(n.inputStd()), num(n.logitStd()), num(n.loss()), num(n.lnClasses()),
                n.firstLayer(), n.lastLayer(), num(n.firstLastGradRatio()));
    }

    private static Double sq(Double x) {
        return x == null ? null : x * x;
    }

    private static String shorten(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }

    /** Three significant digits; scientific notation outside [1e-3, 1e4). */
    static String num(Double v) {
        if (v == null) {
            return "-";
        }
        double a = Math.abs(v);
        if (v == 0) {
            return "0";
        }
        if (a >= 1e-3 && a < 1e4) {
            return String.format(Locale.ROOT, "%.4g", v);
        }
        return String.format(Locale.ROOT, "%.2e", v);
    }

    private static String pct(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
