package org.initbench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.initbench.experiment.RunDirectory;
import org.initbench.experiment.RunResult;
import org.initbench.testkit.FakeRuns;
import org.initbench.train.LayerStatsRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's layer × epoch gradient-norm heatmaps for runs with {@code layer-stats.jsonl}. */
class LayerStatsReportTest {
    static final List<String> LAYERS = List.of("conv1", "layer1.0.conv1", "layer1.0.conv2", "fc");

    /** Two records per epoch; ‖∇W‖ of layer l in epoch e, record k, seed s = 10^-(l) · (1 + k) · (1 + s). */
    static void writeStats(Path dir, long seed, int epochs) throws IOException {
        RunDirectory d = RunDirectory.create(dir, true);
        long global = 0;
        for (int e = 1; e <= epochs; e++) {
            for (int k = 0; k < 2; k++) {
                Map<String, Float> g = new LinkedHashMap<>();
                Map<String, Float> a = new LinkedHashMap<>();
                for (int l = 0; l < LAYERS.size(); l++) {
                    g.put(LAYERS.get(l), (float) (Math.pow(10, -l) * (1 + k) * (1 + seed) * e));
                    a.put(LAYERS.get(l), 1f);
                }
                d.appendLayerStats(new LayerStatsRecord(e, 2 * k + 1, ++global, 2.3f, g, a));
            }
        }
    }

    @Test
    void aHeatmapPerInitWithStatsAndNoneWithout(@TempDir Path runs) throws IOException {
        for (long s = 0; s < 2; s++) {
            writeStats(FakeRuns.write(runs.resolve("kn/s" + s), FakeRuns.spec("resnet20", "kaiming-normal", s, 3, 0.1),
                    3, 0.8, RunResult.DONE), s, 3);
            FakeRuns.write(runs.resolve("orth/s" + s), FakeRuns.spec("resnet20", "orthogonal", s, 3, 0.1), 3, 0.7,
                    RunResult.DONE);
        }
        // a done run of another init whose file is damaged: no stats, no error
        Path broken = FakeRuns.write(runs.resolve("zeros/s0"), FakeRuns.spec("resnet20", "zeros", 0, 3, 0.1), 3, 0.1,
                RunResult.DONE);
        Files.writeString(broken.resolve(RunDirectory.LAYER_STATS), "{\"epoch\":1,\"gradNorm\":");

        ReportOutput out = Report.write(runs, ReportOptions.defaults());
        List<Path> layerPlots = out.plots().stream()
                .filter(p -> p.getFileName().toString().contains("layer-grad")).toList();
        assertThat(layerPlots).hasSize(1);
        assertThat(layerPlots.get(0).getFileName().toString()).endsWith("-layer-grad-kaiming-normal.png");
        assertThat(out.plots()).hasSize(4 + 1);
        byte[] b = Files.readAllBytes(layerPlots.get(0));
        assertThat(Arrays.copyOf(b, 8)).containsExactly(0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a);
        BufferedImage img = ImageIO.read(layerPlots.get(0).toFile());
        assertThat(img).isNotNull();
        assertThat(img.getWidth()).isGreaterThan(100);

        String md = Files.readString(out.markdown(), StandardCharsets.UTF_8);
        assertThat(md).contains("](plots/" + layerPlots.get(0).getFileName() + ")").contains("log10 |grad W|");
        String html = Files.readString(out.html(), StandardCharsets.UTF_8);
        assertThat(Pattern.compile("src=\"data:image/png;base64,").matcher(html).results().count()).isEqualTo(5);
    }

    @Test
    void theGridIsLog10OfTheMeanOverSeedsOfEachEpochsMean(@TempDir Path runs) throws IOException {
        Path r0 = FakeRuns.write(runs.resolve("s0"), FakeRuns.spec("resnet20", "kaiming-normal", 0, 3, 0.1), 3, 0.8,
                RunResult.DONE);
        Path r1 = FakeRuns.write(runs.resolve("s1"), FakeRuns.spec("resnet20", "kaiming-normal", 1, 3, 0.1), 3, 0.8,
                RunResult.DONE);
        writeStats(r0, 0, 3);
        writeStats(r1, 1, 3);
        Analysis a = new Analysis(RunScanner.scan(runs, null), ReportOptions.defaults().baseline());
        Plots.LayerGrid g = Plots.layerGrid(a.columns().get(0).cell(a.inits().get(0)));
        assertThat(g.layers()).containsExactlyElementsOf(LAYERS);
        assertThat(g.runs()).isEqualTo(2);
        for (int l = 0; l < LAYERS.size(); l++) {
            for (int e = 1; e <= 3; e++) {
                // run s: mean over k of 10^-l (1+k)(1+s) e = 1.5 (1+s) 10^-l e; over s = 0, 1: 2.25 · 10^-l · e
                assertThat(g.log10()[l][e - 1]).isCloseTo(Math.log10(2.25 * Math.pow(10, -l) * e), within(1e-6));
            }
        }
        Files.delete(r0.resolve(RunDirectory.LAYER_STATS));
        Files.delete(r1.resolve(RunDirectory.LAYER_STATS));
        assertThat(Plots.layerGrid(a.columns().get(0).cell(a.inits().get(0)))).isNull();
    }
}
