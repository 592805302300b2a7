package org.initbench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.initbench.BadInputException;
import org.initbench.experiment.RunDirectory;
import org.initbench.experiment.RunResult;
import org.initbench.experiment.TrainSpec;
import org.initbench.testkit.FakeRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Renders reports of fake sweeps and checks them against results.csv and independent arithmetic. */
class ReportTest {
    static final String[] INITS = {"kaiming-normal", "orthogonal", "xavier-normal"};
    static final String[] ARCHS = {"resnet20", "vgg11bn"};

    /** 2 archs × 3 inits × 3 seeds done, plus one running, one diverged, one corrupt result, one corrupt spec. */
    static void smallSweep(Path runs) throws IOException {
        for (String arch : ARCHS) {
            for (int i = 0; i < INITS.length; i++) {
                for (long seed = 0; seed < 3; seed++) {
                    FakeRuns.write(runs.resolve(arch + "/" + INITS[i] + "/s" + seed),
                            FakeRuns.spec(arch, INITS[i], seed, 4, 0.1), 4, 0.80 + 0.03 * i, RunResult.DONE);
                }
            }
        }
        FakeRuns.write(runs.resolve("resnet20/kaiming-normal/s3"), FakeRuns.spec("resnet20", "kaiming-normal", 3, 4, 0.1),
                2, 0.8, null);
        FakeRuns.write(runs.resolve("resnet20/orthogonal/s3"), FakeRuns.spec("resnet20", "orthogonal", 3, 4, 0.1),
                1, 0.8, RunResult.DIVERGED);
        Path bad = FakeRuns.write(runs.resolve("vgg11bn/xavier-normal/s3"),
                FakeRuns.spec("vgg11bn", "xavier-normal", 3, 4, 0.1), 4, 0.8, RunResult.DONE);
        Files.writeString(bad.resolve(RunDirectory.RESULT), "{\"status\": \"done\", \"bestTest");
        Path noSpec = runs.resolve("broken");
        Files.createDirectories(noSpec);
        Files.writeString(noSpec.resolve(RunDirectory.SPEC), "not json");
        Files.writeString(runs.resolve("sweep.json"), "{\"anything\": 1}");
    }

    static List<CSVRecord> csv(Path f) throws IOException {
        try (Reader r = Files.newBufferedReader(f)) {
            return CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(r).getRecords();
        }
    }

    /** The rows of the Markdown table following a heading that starts with {@code heading}. */
    static List<List<String>> mdTable(String md, String heading) {
        String[] lines = md.split("\n");
        int i = 0;
        while (!lines[i].startsWith(heading)) {
            i++;
        }
        while (!lines[i].startsWith("|")) {
            i++;
        }
        List<List<String>> rows = new ArrayList<>();
        for (; i < lines.length && lines[i].startsWith("|"); i++) {
            if (lines[i].startsWith("|---")) {
                continue;
            }
            String body = lines[i].substring(1, lines[i].length() - 1);
            rows.add(Arrays.stream(body.split("(?<!\\\\)\\|")).map(String::trim).toList());
        }
        return rows;
    }

    /** A done run that ends at chance (10 classes: 10%) is averaged, counted in its cell and flagged in the CSV. */
    @Test
    void countsDoneRunsThatEndAtChance(@TempDir Path runs) throws IOException {
        for (long seed = 0; seed < 3; seed++) {
            FakeRuns.write(runs.resolve("ok/s" + seed), FakeRuns.spec("resnet20", "orthogonal", seed, 4, 0.1), 4, 0.8,
                    RunResult.DONE);
        }
        FakeRuns.write(runs.resolve("dead/s3"), FakeRuns.spec("resnet20", "orthogonal", 3, 4, 0.1), 4, 0.1,
                RunResult.DONE);
        FakeRuns.write(runs.resolve("nan/s4"), FakeRuns.spec("resnet20", "orthogonal", 4, 4, 0.1), 1, 0.1,
                RunResult.DIVERGED);
        ReportOutput out = Report.write(runs, ReportOptions.defaults());

        Map<String, String> flag = new TreeMap<>();
        for (CSVRecord r : csv(out.csv())) {
            flag.put(r.get("path"), r.get("ends_at_chance"));
        }
        assertThat(flag).containsEntry("dead/s3", "true").containsEntry("ok/s0", "false").containsEntry("nan/s4", "");
        assertThat(out.table()).containsPattern("\\| orthogonal \\| \\d+\\.\\d\\d ± \\d+\\.\\d\\d \\(4, 1 at chance\\) \\+1 diverged \\|");
        assertThat(Files.readString(out.markdown())).contains("`k at chance` counts the done runs");
    }

    @Test
    void tableEqualsMeansAndStdsOfResultsCsvAndPlotsAreValidPngs(@TempDir Path runs) throws IOException {
        smallSweep(runs);
        ReportOutput out = Report.write(runs, ReportOptions.defaults());
        assertThat(out.csv()).isEqualTo(runs.resolve("report/results.csv"));
        assertThat(out.runs()).isEqualTo(2 * 3 * 3 + 4);

        List<CSVRecord> rows = csv(out.csv());
        assertThat(rows).hasSize(22);
        assertThat(rows.get(0).toMap().keySet()).containsExactlyElementsOf(ResultsCsv.HEADER);
        Map<String, Long> statuses = new TreeMap<>();
        rows.forEach(r -> statuses.merge(r.get("status"), 1L, Long::sum));
        assertThat(statuses).containsExactlyEntriesOf(new TreeMap<>(Map.of("done", 18L, "running", 1L,
                "diverged", 1L, "corrupt", 2L)));
        CSVRecord corrupt = rows.stream().filter(r -> r.get("path").equals("vgg11bn/xavier-normal/s3")).findFirst().orElseThrow();
        assertThat(corrupt.get("status")).isEqualTo("corrupt");
        assertThat(corrupt.get("reason")).startsWith("result.json:");
        CSVRecord running = rows.stream().filter(r -> r.get("status").equals("running")).findFirst().orElseThrow();
        assertThat(running.get("epochs_completed")).isEqualTo("2");

        // Independent: mean and sample std of best_test_acc_pct per (column, init_label) over done rows.
        Map<String, Map<String, List<Double>>> done = new LinkedHashMap<>();
        Map<String, Map<String, List<String>>> notDone = new LinkedHashMap<>();
        for (CSVRecord r : rows) {
            if (r.get("column").isEmpty()) {
                continue;
            }
            if (r.get("status").equals("done")) {
                done.computeIfAbsent(r.get("column"), k -> new LinkedHashMap<>())
                        .computeIfAbsent(r.get("init_label"), k -> new ArrayList<>())
                        .add(Double.parseDouble(r.get("best_test_acc_pct")));
            } else {
                notDone.computeIfAbsent(r.get("column"), k -> new LinkedHashMap<>())
                        .computeIfAbsent(r.get("init_label"), k -> new ArrayList<>()).add(r.get("status"));
            }
        }
        String md = Files.readString(out.markdown());
        List<List<String>> table = mdTable(md, "## Best test accuracy");
        assertThat(table.get(0)).containsExactly("init", "resnet20/fashion-mnist",
                "vgg11/fashion-mnist"); // runs written with the old id vgg11bn report under vgg11
        assertThat(table).hasSize(4);
        assertThat(table.get(1).get(0)).as("baseline first").isEqualTo("kaiming-normal");
        int checked = 0;
        for (List<String> row : table.subList(1, table.size())) {
            for (int c = 1; c < row.size(); c++) {
                String col = table.get(0).get(c);
                List<Double> v = done.get(col).get(row.get(0));
                double mean = v.stream().mapToDouble(Double::doubleValue).sum() / v.size();
                double ss = v.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum();
                String expected = String.format(Locale.ROOT, "%.2f ± %.2f (%d)", mean, Math.sqrt(ss / (v.size() - 1)), v.size());
                for (String st : notDone.getOrDefault(col, Map.of()).getOrDefault(row.get(0), List.of())) {
                    expected += " +1 " + st;
                }
                assertThat(row.get(c)).as(col + " / " + row.get(0)).isEqualTo(expected);
                checked++;
            }
        }
        assertThat(checked).isEqualTo(6);
        assertThat(table.get(1).get(1)).endsWith("(3) +1 running");
        assertThat(table.get(2).get(1)).endsWith("(3) +1 diverged");
        assertThat(table.get(3).get(2)).endsWith("(3) +1 corrupt");
        assertThat(out.table()).contains("| kaiming-normal |");
        assertThat(md).contains("broken").contains("1 corrupt run(s) belong to no column");

        assertThat(out.plots()).hasSize(2 * 4);
        for (Path p : out.plots()) {
            assertThat(p).exists().hasParent(runs.resolve("report/plots"));
            byte[] b = Files.readAllBytes(p);
            assertThat(Arrays.copyOf(b, 8)).containsExactly(0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a);
            BufferedImage img = ImageIO.read(p.toFile());
            assertThat(img).isNotNull();
            assertThat(img.getWidth()).isGreaterThan(100);
            assertThat(md).contains("](plots/" + p.getFileName() + ")");
        }

        String html = Files.readString(out.html(), StandardCharsets.UTF_8);
        Pattern external = Pattern.compile("(?i)(src|href)\\s*=\\s*(?![\"']?data:)");
        assertThat(external.matcher("<img src=\"https://x/y.png\">").find()).as("the check itself").isTrue();
        assertThat(external.matcher(html).find()).as("no external resources").isFalse();
        assertThat(Pattern.compile("src=\"data:image/png;base64,").matcher(html).results().count()).isEqualTo(8);
        assertThat(html).doesNotContain("<link").doesNotContain("<script");
    }

    /** The report names a runs directory as given, so a committed report holds no machine's absolute path. */
    @Test
    void namesRunsDirectoriesAsGiven() {
        assertThat(Report.shown(Path.of("docs/research/x/runs/./a/../b"))).isEqualTo("docs/research/x/runs/b");
        assertThat(Report.shown(Path.of("."))).isEqualTo(".");
        assertThat(Report.shown(Path.of("/tmp/runs"))).isEqualTo("/tmp/runs");
    }

    @Test
    void longRunsShowEveryKthEpochInTheHeatmap() {
        assertThat(Plots.heatmapEpochs(3)).containsExactly(1, 2, 3);
        assertThat(Plots.heatmapEpochs(25)).hasSize(25);
        List<Integer> e = Plots.heatmapEpochs(200);
        assertThat(e).startsWith(1, 8, 16).endsWith(192, 200).hasSizeLessThanOrEqualTo(Plots.HEATMAP_MAX_COLUMNS + 2);
    }

    @Test
    void differentRecipesAreSeparateLabelledColumns(@TempDir Path runs) throws IOException {
        for (long seed = 0; seed < 2; seed++) {
            FakeRuns.write(runs.resolve("a/s" + seed), FakeRuns.spec("resnet20", "kaiming-normal", seed, 3, 0.1), 3, 0.80, "done");
            FakeRuns.write(runs.resolve("b/s" + seed), FakeRuns.spec("resnet20", "kaiming-normal", seed, 3, 0.05), 3, 0.60, "done");
            FakeRuns.write(runs.resolve("c/s" + seed), FakeRuns.spec("resnet20", "kaiming-normal", seed, 5, 0.05), 5, 0.60, "done");
        }
        ReportOutput out = Report.write(runs, new ReportOptions(runs.resolve("elsewhere"), null));
        List<List<String>> table = mdTable(Files.readString(out.markdown()), "## Best test accuracy");
        assertThat(table.get(0)).containsExactly("init", "resnet20/fashion-mnist (epochs=3, lr=0.05)",
                "resnet20/fashion-mnist (epochs=3, lr=0.1)", "resnet20/fashion-mnist (epochs=5, lr=0.05)");
        assertThat(table.get(1).subList(1, 4)).allSatisfy(c -> assertThat(c).endsWith("(2)"));
        List<CSVRecord> rows = csv(out.csv());
        assertThat(rows.stream().map(r -> r.get("column")).distinct()).hasSize(3);
        assertThat(out.plots()).hasSize(12);
    }

    @Test
    void validationRunsAreTheirOwnColumnAndSaidToBe(@TempDir Path runs) throws IOException {
        for (long seed = 0; seed < 2; seed++) {
            TrainSpec t = FakeRuns.spec("resnet20", "kaiming-normal", seed, 3, 0.1);
            TrainSpec v = t.withRecipe(t.recipe().withValidation(true));
            FakeRuns.write(runs.resolve("test/s" + seed), t, 3, 0.80, "done");
            FakeRuns.write(runs.resolve("val/s" + seed), v, 3, 0.70, "done");
        }
        ReportOutput out = Report.write(runs, new ReportOptions(runs.resolve("r"), null));
        String md = Files.readString(out.markdown());
        assertThat(md).contains("(validation accuracies, on images held out of the training split, where the recipe says"
                + " `eval validation`)");
        assertThat(mdTable(md, "## Best test accuracy").get(0)).containsExactly("init",
                "resnet20/fashion-mnist (eval=test)", "resnet20/fashion-mnist (eval=validation)");
    }

    @Test
    void warmupRunsAreTheirOwnColumn(@TempDir Path runs) throws IOException {
        for (long seed = 0; seed < 2; seed++) {
            TrainSpec t = FakeRuns.spec("resnet20", "kaiming-normal", seed, 3, 0.1);
            TrainSpec w = t.withRecipe(t.recipe().withWarmupEpochs(1));
            FakeRuns.write(runs.resolve("plain/s" + seed), t, 3, 0.80, "done");
            FakeRuns.write(runs.resolve("warm/s" + seed), w, 3, 0.70, "done");
        }
        ReportOutput out = Report.write(runs, new ReportOptions(runs.resolve("r"), null));
        assertThat(mdTable(Files.readString(out.markdown()), "## Best test accuracy").get(0)).containsExactly("init",
                "resnet20/fashion-mnist (warmup_epochs=0)", "resnet20/fashion-mnist (warmup_epochs=1)");
    }

    @Test
    void pairedComparisonAndConvergenceMatchTheRunsAndMissingBaselineIsSaid(@TempDir Path runs) throws IOException {
        double[] base = new double[6];
        double[] other = new double[6];
        for (long seed = 0; seed < 6; seed++) {
            TrainSpec b = FakeRuns.spec("resnet20", "kaiming-normal:mode=fan_out,nonlinearity=relu,a=0", seed, 4, 0.1);
            TrainSpec o = FakeRuns.spec("resnet20", "orthogonal:gain=1", seed, 4, 0.1);
            FakeRuns.write(runs.resolve("b" + seed), b, 4, 0.80, "done");
            FakeRuns.write(runs.resolve("o" + seed), o, 4, 0.83 + 0.002 * seed, "done");
            base[(int) seed] = 100 * RunDirectory.readResult(runs.resolve("b" + seed)).bestTestAcc();
            other[(int) seed] = 100 * RunDirectory.readResult(runs.resolve("o" + seed)).bestTestAcc();
        }
        // a column without the baseline
        FakeRuns.write(runs.resolve("v0"), FakeRuns.spec("vgg11bn", "orthogonal:gain=1", 0, 4, 0.1), 4, 0.8, "done");
        ReportOutput out = Report.write(runs, ReportOptions.defaults());
        String md = Files.readString(out.markdown());
        List<List<String>> paired = mdTable(md, "## Paired comparison");
        assertThat(paired.get(0)).containsExactly("init", "pairs", "mean Δ (pp)", "95% CI (pp)", "paired t p", "Wilcoxon p");
        double meanDelta = 0;
        for (int i = 0; i < 6; i++) {
            meanDelta += (other[i] - base[i]) / 6;
        }
        assertThat(paired.get(1).get(0)).isEqualTo("orthogonal");
        assertThat(paired.get(1).get(1)).isEqualTo("6");
        assertThat(paired.get(1).get(2)).isEqualTo(String.format(Locale.ROOT, "%+.2f", meanDelta));
        assertThat(paired.get(1).get(5)).doesNotStartWith("n <");
        assertThat(md).contains("No comparison: no runs of the baseline kaiming-normal in this column.");

        // convergence: target = 0.9 × mean best of the baseline; first epoch per run at or above it
        Analysis a = new Analysis(RunScanner.scan(runs, null), "kaiming-normal");
        Analysis.Column col = a.columns().get(0);
        String b = "kaiming-normal:mode=fan_out,nonlinearity=relu,a=0";
        double target = 0.9 * Arrays.stream(base).average().orElseThrow();
        double sum = 0;
        int reached = 0;
        for (int s = 0; s < 6; s++) {
            List<String> lines = Files.readAllLines(runs.resolve("o" + s).resolve(RunDirectory.METRICS));
            for (int e = 0; e < lines.size(); e++) {
                double acc = 100 * new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines.get(e)).get("testAcc").asDouble();
                if (acc >= target) {
                    sum += e + 1;
                    reached++;
                    break;
                }
            }
        }
        Analysis.Convergence cv = a.convergence(col, "orthogonal:gain=1", b, 0.9);
        assertThat(cv.target()).isCloseTo(target, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(cv.reached()).isEqualTo(reached);
        assertThat(cv.meanEpochs()).isCloseTo(sum / reached, org.assertj.core.api.Assertions.within(1e-12));
        List<List<String>> conv = mdTable(md, "## Convergence speed");
        assertThat(conv.get(0).get(1)).startsWith("epochs to 90% (≥ ");
        assertThat(conv.get(2).get(1)).isEqualTo(String.format(Locale.ROOT, "%.1f (%d/6)", sum / reached, reached));
        assertThat(a.convergence(col, "orthogonal:gain=1", b, 5.0).reached()).isZero();
    }

    @Test
    void corruptFilesAreReportedNeverAveraged(@TempDir Path runs) throws IOException {
        TrainSpec s = FakeRuns.spec("resnet20", "kaiming-normal", 0, 3, 0.1);
        FakeRuns.write(runs.resolve("ok"), s, 3, 0.8, "done");
        Path m = FakeRuns.write(runs.resolve("bad-metrics"), s, 3, 0.8, "done");
        Files.writeString(m.resolve(RunDirectory.METRICS), "{\"epoch\":1,\"trainLoss\":1}\n", java.nio.file.StandardOpenOption.APPEND);
        Path short_ = FakeRuns.write(runs.resolve("short-metrics"), s, 3, 0.8, "done");
        List<String> lines = Files.readAllLines(short_.resolve(RunDirectory.METRICS));
        Files.write(short_.resolve(RunDirectory.METRICS), lines.subList(0, 2));
        Path status = FakeRuns.write(runs.resolve("bad-status"), s, 3, 0.8, "done");
        Files.writeString(status.resolve(RunDirectory.RESULT), Files.readString(status.resolve(RunDirectory.RESULT))
                .replace("\"done\"", "\"finished\""));
        Path spec = FakeRuns.write(runs.resolve("bad-spec"), s, 3, 0.8, "done");
        Files.writeString(spec.resolve(RunDirectory.SPEC), Files.readString(spec.resolve(RunDirectory.SPEC))
                .replace("\"epochs\" : 3,", ""));
        Path extra = FakeRuns.write(runs.resolve("extra-fields"), s, 3, 0.8, "done");
        Files.writeString(extra.resolve(RunDirectory.SPEC), Files.readString(extra.resolve(RunDirectory.SPEC))
                .replaceFirst("\\{", "{ \"sweepIndex\": 4, \"cell\": {\"a\": 1},"));

        Map<String, RunRecord> byPath = new TreeMap<>();
        RunScanner.scan(runs, null).forEach(r -> byPath.put(r.path(), r));
        assertThat(byPath.get("ok").status()).isEqualTo(RunStatus.DONE);
        assertThat(byPath.get("extra-fields").status()).isEqualTo(RunStatus.DONE);
        assertThat(byPath.get("bad-metrics").status()).isEqualTo(RunStatus.CORRUPT);
        assertThat(byPath.get("bad-metrics").reason()).contains("metrics.jsonl").contains("line 4");
        assertThat(byPath.get("short-metrics").reason()).contains("3 epochs").contains("has 2");
        assertThat(byPath.get("bad-status").reason()).contains("finished");
        assertThat(byPath.get("bad-spec").reason()).contains("spec.json").contains("epochs");
        assertThat(byPath.get("bad-spec").spec()).isNull();

        ReportOutput out = Report.write(runs, ReportOptions.defaults());
        List<List<String>> table = mdTable(Files.readString(out.markdown()), "## Best test accuracy");
        assertThat(table.get(1).get(1)).endsWith("(2) +3 corrupt");
    }

    @Test
    void badInputIsRefusedAndEarlierFilesStay(@TempDir Path tmp) throws IOException {
        assertThatThrownBy(() -> Report.write(tmp.resolve("missing"), ReportOptions.defaults()))
                .isInstanceOf(BadInputException.class).hasMessageContaining("does not exist");
        Files.createDirectories(tmp.resolve("empty/sub"));
        assertThatThrownBy(() -> Report.write(tmp.resolve("empty"), ReportOptions.defaults()))
                .isInstanceOf(BadInputException.class).hasMessageContaining("no runs");
        Path runs = tmp.resolve("runs");
        FakeRuns.write(runs.resolve("r"), FakeRuns.spec("resnet20", "kaiming-normal", 0, 2, 0.1), 2, 0.8, "done");
        Path file = tmp.resolve("a-file");
        Files.writeString(file, "keep me");
        assertThatThrownBy(() -> Report.write(runs, new ReportOptions(file, null)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("not a directory");
        assertThatThrownBy(() -> Report.write(runs, new ReportOptions(file.resolve("below"), null)))
                .isInstanceOf(BadInputException.class);
        assertThat(Files.readString(file)).isEqualTo("keep me");
        assertThat(tmp.resolve("empty/report")).doesNotExist();
    }
}
