package org.initbench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.initbench.experiment.Recipe;

/**
 * How the report shows a {@link Recipe}: its knobs by short name ({@code batch}, {@code wd}, …, as
 * in report labels), values formatted for people, and an order of recipes. Runs are averaged
 * together only when their recipes are equal; a missing norm (the arch's own) reads as {@code
 * default}. A knob without an entry in {@link #NAMES} shows under its key with its plain value.
 */
public final class RecipeFields {
    /** Short name and format of each knob whose label differs from its key or plain value. */
    private static final Map<String, Field> NAMES = Map.ofEntries(
            Map.entry("batch-size", new Field("batch", String::valueOf)),
            Map.entry("weight-decay", new Field("wd", RecipeFields::num)),
            Map.entry("train-subset", new Field("train_subset", RecipeFields::subset)),
            Map.entry("test-subset", new Field("test_subset", RecipeFields::subset)),
            Map.entry("validation", new Field("eval", v -> (Boolean) v ? "validation" : "test")),
            Map.entry("fixup-scalar-lr", new Field("scalar_lr", v -> (Boolean) v ? "lr/10" : "lr")),
            Map.entry("warmup-epochs", new Field("warmup_epochs", String::valueOf)),
            Map.entry("branch-scalar", new Field("branch_scalar", String::valueOf)));

    /** Orders recipes knob by knob, in declaration order. */
    public static final Comparator<Recipe> ORDER = RecipeFields::compare;

    private record Field(String name, Function<Object, String> format) {}

    private RecipeFields() {}

    /** The knobs by their short names (as in report labels), values formatted for people. */
    public static Map<String, String> fields(Recipe r) {
        Map<String, String> m = new LinkedHashMap<>();
        r.values().forEach((key, v) -> {
            Object value = v == null ? "default" : v;
            Field f = NAMES.get(key);
            if (f != null) {
                m.put(f.name(), f.format().apply(value));
            } else {
                m.put(key, value instanceof Double d ? num(d) : String.valueOf(value));
            }
        });
        return m;
    }

    /** {@code key=value} for every knob, comma separated. */
    public static String describe(Recipe r) {
        return join(r, new ArrayList<>(fields(r).keySet()));
    }

    /** {@code key=value} for the given knobs only, comma separated. */
    public static String join(Recipe r, List<String> keys) {
        Map<String, String> f = fields(r);
        List<String> parts = new ArrayList<>();
        for (String k : keys) {
            parts.add(k + "=" + f.get(k));
        }
        return String.join(", ", parts);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compare(Recipe a, Recipe b) {
        Map<String, Object> va = a.values();
        Map<String, Object> vb = b.values();
        for (String key : va.keySet()) {
            Comparable x = (Comparable) Objects.requireNonNullElse(va.get(key), "default");
            Comparable y = (Comparable) Objects.requireNonNullElse(vb.get(key), "default");
            int c = x.compareTo(y);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static String subset(Object v) {
        return (Integer) v == 0 ? "all" : v.toString();
    }

    private static String num(Object o) {
        double v = (Double) o;
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
