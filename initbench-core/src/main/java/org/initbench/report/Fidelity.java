package org.initbench.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.commons.math3.stat.correlation.KendallsCorrelation;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.apache.commons.statistics.descriptive.Quantile;
import org.initbench.Seeds;
import org.initbench.experiment.Budget;
import org.initbench.experiment.Recipe;

/**
 * Fidelity: does a cheap proxy rank the inits as the real run does? The report's columns are
 * grouped into ladders: one arch/dataset with one setting of every knob but the budget knobs
 * ({@link Budget#KEYS}: epochs, train/test subsets, width); each column of a ladder is a rung. The
 * top rung has the most images seen (epochs × training images per epoch; ties: the larger width,
 * then the larger test subset). Each other rung is compared with the top over the inits with done
 * runs at both, by the inits' mean best test accuracies: Spearman ρ (average ranks for ties) and
 * Kendall τ-b (Apache Commons Math 3.6.1), each with a 95% percentile bootstrap interval over
 * seeds; the fraction of init pairs ordered the same (a pair tied at both counts as the same order,
 * tied at one only as not); whether the top rung's winner (highest mean; all inits tied there are
 * winners) also has the highest mean at the rung.
 *
 * <p>The bootstrap resamples seeds with replacement and recomputes every mean and both
 * coefficients, {@link #BOOTSTRAP} times. When every init has exactly one done run per seed, with
 * the same seeds at the rung and the top (a sweep), it is paired: one draw of seeds per replicate,
 * used for every init at both rungs, so what a seed shares across inits and budgets (its data
 * subset and order) stays together. Otherwise each init's runs at each rung are resampled on their
 * own. Replicates whose coefficient is undefined (every mean tied) are left out of the interval. The
 * random numbers are seeded from {@link #BOOTSTRAP_SEED}, the ladder and the rung: the same runs give
 * the same intervals.
 */
public final class Fidelity {
    /** Bootstrap replicates per interval. */
    public static final int BOOTSTRAP = 2000;

    /** The root of the bootstrap's seeds (issue #28). */
    public static final long BOOTSTRAP_SEED = 28;

    /** The short names ({@link RecipeFields#fields}) of the budget knobs. */
    static final Set<String> BUDGET_FIELDS = Set.of("epochs", "train_subset", "test_subset", "width");

    /**
     * One rung of a ladder.
     *
     * @param column its report column
     * @param label the budget knobs that differ between the ladder's rungs, {@code epochs=3, train_subset=3000}
     * @param imagesSeen epochs × training images per epoch, per run
     */
    public record Rung(Analysis.Column column, String label, long imagesSeen) {
        /** The mean best test accuracy (percent) of an init's done runs here; NaN when it has none. */
        public double mean(String init) {
            Analysis.Cell c = column.cell(init);
            return c == null ? Double.NaN : c.summary().mean();
        }
    }

    /**
     * A coefficient and its bootstrap interval.
     *
     * @param estimate the coefficient of the means; NaN when undefined (every mean tied at one rung)
     * @param low lower end of the 95% percentile interval; NaN when no replicate is defined
     * @param high upper end
     * @param replicates how many replicates were defined
     */
    public record Interval(double estimate, double low, double high, int replicates) {}

    /**
     * One rung against the top rung, over the inits with done runs at both.
     *
     * @param rung the rung
     * @param inits the inits compared, in report row order
     * @param rungMeans their mean best test accuracies (percent) at the rung
     * @param topMeans and at the top rung
     * @param spearman Spearman ρ with its interval
     * @param kendall Kendall τ-b with its interval
     * @param pairsSame init pairs ordered the same at both rungs
     * @param pairs init pairs, n(n − 1)/2
     * @param topWinners the inits with the highest mean at the top
     * @param rungWinners the inits with the highest mean at the rung
     * @param paired whether the bootstrap was paired by seed
     */
    public record Comparison(Rung rung, List<String> inits, double[] rungMeans, double[] topMeans,
            Interval spearman, Interval kendall, int pairsSame, int pairs, List<String> topWinners,
            List<String> rungWinners, boolean paired) {
        /** Whether a winner at the top is also a winner at the rung. */
        public boolean winnerHolds() {
            return rungWinners.stream().anyMatch(topWinners::contains);
        }

        /** {@link #pairsSame} / {@link #pairs}. */
        public double pairAgreement() {
            return (double) pairsSame / pairs;
        }
    }

    /**
     * The rungs of one arch/dataset and non-budget recipe.
     *
     * @param label {@code arch/dataset}, with the non-budget knobs that tell it from other ladders of
     *     the same arch/dataset
     * @param rungs by images seen, the top rung last
     * @param comparisons each lower rung with at least two inits in common with the top, cheapest first
     */
    public record Ladder(String label, List<Rung> rungs, List<Comparison> comparisons) {
        public Rung top() {
            return rungs.get(rungs.size() - 1);
        }
    }

    private Fidelity() {}

    /** The ladders of the analysed runs that have a comparison; empty when none has. */
    public static List<Ladder> of(Analysis a) {
        return of(a, BOOTSTRAP, BOOTSTRAP_SEED);
    }

    /** The ladders, with {@code replicates} bootstrap replicates seeded from {@code seed}. */
    public static List<Ladder> of(Analysis a, int replicates, long seed) {
        Map<List<Object>, List<Analysis.Column>> groups = new LinkedHashMap<>();
        for (Analysis.Column c : a.columns()) {
            Map<String, Object> rest = new LinkedHashMap<>(c.key().recipe().values());
            rest.keySet().removeAll(Budget.KEYS);
            groups.computeIfAbsent(List.of(c.key().arch(), c.key().dataset(), rest), k -> new ArrayList<>()).add(c);
        }
        Map<List<Object>, String> labels = ladderLabels(groups);
        List<Ladder> out = new ArrayList<>();
        for (var g : groups.entrySet()) {
            if (g.getValue().size() < 2) {
                continue;
            }
            Ladder l = ladder(a, labels.get(g.getKey()), g.getValue(), replicates, seed);
            if (!l.comparisons().isEmpty()) {
                out.add(l);
            }
        }
        return out;
    }

    private static Ladder ladder(Analysis a, String label, List<Analysis.Column> cols, int replicates, long seed) {
        List<String> differing = differing(cols.stream().map(c -> c.key().recipe()).toList(), true);
        List<Rung> rungs = new ArrayList<>();
        for (Analysis.Column c : cols) {
            Recipe r = c.key().recipe();
            rungs.add(new Rung(c, RecipeFields.join(r, differing), Budget.imagesSeen(c.key().dataset(), r)));
        }
        rungs.sort(Comparator.comparingLong(Rung::imagesSeen)
                .thenComparingDouble(r -> r.column().key().recipe().width())
                .thenComparingInt(r -> testImages(r.column().key().recipe()))
                .thenComparing(r -> r.column().key().recipe(), RecipeFields.ORDER));
        Rung top = rungs.get(rungs.size() - 1);
        List<Comparison> comparisons = new ArrayList<>();
        for (Rung r : rungs.subList(0, rungs.size() - 1)) {
            List<String> inits = a.inits().stream().filter(i -> !Double.isNaN(r.mean(i)) && !Double.isNaN(top.mean(i)))
                    .toList();
            if (inits.size() >= 2) {
                comparisons.add(compare(r, top, inits, replicates, Seeds.derive(seed, label + " | " + r.label())));
            }
        }
        return new Ladder(label, List.copyOf(rungs), List.copyOf(comparisons));
    }

    private static int testImages(Recipe r) {
        return r.testSubset() == 0 ? Integer.MAX_VALUE : r.testSubset();
    }

    /** Compares a rung with the top over {@code inits} (each with a done run at both). */
    static Comparison compare(Rung rung, Rung top, List<String> inits, int replicates, long seed) {
        int n = inits.size();
        double[][] x = new double[n][];
        double[][] y = new double[n][];
        long[][] xs = new long[n][];
        long[][] ys = new long[n][];
        for (int i = 0; i < n; i++) {
            List<RunRecord> rd = rung.column().cell(inits.get(i)).done();
            List<RunRecord> td = top.column().cell(inits.get(i)).done();
            x[i] = rd.stream().mapToDouble(r -> 100 * r.bestTestAcc()).toArray();
            y[i] = td.stream().mapToDouble(r -> 100 * r.bestTestAcc()).toArray();
            xs[i] = rd.stream().mapToLong(r -> r.spec().seed()).toArray();
            ys[i] = td.stream().mapToLong(r -> r.spec().seed()).toArray();
        }
        double[] xm = new double[n];
        double[] ym = new double[n];
        for (int i = 0; i < n; i++) {
            xm[i] = mean(x[i]);
            ym[i] = mean(y[i]);
        }
        long[] seeds = commonSeeds(xs, ys);
        if (seeds != null) { // paired: order every init's runs by seed
            for (int i = 0; i < n; i++) {
                x[i] = bySeed(x[i], xs[i], seeds);
                y[i] = bySeed(y[i], ys[i], seeds);
            }
        }
        double[] rho = new double[replicates];
        double[] tau = new double[replicates];
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] bx = new double[n];
        double[] by = new double[n];
        for (int b = 0; b < replicates; b++) {
            if (seeds != null) {
                int[] draw = new int[seeds.length];
                for (int k = 0; k < draw.length; k++) {
                    draw[k] = rnd.nextInt(seeds.length);
                }
                for (int i = 0; i < n; i++) {
                    bx[i] = mean(x[i], draw);
                    by[i] = mean(y[i], draw);
                }
            } else {
                for (int i = 0; i < n; i++) {
                    bx[i] = resampledMean(x[i], rnd);
                    by[i] = resampledMean(y[i], rnd);
                }
            }
            rho[b] = spearman(bx, by);
            tau[b] = kendall(bx, by);
        }
        int same = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (Double.compare(Math.signum(xm[i] - xm[j]), Math.signum(ym[i] - ym[j])) == 0) {
                    same++;
                }
            }
        }
        return new Comparison(rung, List.copyOf(inits), xm, ym, interval(spearman(xm, ym), rho),
                interval(kendall(xm, ym), tau), same, n * (n - 1) / 2, winners(inits, ym), winners(inits, xm),
                seeds != null);
    }

    /** Spearman ρ with average ranks for ties; NaN when every value on one side is tied. */
    static double spearman(double[] x, double[] y) {
        return new SpearmansCorrelation().correlation(x, y);
    }

    /** Kendall τ-b; NaN when every value on one side is tied. */
    static double kendall(double[] x, double[] y) {
        return new KendallsCorrelation().correlation(x, y);
    }

    private static Interval interval(double estimate, double[] replicates) {
        double[] ok = Arrays.stream(replicates).filter(Double::isFinite).toArray();
        if (ok.length == 0) {
            return new Interval(estimate, Double.NaN, Double.NaN, 0);
        }
        double[] q = Quantile.withDefaults().evaluate(ok, 0.025, 0.975);
        return new Interval(estimate, q[0], q[1], ok.length);
    }

    /** The seeds every init has exactly once at both rungs, sorted; null when they differ anywhere. */
    private static long[] commonSeeds(long[][] xs, long[][] ys) {
        Set<Long> first = null;
        for (long[][] side : new long[][][] {xs, ys}) {
            for (long[] s : side) {
                Set<Long> set = new HashSet<>();
                for (long v : s) {
                    set.add(v);
                }
                if (set.size() != s.length || (first != null && !first.equals(set))) {
                    return null;
                }
                first = set;
            }
        }
        return first == null ? null : first.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    private static double[] bySeed(double[] v, long[] s, long[] seeds) {
        double[] out = new double[seeds.length];
        for (int i = 0; i < s.length; i++) {
            out[Arrays.binarySearch(seeds, s[i])] = v[i];
        }
        return out;
    }

    private static List<String> winners(List<String> inits, double[] means) {
        double max = Arrays.stream(means).max().orElse(Double.NaN);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < means.length; i++) {
            if (means[i] == max) {
                out.add(inits.get(i));
            }
        }
        return out;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return s / v.length;
    }

    private static double mean(double[] v, int[] draw) {
        double s = 0;
        for (int k : draw) {
            s += v[k];
        }
        return s / draw.length;
    }

    private static double resampledMean(double[] v, SplittableRandom rnd) {
        double s = 0;
        for (int k = 0; k < v.length; k++) {
            s += v[rnd.nextInt(v.length)];
        }
        return s / v.length;
    }

    /** Short names of the knobs that differ between recipes: the budget knobs, or all others. */
    private static List<String> differing(List<Recipe> recipes, boolean budget) {
        List<String> out = new ArrayList<>();
        for (String field : RecipeFields.fields(recipes.get(0)).keySet()) {
            if (BUDGET_FIELDS.contains(field) == budget
                    && recipes.stream().map(r -> RecipeFields.fields(r).get(field)).distinct().count() > 1) {
                out.add(field);
            }
        }
        return out;
    }

    private static Map<List<Object>, String> ladderLabels(Map<List<Object>, List<Analysis.Column>> groups) {
        Map<String, List<List<Object>>> byBase = new LinkedHashMap<>();
        for (List<Object> k : groups.keySet()) {
            byBase.computeIfAbsent(k.get(0) + "/" + k.get(1), b -> new ArrayList<>()).add(k);
        }
        Map<List<Object>, String> out = new LinkedHashMap<>();
        for (var e : byBase.entrySet()) {
            List<List<Object>> ks = e.getValue();
            List<Recipe> firsts = ks.stream().map(k -> groups.get(k).get(0).key().recipe()).toList();
            List<String> fields = ks.size() > 1 ? differing(firsts, false) : List.of();
            for (int i = 0; i < ks.size(); i++) {
                out.put(ks.get(i), fields.isEmpty() ? e.getKey()
                        : e.getKey() + " (" + RecipeFields.join(firsts.get(i), fields) + ")");
            }
        }
        return out;
    }
}
