package org.initbench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.initbench.experiment.TrainSpec;

/**
 * Every field of a {@link TrainSpec} except arch, dataset, init and seed: runs are averaged together
 * only when their recipes are equal.
 */
public record Recipe(
        int epochs,
        int batchSize,
        double lr,
        double momentum,
        double weightDecay,
        boolean nesterov,
        int trainSubset,
        int testSubset,
        double width,
        String norm,
        boolean validation,
        boolean fixupScalarLr,
        int warmupEpochs) {

    /** Orders recipes field by field, in declaration order. */
    public static final Comparator<Recipe> ORDER = Comparator.comparingInt(Recipe::epochs)
            .thenComparingInt(Recipe::batchSize)
            .thenComparingDouble(Recipe::lr)
            .thenComparingDouble(Recipe::momentum)
            .thenComparingDouble(Recipe::weightDecay)
            .thenComparing(Recipe::nesterov)
            .thenComparingInt(Recipe::trainSubset)
            .thenComparingInt(Recipe::testSubset)
            .thenComparingDouble(Recipe::width)
            .thenComparing(Recipe::norm, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(Recipe::validation)
            .thenComparing(Recipe::fixupScalarLr)
            .thenComparingInt(Recipe::warmupEpochs);

    /** The recipe of a run's spec; a missing norm reads as {@code default} (the arch's own). */
    public static Recipe of(TrainSpec s) {
        return new Recipe(s.epochs(), s.batchSize(), s.lr(), s.momentum(), s.weightDecay(), s.nesterov(),
                s.trainSubset(), s.testSubset(), s.width(), s.norm() == null ? "default" : s.norm(), s.validation(),
                s.fixupScalarLr(), s.warmupEpochs());
    }

    /** The fields by their short names (as in results.csv), values formatted for people. */
    public Map<String, String> fields() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("epochs", Integer.toString(epochs));
        m.put("batch", Integer.toString(batchSize));
        m.put("lr", num(lr));
        m.put("momentum", num(momentum));
        m.put("wd", num(weightDecay));
        m.put("nesterov", Boolean.toString(nesterov));
        m.put("train_subset", trainSubset == 0 ? "all" : Integer.toString(trainSubset));
        m.put("test_subset", testSubset == 0 ? "all" : Integer.toString(testSubset));
        m.put("width", num(width));
        m.put("norm", norm);
        m.put("eval", validation ? "validation" : "test");
        m.put("scalar_lr", fixupScalarLr ? "lr/10" : "lr");
        m.put("warmup_epochs", Integer.toString(warmupEpochs));
        return m;
    }

    /** {@code key=value} for every field, comma separated. */
    public String describe() {
        return join(new ArrayList<>(fields().keySet()));
    }

    /** {@code key=value} for the given fields only, comma separated. */
    public String join(List<String> keys) {
        Map<String, String> f = fields();
        List<String> parts = new ArrayList<>();
        for (String k : keys) {
            parts.add(k + "=" + f.get(k));
        }
        return String.join(", ", parts);
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        String s = String.format(Locale.ROOT, "%.6g", v);
        if (s.contains("e")) {
            return Double.toString(v);
        }
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}
