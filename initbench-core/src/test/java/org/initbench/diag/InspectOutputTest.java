package org.initbench.diag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.initbench.BadInputException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON schema, the PNGs, the table and the no-overwrite rule of an inspection's output. */
class InspectOutputTest {
    static InspectReport report;

    @BeforeAll
    static void inspect() {
        report = InspectionTest.inspect("resnet20", 0.25, 4, true, "kaiming-normal", "zeros", "autoinit");
    }

    static List<String> keys(JsonNode n) {
        List<String> k = new ArrayList<>();
        n.fieldNames().forEachRemaining(k::add);
        return k;
    }

    @Test
    void jsonSchemaIsPinned() throws IOException {
        JsonNode root = new ObjectMapper().readTree(InspectOutput.json(report));
        assertThat(keys(root)).containsExactly("schema", "arch", "dataset", "norm", "width", "input", "input_source",
                "batch", "seed", "inits");
        assertThat(root.get("schema").asText()).isEqualTo("initbench-inspect/1");
        JsonNode init = root.get("inits").get(0);
        assertThat(keys(init)).containsExactly("init", "prediction", "network", "layers", "residuals", "parameters");
        assertThat(keys(init.get("network"))).containsExactly("input_mean", "input_std", "logit_std", "loss",
                "ln_classes", "first_last_grad_ratio", "first_layer", "last_layer");
        assertThat(keys(init.get("layers").get(0))).containsExactly("depth", "path", "kind", "role", "stage", "block",
                "out_mean", "out_std", "nonlinearity", "pre_mean", "pre_std", "post_mean", "post_std", "dead_fraction",
                "weight_std", "weight_grad_norm", "grad_to_weight", "predicted_out_var", "predicted_post_var");
        assertThat(keys(init.get("residuals").get(0))).containsExactly("block", "stage", "index", "branch_var",
                "shortcut_var", "sum_var", "branch_to_shortcut", "predicted_sum_var");
        assertThat(keys(init.get("parameters").get(0))).containsExactly("path", "name", "size", "mean", "std", "norm",
                "grad_norm", "grad_to_weight");
        // undefined values are null, never NaN: zeros has 0/0 gradient-to-weight ratios
        JsonNode zeros = root.get("inits").get(1);
        assertThat(zeros.get("layers").get(0).get("grad_to_weight").isNull()).isTrue();
        assertThat(InspectOutput.json(report)).doesNotContain("NaN").doesNotContain("Infinity");
        assertThat(root.get("inits").get(0).get("prediction").asText()).isEqualTo("given-weights");
        assertThat(root.get("inits").get(2).get("prediction").asText()).isEqualTo("autoinit");
    }

    @Test
    void plotsAreValidPngsWithOneLinePerDrawableInit() throws IOException {
        Map<String, byte[]> plots = InspectPlots.render(report);
        assertThat(plots).containsOnlyKeys(InspectPlots.ACTIVATION_STD, InspectPlots.GRAD_NORM,
                InspectPlots.RESIDUAL_RATIO);
        for (byte[] png : plots.values()) {
            assertThat(png).startsWith(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
            assertThat(img).isNotNull();
            assertThat(img.getWidth()).isEqualTo(1000);
            assertThat(img.getHeight()).isEqualTo(640);
        }
    }

    @Test
    void tableHasEveryLayerOfEveryInit() {
        String t = InspectTable.render(report);
        assertThat(t).contains("== kaiming-normal:mode=fan_out,nonlinearity=relu,a=0 ==", "== zeros ==",
                "residual add", "layer3.2", "predicted", "ln(classes)");
        assertThat(t.lines().filter(l -> l.matches("\\s*22 fc .*"))).hasSize(3);
    }

    @Test
    void neverOverwritesWithoutForce(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("out");
        List<Path> written = InspectOutput.write(dir, report, false);
        assertThat(written).extracting(p -> p.getFileName().toString()).containsExactly(InspectOutput.JSON,
                InspectOutput.TABLE, InspectPlots.ACTIVATION_STD, InspectPlots.GRAD_NORM, InspectPlots.RESIDUAL_RATIO);
        byte[] before = Files.readAllBytes(dir.resolve(InspectOutput.JSON));
        assertThatThrownBy(() -> InspectOutput.write(dir, report, false)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("inspect.json").hasMessageContaining("--force");
        assertThat(Files.readAllBytes(dir.resolve(InspectOutput.JSON))).isEqualTo(before);
        assertThat(InspectOutput.write(dir, report, true)).hasSize(5);
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).doesNotContain(".inspect.json.tmp").hasSize(5);
        }
        Path file = Files.writeString(tmp.resolve("afile"), "x");
        assertThatThrownBy(() -> InspectOutput.checkWritable(file, true)).isInstanceOf(BadInputException.class);
    }
}
