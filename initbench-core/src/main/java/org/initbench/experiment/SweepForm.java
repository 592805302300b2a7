package org.initbench.experiment;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
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
import java.util.List;
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
 * inits: [kaiming-normal, orthogonal, fixup]
 * seeds: 0..4                   # or [0, 1, 2] or "0,1,2"
 * epochs: 8
 * train-subset: 6000
 * </pre>
 */
public final class SweepForm {
    @JsonProperty("name") public String name;
    @JsonProperty("models") public List<ModelForm> models;
    @JsonProperty("arch") public JsonNode arch;
    @JsonProperty("dataset") public JsonNode dataset;
    @JsonProperty("inits") public JsonNode inits;
    @JsonProperty("seeds") public JsonNode seeds;
    @JsonProperty("epochs") public Integer epochs;
    @JsonProperty("batch-size") public Integer batchSize;
    @JsonProperty("lr") public Double lr;
    @JsonProperty("momentum") public Double momentum;
    @JsonProperty("weight-decay") public Double weightDecay;
    @JsonProperty("nesterov") public Boolean nesterov;
    @JsonProperty("train-subset") public Integer trainSubset;
    @JsonProperty("test-subset") public Integer testSubset;
    @JsonProperty("width") public Double width;
    @JsonProperty("norm") public String norm;
    @JsonProperty("log-layer-stats") public Integer logLayerStats;
    @JsonProperty("validation") public Boolean validation;
    @JsonProperty("fixup-scalar-lr") public Boolean fixupScalarLr;
    @JsonProperty("warmup-epochs") public Integer warmupEpochs;

    /** One entry of {@code models}. */
    public static final class ModelForm {
        @JsonProperty("arch") public String arch;
        @JsonProperty("dataset") public String dataset;
        @JsonProperty("width") public Double width;
        @JsonProperty("norm") public String norm;
        @JsonProperty("train-subset") public Integer trainSubset;
        @JsonProperty("test-subset") public Integer testSubset;
        @JsonProperty("epochs") public Integer epochs;
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
        f.epochs = pick(flags.epochs, epochs);
        f.batchSize = pick(flags.batchSize, batchSize);
        f.lr = pick(flags.lr, lr);
        f.momentum = pick(flags.momentum, momentum);
        f.weightDecay = pick(flags.weightDecay, weightDecay);
        f.nesterov = pick(flags.nesterov, nesterov);
        f.trainSubset = pick(flags.trainSubset, trainSubset);
        f.testSubset = pick(flags.testSubset, testSubset);
        f.width = pick(flags.width, width);
        f.norm = pick(flags.norm, norm);
        f.logLayerStats = pick(flags.logLayerStats, logLayerStats);
        f.validation = pick(flags.validation, validation);
        f.fixupScalarLr = pick(flags.fixupScalarLr, fixupScalarLr);
        f.warmupEpochs = pick(flags.warmupEpochs, warmupEpochs);
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
                        m.testSubset, m.epochs));
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
        return new SweepSpec(name != null ? name : "sweep", pairs, initList, seedList,
                pick(epochs, TrainSpec.DEFAULT_EPOCHS), pick(batchSize, TrainSpec.DEFAULT_BATCH_SIZE),
                pick(lr, TrainSpec.DEFAULT_LR), pick(momentum, TrainSpec.DEFAULT_MOMENTUM),
                pick(weightDecay, TrainSpec.DEFAULT_WEIGHT_DECAY), pick(nesterov, false),
                pick(trainSubset, 0), pick(testSubset, 0), pick(width, 1.0), norm, pick(logLayerStats, 0),
                pick(validation, false), pick(fixupScalarLr, false), pick(warmupEpochs, 0));
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
