package org.initbench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.initbench.init.InitFile;
import org.initbench.init.InitSpec;
import org.initbench.train.EpochMetrics;

/**
 * The runs grouped for the report: columns (arch/dataset + recipe), init rows, cells of runs, the
 * baseline of each column, paired comparisons and convergence speed. Only {@link RunStatus#DONE}
 * runs enter means, tests and plots; every other run is counted and shown as such. Accuracies here
 * are in percent.
 */
public final class Analysis {
    /** Convergence thresholds: fractions of the baseline's mean best accuracy. */
    public static final double[] CONVERGENCE_FRACTIONS = {0.90, 0.99};

    /** The runs of one init in one column. */
    public record Cell(List<RunRecord> runs) {
        /** The finished runs, the only ones averaged. */
        public List<RunRecord> done() {
            return runs.stream().filter(r -> r.status() == RunStatus.DONE).toList();
        }

        /** Mean ± std (n) of the best test accuracy (percent) over the done runs. */
        public Stats.Summary summary() {
            return Stats.summarize(done().stream().mapToDouble(r -> 100 * r.bestTestAcc()).toArray());
        }

        /** How many of the done runs end at chance ({@link RunRecord#endsAtChance}). */
        public long atChance() {
            return done().stream().filter(RunRecord::endsAtChance).count();
        }

        /** How many runs are in each status other than done. */
        public Map<RunStatus, Integer> notDone() {
            Map<RunStatus, Integer> m = new EnumMap<>(RunStatus.class);
            for (RunRecord r : runs) {
                if (r.status() != RunStatus.DONE) {
                    m.merge(r.status(), 1, Integer::sum);
                }
            }
            return m;
        }
    }

    /**
     * One column.
     *
     * @param key arch, dataset and recipe
     * @param label what the report calls it: {@code arch/dataset}, plus the recipe fields that differ
     *     from other columns of the same arch/dataset
     * @param cells the runs per init spec
     */
    public record Column(ColumnKey key, String label, Map<String, Cell> cells) {
        public Cell cell(String init) {
            return cells.get(init);
        }
    }

    /** The baseline in one column: its init spec, or why there is none. */
    public record Baseline(String init, String problem) {}

    /**
     * Epochs a run needs to reach a target accuracy, over the done runs of one cell.
     *
     * @param target the target test accuracy (percent)
     * @param reached how many runs reached it
     * @param n how many done runs there are
     * @param meanEpochs mean first epoch at or above the target over the runs that reached it; NaN if none
     */
    public record Convergence(double target, int reached, int n, double meanEpochs) {}

    private final List<Column> columns;
    private final List<String> inits;
    private final Map<String, String> initLabels;
    private final List<RunRecord> runs;
    private final List<RunRecord> unplaced;
    private final List<String> warnings = new ArrayList<>();
    private final String baseline;

    /** Groups {@code runs}; {@code baseline} is an init id or a full init spec. */
    public Analysis(List<RunRecord> runs, String baseline) {
        this.runs = List.copyOf(runs);
        this.baseline = baseline;
        this.unplaced = runs.stream().filter(r -> r.spec() == null).toList();
        Map<ColumnKey, Map<String, List<RunRecord>>> grouped = new TreeMap<>(ColumnKey.ORDER);
        Set<String> specs = new LinkedHashSet<>();
        for (RunRecord r : runs) {
            if (r.spec() == null) {
                continue;
            }
            specs.add(r.spec().init());
            grouped.computeIfAbsent(r.column(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(r.spec().init(), k -> new ArrayList<>()).add(r);
        }
        this.initLabels = labels(specs);
        List<String> ordered = new ArrayList<>(specs);
        ordered.sort(Comparator.comparing((String s) -> !matchesBaseline(s)).thenComparing(initLabels::get)
                .thenComparing(Comparator.naturalOrder()));
        this.inits = List.copyOf(ordered);
        Map<ColumnKey, String> colLabels = columnLabels(grouped.keySet());
        List<Column> cols = new ArrayList<>();
        for (var e : grouped.entrySet()) {
            Map<String, Cell> cells = new LinkedHashMap<>();
            for (String init : inits) {
                List<RunRecord> rs = e.getValue().get(init);
                if (rs != null) {
                    cells.put(init, new Cell(List.copyOf(rs)));
                }
            }
            Column c = new Column(e.getKey(), colLabels.get(e.getKey()), cells);
            cols.add(c);
            for (var ce : cells.entrySet()) {
                Map<Long, List<String>> bySeed = new TreeMap<>();
                for (RunRecord r : ce.getValue().done()) {
                    bySeed.computeIfAbsent(r.spec().seed(), k -> new ArrayList<>()).add(r.path());
                }
                bySeed.forEach((seed, paths) -> {
                    if (paths.size() > 1) {
                        warnings.add("column " + c.label() + ", init " + initLabels.get(ce.getKey()) + ": seed "
                                + seed + " has " + paths.size() + " done runs (" + String.join(", ", paths)
                                + "); all are in the mean, the paired comparison leaves this seed out");
                    }
                });
            }
        }
        this.columns = List.copyOf(cols);
    }

    public List<Column> columns() {
        return columns;
    }

    /** Init specs in row order: the baseline first, then by label. */
    public List<String> inits() {
        return inits;
    }

    /** The row label of an init spec: its id when no other spec shares the id, else the full spec. */
    public String initLabel(String init) {
        return initLabels.get(init);
    }

    public List<RunRecord> runs() {
        return runs;
    }

    /** Corrupt runs whose spec.json is unreadable: they belong to no column. */
    public List<RunRecord> unplaced() {
        return unplaced;
    }

    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    public String baselineName() {
        return baseline;
    }

    /** Whether an init spec is the baseline: equal to it, or with the baseline as its id. */
    public boolean matchesBaseline(String init) {
        return init.equals(baseline) || idOf(init).equals(baseline);
    }

    /** The baseline's init spec in a column, or why there is none. */
    public Baseline baseline(Column c) {
        List<String> m = c.cells().keySet().stream().filter(this::matchesBaseline).toList();
        if (m.isEmpty()) {
            return new Baseline(null, "no runs of the baseline " + baseline + " in this column");
        }
        if (m.size() > 1) {
            return new Baseline(null, "the baseline " + baseline + " matches several inits here ("
                    + String.join("; ", m) + "); pass the full spec as --baseline");
        }
        if (c.cell(m.get(0)).done().isEmpty()) {
            return new Baseline(null, "no finished run of the baseline " + m.get(0) + " in this column");
        }
        return new Baseline(m.get(0), null);
    }

    /**
     * Paired comparison of {@code init} against {@code baselineInit} in a column: best test accuracy
     * (percent) of done runs with the same seed; seeds with more than one done run on either side
     * are left out.
     */
    public Stats.Paired compare(Column c, String init, String baselineInit) {
        Map<Long, Double> a = uniqueBySeed(c.cell(init));
        Map<Long, Double> b = uniqueBySeed(c.cell(baselineInit));
        List<Long> seeds = a.keySet().stream().filter(b::containsKey).sorted().toList();
        double[] x = new double[seeds.size()];
        double[] y = new double[seeds.size()];
        for (int i = 0; i < seeds.size(); i++) {
            x[i] = a.get(seeds.get(i));
            y[i] = b.get(seeds.get(i));
        }
        return Stats.paired(x, y);
    }

    /**
     * Epochs to reach {@code fraction} of the baseline's best accuracy: target = fraction × the mean
     * over the baseline's done runs of their best test accuracy; for each done run of {@code init},
     * the first epoch whose test accuracy is at or above the target.
     */
    public Convergence convergence(Column c, String init, String baselineInit, double fraction) {
        double target = fraction * c.cell(baselineInit).summary().mean();
        List<RunRecord> done = c.cell(init).done();
        int reached = 0;
        double sum = 0;
        for (RunRecord r : done) {
            for (EpochMetrics m : r.metrics()) {
                if (100 * m.testAcc() >= target) {
                    reached++;
                    sum += m.epoch();
                    break;
                }
            }
        }
        return new Convergence(target, reached, done.size(), reached == 0 ? Double.NaN : sum / reached);
    }

    /**
     * Per-epoch mean and sample std of a metric over a cell's done runs: {@code [0]} means, {@code
     * [1]} stds (NaN with fewer than two runs), {@code [2]} run counts; epoch e at index e − 1.
     */
    public static double[][] curve(Cell cell, ToDoubleFunction<EpochMetrics> metric) {
        List<RunRecord> done = cell.done();
        int epochs = done.stream().mapToInt(r -> r.metrics().size()).max().orElse(0);
        double[][] out = new double[3][epochs];
        for (int e = 0; e < epochs; e++) {
            List<Double> vals = new ArrayList<>();
            for (RunRecord r : done) {
                if (r.metrics().size() > e) {
                    vals.add(metric.applyAsDouble(r.metrics().get(e)));
                }
            }
            Stats.Summary s = Stats.summarize(vals.stream().mapToDouble(Double::doubleValue).toArray());
            out[0][e] = s.mean();
            out[1][e] = s.std();
            out[2][e] = s.n();
        }
        return out;
    }

    private static Map<Long, Double> uniqueBySeed(Cell cell) {
        Map<Long, Double> m = new HashMap<>();
        Set<Long> dup = new LinkedHashSet<>();
        for (RunRecord r : cell.done()) {
            if (m.put(r.spec().seed(), 100 * r.bestTestAcc()) != null) {
                dup.add(r.spec().seed());
            }
        }
        dup.forEach(m::remove);
        return m;
    }

    /** The init's id: {@code kaiming-normal}; a file's language and name, {@code torch:my_init.py}. */
    static String idOf(String spec) {
        try {
            if (InitFile.isFileSpec(spec)) {
                InitFile.Parsed f = InitFile.parse(spec);
                return f.kind().prefix() + ":" + f.path().getFileName();
            }
            return InitSpec.parse(spec).id();
        } catch (RuntimeException e) {
            return spec;
        }
    }

    private static Map<String, String> labels(Set<String> specs) {
        Map<String, Integer> perId = new HashMap<>();
        for (String s : specs) {
            perId.merge(idOf(s), 1, Integer::sum);
        }
        Map<String, String> m = new HashMap<>();
        for (String s : specs) {
            m.put(s, perId.get(idOf(s)) == 1 ? idOf(s) : s);
        }
        return m;
    }

    private static Map<ColumnKey, String> columnLabels(Set<ColumnKey> keys) {
        Map<String, List<ColumnKey>> byBase = new LinkedHashMap<>();
        for (ColumnKey k : keys) {
            byBase.computeIfAbsent(k.base(), b -> new ArrayList<>()).add(k);
        }
        Map<ColumnKey, String> out = new HashMap<>();
        for (var e : byBase.entrySet()) {
            List<ColumnKey> ks = e.getValue();
            if (ks.size() == 1) {
                out.put(ks.get(0), e.getKey());
                continue;
            }
            List<String> differing = new ArrayList<>();
            for (String field : RecipeFields.fields(ks.get(0).recipe()).keySet()) {
                if (ks.stream().map(k -> RecipeFields.fields(k.recipe()).get(field)).distinct().count() > 1) {
                    differing.add(field);
                }
            }
            for (ColumnKey k : ks) {
                out.put(k, e.getKey() + " (" + RecipeFields.join(k.recipe(), differing) + ")");
            }
        }
        return out;
    }
}
