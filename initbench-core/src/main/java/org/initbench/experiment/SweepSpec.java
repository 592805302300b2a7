package org.initbench.experiment;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.initbench.BadInputException;
import org.initbench.init.InitFile;
import org.initbench.init.InitSpec;


/**
 * A grid of runs (design §7): models (arch × dataset pairs, each with optional overrides of the
 * recipe) × rungs (optional budgets: a ladder of cheap proxies up to the real run) × inits × seeds,
 * all with one training recipe. What {@code initbench sweep} reads from flags or a spec file and
 * stores as the sweep directory's {@code sweep.json}; its {@link #cells} are the runs, in a fixed
 * order that {@code --index} and Slurm array task ids refer to. Its JSON is flat: name, models,
 * inits, seeds, {@code rungs} (only when there are some, so sweeps without rungs are stored as
 * before), then the recipe's fields, with {@code logLayerStats} after {@code norm} where sweeps have
 * always stored it.
 *
 * @param name the sweep's name (the spec file's name without extension, or {@code sweep})
 * @param models the arch/dataset pairs, in order
 * @param inits init specs as written by the user (canonicalized per run in its {@code spec.json})
 * @param seeds run seeds
 * @param recipe every run's recipe, before the models' overrides; a null norm is each arch's own
 * @param logLayerStats record per-layer statistics every this many training steps in each run
 *     ({@code --log-layer-stats}); 0 = off, the default, and then absent from {@code sweep.json}, so
 *     sweeps stored before the field existed stay equal
 * @param rungs the budgets each model runs at, each a {@link Rung} of overrides of the budget knobs
 *     ({@link Budget#KEYS}); empty (the default, and absent from {@code sweep.json}) = one run per
 *     model, init and seed at the recipe itself
 */
public record SweepSpec(
        String name,
        List<Model> models,
        List<String> inits,
        List<Long> seeds,
        @JsonUnwrapped Recipe recipe,
        @JsonSetter(nulls = Nulls.AS_EMPTY) int logLayerStats,
        List<Rung> rungs) {

    /**
     * One arch/dataset pair; non-null fields override the sweep's recipe for its cells (e.g. a width
     * multiplier for the one large model of a proxy suite). {@code branchScalar} ({@code branch-scalar} in a
     * spec file) is absent from {@code sweep.json} when null, so sweeps stored before it stay the same.
     */
    public record Model(String arch, String dataset, Double width, String norm, Integer trainSubset,
            Integer testSubset, Integer epochs,
            @JsonInclude(JsonInclude.Include.NON_NULL) Boolean branchScalar) {
        public static Model of(String arch, String dataset) {
            return new Model(arch, dataset, null, null, null, null, null, null);
        }

        /** A pair with these overrides and no branch-scalar override. */
        public Model(String arch, String dataset, Double width, String norm, Integer trainSubset,
                Integer testSubset, Integer epochs) {
            this(arch, dataset, width, norm, trainSubset, testSubset, epochs, null);
        }

        /** {@code recipe} with this model's overrides. */
        Recipe over(Recipe recipe) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("epochs", epochs);
            o.put("train-subset", trainSubset);
            o.put("test-subset", testSubset);
            o.put("width", width);
            o.put("norm", norm);
            o.put("branch-scalar", branchScalar);
            o.values().removeIf(Objects::isNull);
            return recipe.with(o);
        }

        /** The budget knobs ({@link Budget#KEYS}) this model overrides. */
        List<String> budgetOverrides() {
            List<String> out = new ArrayList<>();
            Object[] v = {epochs, trainSubset, testSubset, width};
            for (int i = 0; i < v.length; i++) {
                if (v[i] != null) {
                    out.add(Budget.KEYS.get(i));
                }
            }
            return out;
        }
    }

    /**
     * One rung of a ladder: the budget knobs ({@link Budget#KEYS}: epochs, train-subset, test-subset,
     * width) it sets for every model, by key, in that order. Its JSON is the map itself ({@code
     * {"epochs": 3, "train-subset": 3000}}), as the spec file writes it.
     *
     * @param overrides the knobs it sets, each a value of the knob's type (Integer or Double)
     */
    public record Rung(@JsonValue Map<String, Object> overrides) {
        /** Checks the keys and converts the values to the knobs' types; a problem is a {@link BadInputException}. */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public Rung {
            if (overrides == null || overrides.isEmpty()) {
                throw new BadInputException("a rung must set at least one of " + Budget.KEYS);
            }
            for (String k : overrides.keySet()) {
                if (!Budget.KEYS.contains(k)) {
                    throw new BadInputException("a rung sets '" + k + "'; rungs set only the budget knobs "
                            + Budget.KEYS + " (a different lr, norm, … is another experiment, not a cheaper one)");
                }
            }
            Map<String, Object> typed = new LinkedHashMap<>();
            for (String k : Budget.KEYS) {
                if (overrides.containsKey(k)) {
                    typed.put(k, typed(k, overrides.get(k)));
                }
            }
            overrides = Collections.unmodifiableMap(typed);
        }

        private static Object typed(String key, Object v) {
            if (!(v instanceof Number n)) {
                throw new BadInputException("rung field '" + key + "' must be a number, got " + v);
            }
            if (Recipe.type(key) == double.class) {
                return n.doubleValue();
            }
            if (n.doubleValue() != Math.rint(n.doubleValue()) || Math.abs(n.doubleValue()) > Integer.MAX_VALUE) {
                throw new BadInputException("rung field '" + key + "' must be a whole number, got " + v);
            }
            return n.intValue();
        }

        /** {@code recipe} with this rung's knobs. */
        public Recipe over(Recipe recipe) {
            return recipe.with(overrides);
        }

        /**
         * The rung's part of a cell name: {@code e<epochs>}, {@code tr<train-subset>}, {@code
         * te<test-subset>} (0 reads {@code all}), joined by {@code -}; the width is left to the name's own
         * {@code -w<width>}. Empty for a rung that sets only the width.
         */
        public String suffix() {
            List<String> parts = new ArrayList<>();
            overrides.forEach((k, v) -> {
                String val = Integer.valueOf(0).equals(v) ? "all" : String.valueOf(v);
                switch (k) {
                    case "epochs" -> parts.add("e" + val);
                    case "train-subset" -> parts.add("tr" + val);
                    case "test-subset" -> parts.add("te" + val);
                    default -> { } // width: in the name already when not 1
                }
            });
            return String.join("-", parts);
        }

        /** {@code key=value} for each knob it sets, comma separated, for people. */
        public String describe() {
            List<String> parts = new ArrayList<>();
            overrides.forEach((k, v) -> parts.add(k + "=" + v));
            return String.join(", ", parts);
        }
    }

    /** One run of the grid: its index, its directory name under the sweep directory, and its spec. */
    public record Cell(int index, String name, TrainSpec spec) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Checks the grid is not empty and every value is in range; a problem is a {@link BadInputException}. */
    public SweepSpec {
        models = List.copyOf(models);
        rungs = rungs == null ? List.of() : List.copyOf(rungs);
        inits = inits.stream().map(i -> InitFile.isFileSpec(i) ? InitFile.parse(i).spec() : i).toList();
        seeds = List.copyOf(seeds);
        Objects.requireNonNull(recipe, "recipe");
        if (models.isEmpty() || inits.isEmpty() || seeds.isEmpty()) {
            throw new BadInputException("the sweep is empty: it needs at least one arch, dataset, init and seed"
                    + " (got " + models.size() + " arch/dataset pairs, " + inits.size() + " inits, "
                    + seeds.size() + " seeds)");
        }
        if (new HashSet<>(seeds).size() != seeds.size()) {
            throw new BadInputException("seeds repeat: " + seeds);
        }
        if (new HashSet<>(inits).size() != inits.size()) {
            throw new BadInputException("inits repeat: " + inits);
        }
        if (logLayerStats < 0) {
            throw new BadInputException("log-layer-stats must be positive (every N steps), got " + logLayerStats);
        }
        if (new HashSet<>(rungs).size() != rungs.size()) {
            throw new BadInputException("rungs repeat: "
                    + rungs.stream().map(r -> "{" + r.describe() + "}").toList());
        }
        for (Model m : models) {
            for (Rung r : rungs) {
                for (String k : m.budgetOverrides()) {
                    if (r.overrides().containsKey(k)) {
                        throw new BadInputException("model " + m.arch() + "/" + m.dataset() + " and the rung {"
                                + r.describe() + "} both set '" + k + "': set it in one place");
                    }
                }
            }
        }
    }

    /** A sweep without per-layer statistics or rungs. */
    public SweepSpec(String name, List<Model> models, List<String> inits, List<Long> seeds, Recipe recipe) {
        this(name, models, inits, seeds, recipe, 0, List.of());
    }

    /** A sweep without rungs. */
    public SweepSpec(String name, List<Model> models, List<String> inits, List<Long> seeds, Recipe recipe,
            int logLayerStats) {
        this(name, models, inits, seeds, recipe, logLayerStats, List.of());
    }

    /**
     * The flat JSON of {@code sweep.json}: the recipe's fields in place, {@code logLayerStats} (when
     * not 0) right after {@code norm}, where it stood before the later knobs were added.
     */
    @JsonValue
    Map<String, Object> json() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        out.put("models", models);
        out.put("inits", inits);
        out.put("seeds", seeds);
        if (!rungs.isEmpty()) {
            out.put("rungs", rungs);
        }
        Map<String, Object> r = JSON.convertValue(recipe, new TypeReference<Map<String, Object>>() {});
        r.forEach((k, v) -> {
            out.put(k, v);
            if (k.equals("norm") && logLayerStats != 0) {
                out.put("logLayerStats", logLayerStats);
            }
        });
        return out;
    }

    /**
     * The runs of the grid: model-major, then rung, then init, then seed; names are unique (a rung's
     * {@link Rung#suffix} follows the dataset in its cells' names).
     */
    public List<Cell> cells() {
        List<Cell> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<Rung> ladder = rungs.isEmpty() ? Collections.singletonList(null) : rungs;
        for (Model m : models) {
            for (Rung rung : ladder) {
                Recipe base = rung == null ? recipe : rung.over(recipe);
                for (String init : inits) {
                    for (long seed : seeds) {
                        TrainSpec spec = new TrainSpec(m.arch(), m.dataset(), init, seed, m.over(base));
                        String name = cellName(spec, rung == null ? "" : rung.suffix());
                        if (!names.add(name)) {
                            throw new BadInputException("the sweep lists the run " + name + " twice");
                        }
                        out.add(new Cell(out.size(), name, spec));
                    }
                }
            }
        }
        return out;
    }

    /** The rung of each cell, by cell index: null everywhere for a sweep without rungs. */
    public List<Rung> rungOfCells() {
        List<Rung> out = new ArrayList<>();
        List<Rung> ladder = rungs.isEmpty() ? Collections.singletonList(null) : rungs;
        for (int m = 0; m < models.size(); m++) {
            for (Rung rung : ladder) {
                for (int k = 0; k < inits.size() * seeds.size(); k++) {
                    out.add(rung);
                }
            }
        }
        return out;
    }

    /**
     * {@code <arch>[-<norm>][-alpha][-w<width>]-<dataset>-<init>-s<seed>} ({@link TrainSpec#variantSuffix}), the
     * init written with {@code :}
     * and {@code ,} replaced by {@code _} and anything outside {@code [A-Za-z0-9._=-]} dropped; an init
     * written in a file by its language and file name ({@code torch_my_init}, {@code java_MyInit_scale=2}).
     */
    static String cellName(TrainSpec s) {
        return cellName(s, "");
    }

    /** {@link #cellName(TrainSpec)} with {@code -<rung>} after the dataset when {@code rung} is not empty. */
    static String cellName(TrainSpec s, String rung) {
        StringBuilder b = new StringBuilder(s.arch()).append(s.variantSuffix());
        Recipe r = s.recipe();
        if (r.width() != 1.0) {
            b.append("-w").append(String.format(Locale.ROOT, "%s", r.width()));
        }
        String init = s.init();
        if (InitFile.isFileSpec(init)) { // the file's name, not its absolute path
            InitFile.Parsed f = InitFile.parse(init);
            init = InitSpec.format(f.kind().prefix() + ":" + f.stem(), f.options());
        }
        init = init.replace(':', '_').replace(',', '_').replaceAll("[^A-Za-z0-9._=-]", "");
        b.append('-').append(s.dataset());
        if (!rung.isEmpty()) {
            b.append('-').append(rung);
        }
        return b.append('-').append(init).append("-s").append(s.seed()).toString();
    }

    /**
     * Splits a comma-separated init list where an init's own options also use commas:
     * {@code kaiming-normal:mode=fan_in,a=0,orthogonal} is two inits; a piece with {@code =} and no
     * {@code :} continues the previous init's options.
     */
    public static List<String> splitInits(String list) {
        List<String> out = new ArrayList<>();
        for (String piece : list.split(",")) {
            String p = piece.strip();
            if (p.isEmpty()) {
                continue;
            }
            if (p.contains("=") && !p.contains(":") && !out.isEmpty()) {
                out.set(out.size() - 1, out.get(out.size() - 1) + "," + p);
            } else {
                out.add(p);
            }
        }
        return out;
    }

    /** Parses {@code 0..4} (inclusive), {@code 0,3,7} or a single seed. */
    public static List<Long> parseSeeds(String text) {
        String t = text.strip();
        try {
            if (t.matches("-?\\d+\\s*\\.\\.\\s*-?\\d+")) {
                String[] ends = t.split("\\.\\.");
                long from = Long.parseLong(ends[0].strip());
                long to = Long.parseLong(ends[1].strip());
                if (to < from || to - from > 100_000) {
                    throw new BadInputException("bad seed range " + t + ": need FROM..TO with FROM <= TO");
                }
                List<Long> out = new ArrayList<>();
                for (long s = from; s <= to; s++) {
                    out.add(s);
                }
                return out;
            }
            List<Long> out = new ArrayList<>();
            for (String p : t.split(",")) {
                if (!p.isBlank()) {
                    out.add(Long.parseLong(p.strip()));
                }
            }
            return out;
        } catch (NumberFormatException e) {
            throw new BadInputException("bad seeds '" + text
                    + "': expected FROM..TO, a comma-separated list or one number");
        }
    }
}
