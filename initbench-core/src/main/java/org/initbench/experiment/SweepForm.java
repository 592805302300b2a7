package org.initbench.experiment;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.initbench.BadInputException;
import org.initbench.model.Models;


/**
 * A sweep as written by the user: a spec file (YAML, or JSON for {@code .json}) or the command's
 * flags, with the flags' field names ({@code batch-size}, {@code train-subset}, …). Any field may be
 * absent; {@link #overriddenBy} lays flags over a file and {@link #toSpec} fills in the seed's recipe
 * for what is still absent. Unknown fields and wrong types are refused with the field and line.
 *
 * <pre>
 * models:                       # or: arch: [resnet20, vgg16bn] and dataset: fashion-mnist (a product)
 *   - {arch: resnet20, dataset: fashion-mnist}
 *   - {arch: vgg16bn, dataset: fashion-mnist, width: 0.25}
 *   - {arch: resnet20, dataset: fashion-mnist, norm: none, branch-scalar: true}
 * inits: [kaiming-normal, orthogonal, fixup]
 * seeds: 0..4                   # or [0, 1, 2] or "0,1,2"
 * epochs: 8
 * train-subset: 6000
 * rungs:                        # optional: a ladder of budgets, each multiplying the grid
 *   - {epochs: 3, train-subset: 3000}
 *   - {epochs: 16, train-subset: 12000}
 * </pre>
 */
public final class SweepForm {
    @JsonProperty("name") public String name;
    @JsonProperty("models") public List<ModelForm> models;
    @JsonProperty("arch") public JsonNode arch;
    @JsonProperty("dataset") public JsonNode dataset;
    @JsonProperty("inits") public JsonNode inits;
    @JsonProperty("seeds") public JsonNode seeds;
    @JsonProperty("log-layer-stats") public Integer logLayerStats;
    @JsonProperty("rungs") public List<Map<String, Object>> rungs;

    /**
     * The recipe knobs this form sets, by key ({@link Recipe#keys}: {@code epochs}, {@code batch-size},
     * …), each a value of the knob's type; absent knobs keep the seed's recipe.
     */
    @JsonIgnore public final Map<String, Object> recipe = new LinkedHashMap<>();

    /** Every other field of a spec file, checked against the recipe's keys by {@link #read}. */
    @JsonIgnore private final Map<String, JsonNode> rest = new LinkedHashMap<>();

    @JsonAnySetter
    private void rest(String key, JsonNode value) {
        rest.put(key, value);
    }

    /** One entry of {@code models}. */
    public static final class ModelForm {
        @JsonProperty("arch") public String arch;
        @JsonProperty("dataset") public String dataset;
        @JsonProperty("width") public Double width;
        @JsonProperty("norm") public String norm;
        @JsonProperty("train-subset") public Integer trainSubset;
        @JsonProperty("test-subset") public Integer testSubset;
        @JsonProperty("epochs") public Integer epochs;
        @JsonProperty("branch-scalar") public Boolean branchScalar;
    }

    /** Reads a spec file; every problem is one {@link BadInputException} line naming the file, line and field. */
    public static SweepForm read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new BadInputException("sweep spec " + file + " does not exist");
        } catch (IOException e) {
            throw new BadInputException("cannot read sweep spec " + file + ": " + e.getMessage());
        }
        if (text.isBlank()) {
            throw new BadInputException("sweep spec " + file + " is empty");
        }
        ObjectMapper mapper = file.toString().endsWith(".json") ? new ObjectMapper() : new YAMLMapper();
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try {
            SweepForm form = mapper.readValue(text, SweepForm.class);
            if (form == null) {
                throw new BadInputException("sweep spec " + file + " is empty");
            }
            form.readRecipe(file, text, mapper);
            if (form.name == null) {
                String n = file.getFileName().toString();
                form.name = n.contains(".") ? n.substring(0, n.lastIndexOf('.')) : n;
            }
            return form;
        } catch (UnrecognizedPropertyException e) {
            throw new BadInputException(where(file, e.getLocation()) + ": unknown field '" + e.getPropertyName()
                    + "' (known: " + e.getKnownPropertyIds().stream().map(Object::toString).sorted()
                            .collect(Collectors.joining(", ")) + ")");
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof StreamReadException syntax) {
                throw notValid(file, mapper, syntax);
            }
            String field = e.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
            throw new BadInputException(where(file, e.getLocation()) + ": bad value for field '" + field + "': "
                    + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (JsonProcessingException e) {
            throw notValid(file, mapper, e);
        }
    }

    /** Moves the recipe's knobs from {@link #rest} into {@link #recipe}, typed; anything else is unknown. */
    private void readRecipe(Path file, String text, ObjectMapper mapper) {
        for (Map.Entry<String, JsonNode> e : rest.entrySet()) {
            String key = e.getKey();
            Class<?> type = Recipe.type(key);
            if (type == null) {
                List<String> known = new ArrayList<>(Recipe.keys());
                mapper.getSerializationConfig().introspect(mapper.constructType(SweepForm.class)).findProperties()
                        .forEach(d -> known.add(d.getName()));
                throw new BadInputException(where(file, text, mapper, key) + ": unknown field '" + key + "' (known: "
                        + known.stream().sorted().collect(Collectors.joining(", ")) + ")");
            }
            if (e.getValue().isNull()) {
                continue;
            }
            try {
                recipe.put(key, mapper.convertValue(e.getValue(), type));
            } catch (IllegalArgumentException bad) {
                String why = bad.getCause() instanceof JsonProcessingException j ? j.getOriginalMessage()
                        : bad.getMessage();
                throw new BadInputException(where(file, text, mapper, key) + ": bad value for field '" + key + "': "
                        + why.lines().findFirst().orElse(""));
            }
        }
    }

    /** {@code sweep spec FILE line N}, N the line of the top-level field {@code key}. */
    private static String where(Path file, String text, ObjectMapper mapper, String key) {
        try (JsonParser p = mapper.createParser(text)) {
            int depth = 0;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t.isStructStart()) {
                    depth++;
                } else if (t.isStructEnd()) {
                    depth--;
                } else if (t == JsonToken.FIELD_NAME && depth == 1 && key.equals(p.currentName())) {
                    return where(file, p.currentTokenLocation());
                }
            }
        } catch (IOException e) {
            // the text was read once already; without a line the message still names the field
        }
        return where(file, null);
    }

    private static BadInputException notValid(Path file, ObjectMapper mapper, JsonProcessingException e) {
        return new BadInputException(where(file, e.getLocation()) + ": not valid "
                + (mapper instanceof YAMLMapper ? "YAML" : "JSON") + ": "
                + e.getOriginalMessage().lines().findFirst().orElse(""));
    }

    private static String where(Path file, JsonLocation loc) {
        return "sweep spec " + file + (loc != null && loc.getLineNr() > 0 ? " line " + loc.getLineNr() : "");
    }

    /** A copy of this form with every field {@code flags} sets replacing this one's. */
    public SweepForm overriddenBy(SweepForm flags) {
        SweepForm f = new SweepForm();
        f.name = pick(flags.name, name);
        boolean flagsGrid = flags.arch != null || flags.dataset != null;
        f.models = flagsGrid ? null : models;
        f.arch = flags.arch != null ? flags.arch : flagsGrid && models != null ? null : arch;
        f.dataset = flags.dataset != null ? flags.dataset : flagsGrid && models != null ? null : dataset;
        f.inits = pick(flags.inits, inits);
        f.seeds = pick(flags.seeds, seeds);
        f.logLayerStats = pick(flags.logLayerStats, logLayerStats);
        f.rungs = pick(flags.rungs, rungs);
        f.recipe.putAll(recipe);
        f.recipe.putAll(flags.recipe);
        return f;
    }

    private static <T> T pick(T first, T second) {
        return first != null ? first : second;
    }

    /** The sweep, with the seed's recipe where a field is absent. */
    public SweepSpec toSpec() {
        if (logLayerStats != null && logLayerStats <= 0) {
            throw new BadInputException("log-layer-stats must be positive (every N steps), got " + logLayerStats
                    + "; leave it out to record none");
        }
        List<SweepSpec.Model> pairs = new ArrayList<>();
        if (models != null) {
            if (arch != null || dataset != null) {
                throw new BadInputException("give either 'models' or 'arch' and 'dataset', not both");
            }
            for (int i = 0; i < models.size(); i++) {
                ModelForm m = models.get(i);
                if (m == null || m.arch == null || m.dataset == null) {
                    throw new BadInputException("models[" + i + "] needs both 'arch' and 'dataset'");
                }
                pairs.add(new SweepSpec.Model(Models.canonicalId(m.arch), m.dataset, m.width, m.norm, m.trainSubset,
                        m.testSubset, m.epochs, m.branchScalar));
            }
        } else {
            List<String> archs = list("arch", arch, s -> List.of(s.split(",")));
            List<String> datasets = list("dataset", dataset, s -> List.of(s.split(",")));
            for (String a : archs) {
                for (String d : datasets) {
                    pairs.add(SweepSpec.Model.of(Models.canonicalId(a), d.strip()));
                }
            }
        }
        List<String> initList = list("inits", inits, SweepSpec::splitInits);
        List<Long> seedList = new ArrayList<>();
        for (String s : list("seeds", seeds, s -> List.of(s))) {
            seedList.addAll(SweepSpec.parseSeeds(s));
        }
        List<SweepSpec.Rung> ladder = new ArrayList<>();
        if (rungs != null) {
            for (int i = 0; i < rungs.size(); i++) {
                try {
                    ladder.add(new SweepSpec.Rung(rungs.get(i)));
                } catch (BadInputException e) {
                    throw new BadInputException("rungs[" + i + "]: " + e.getMessage());
                }
            }
        }
        return new SweepSpec(name != null ? name : "sweep", pairs, initList, seedList, Recipe.SEED.with(recipe),
                pick(logLayerStats, 0), ladder);
    }

    /** A field that is a string (split by {@code split}), a number, or a list of those. */
    private static List<String> list(String field, JsonNode node, Function<String, List<String>> split) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            for (JsonNode n : node) {
                if (!n.isValueNode()) {
                    throw new BadInputException("field '" + field + "' must be a list of names or numbers");
                }
                out.add(n.asText());
            }
            return out;
        }
        if (!node.isValueNode()) {
            throw new BadInputException("field '" + field + "' must be a string or a list");
        }
        return split.apply(node.asText());
    }
}
