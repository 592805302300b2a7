package org.initbench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.commons.csv.CSVRecord;
import org.initbench.experiment.Recipe;
import org.initbench.experiment.RunResult;
import org.initbench.experiment.TrainSpec;
import org.initbench.testkit.FakeRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

/** Fidelity of cheap rungs against the top rung, on runs with hand-computed rank statistics. */
class FidelityTest {
    /** Row order of the report: the baseline (kaiming-normal) first, then by label. */
    static final String[] INITS = {"kaiming-normal", "lsuv", "orthogonal", "xavier-normal"};

    static final Recipe BASE = Recipe.SEED.withTestSubset(500).withWidth(0.25).withNorm("bn");

    /** A done run whose best test accuracy is {@code pct} percent. */
    static RunRecord run(String init, long seed, Recipe r, double pct) {
        TrainSpec s = new TrainSpec("resnet20", "fashion-mnist", init, seed, r);
        String path = init + "/" + r.epochs() + "-" + r.trainSubset() + "-" + r.width() + "/s" + seed;
        return new RunRecord(Path.of(path), path, s, List.of(),
                new RunResult(RunResult.DONE, null, r.epochs(), pct / 100, 1, pct / 100, 1, 1, 1), RunStatus.DONE, null);
    }

    /** Three seeds per init, at mean {@code means[i]} ± {@code spread[i][seed]}. */
    static void rung(List<RunRecord> out, Recipe r, double[] means, double[][] spread) {
        for (int i = 0; i < INITS.length; i++) {
            for (int s = 0; s < 3; s++) {
                out.add(run(INITS[i], s, r, means[i] + (spread == null ? 0.1 * (s - 1) : spread[i][s])));
            }
        }
    }

    static final Recipe R1 = BASE.withEpochs(3).withTrainSubset(3000); // 9,000 images seen
    static final Recipe R2 = BASE.withEpochs(4).withTrainSubset(3000); // 12,000
    static final Recipe R3 = BASE.withEpochs(8).withTrainSubset(3000); // 24,000
    static final Recipe TOP = BASE.withEpochs(16).withTrainSubset(12000); // 192,000
    static final Recipe FULL_WIDTH = BASE.withEpochs(4).withTrainSubset(3000).withWidth(1.0); // a width ladder's top

    /** The ladder of the hand computations below; listed top first so that order cannot matter. */
    static List<RunRecord> ladder() {
        List<RunRecord> runs = new ArrayList<>();
        rung(runs, TOP, new double[] {70, 72, 74, 76}, null);
        // seed noise that can reorder kaiming-normal and lsuv (mean 71 vs 70) at R1 in a bootstrap replicate
        rung(runs, R1, new double[] {71, 70, 75, 76}, new double[][] {{1, -1, 0}, {-1, 1, 0}, {0, 0, 0}, {0, 0, 0}});
        rung(runs, R2, new double[] {76, 74, 72, 70}, null);
        rung(runs, R3, new double[] {71, 71, 75, 76}, null);
        return runs;
    }

    @Test
    void spearmanKendallPairsAndWinnerMatchTheHandComputation() {
        List<Fidelity.Ladder> ls = Fidelity.of(new Analysis(ladder(), "kaiming-normal"));
        assertThat(ls).hasSize(1);
        Fidelity.Ladder l = ls.get(0);
        assertThat(l.label()).isEqualTo("resnet20/fashion-mnist");
        assertThat(l.rungs()).extracting(Fidelity.Rung::label).containsExactly("epochs=3, train_subset=3000",
                "epochs=4, train_subset=3000", "epochs=8, train_subset=3000", "epochs=16, train_subset=12000");
        assertThat(l.rungs()).extracting(Fidelity.Rung::imagesSeen).containsExactly(9_000L, 12_000L, 24_000L, 192_000L);
        assertThat(l.comparisons()).hasSize(3);

        // R1: top 70/72/74/76 (ranks 1 2 3 4), rung 71/70/75/76 (ranks 2 1 3 4): Σd² = 2,
        // ρ = 1 − 6·2/(4·15) = 0.8; pairs: only (kaiming-normal, lsuv) flips: 5/6 same,
        // τ = (5 − 1)/6 = 0.667; xavier-normal (76) wins at both
        Fidelity.Comparison c1 = l.comparisons().get(0);
        assertThat(c1.inits()).containsExactly(INITS);
        assertThat(c1.rungMeans()).containsExactly(new double[] {71, 70, 75, 76}, within(1e-9));
        assertThat(c1.spearman().estimate()).isCloseTo(0.8, within(1e-12));
        assertThat(c1.kendall().estimate()).isCloseTo(4.0 / 6, within(1e-12));
        assertThat(c1.pairsSame()).isEqualTo(5);
        assertThat(c1.pairs()).isEqualTo(6);
        assertThat(c1.topWinners()).containsExactly("xavier-normal");
        assertThat(c1.winnerHolds()).isTrue();

        // R2 reverses the ladder: ρ = τ = −1, no pair in the same order, the top's winner is last
        Fidelity.Comparison c2 = l.comparisons().get(1);
        assertThat(c2.spearman().estimate()).isCloseTo(-1, within(1e-12));
        assertThat(c2.kendall().estimate()).isCloseTo(-1, within(1e-12));
        assertThat(c2.pairsSame()).isZero();
        assertThat(c2.rungWinners()).containsExactly("kaiming-normal");
        assertThat(c2.winnerHolds()).isFalse();

        // R3 ties the first two: rung ranks 1.5 1.5 3 4 against 1 2 3 4; deviations from 2.5:
        // (−1 −1 .5 1.5) and (−1.5 −.5 .5 1.5): ρ = 4.5/√(4.5·5) = 0.94868;
        // τ-b: 5 concordant, 0 discordant, 1 pair tied at the rung only: 5/√((6 − 1)(6 − 0)) = 0.91287;
        // a pair tied at one rung only is not in the same order: 5/6
        Fidelity.Comparison c3 = l.comparisons().get(2);
        assertThat(c3.spearman().estimate()).isCloseTo(4.5 / Math.sqrt(22.5), within(1e-12));
        assertThat(c3.kendall().estimate()).isCloseTo(5 / Math.sqrt(30), within(1e-12));
        assertThat(c3.pairsSame()).isEqualTo(5);
        assertThat(c3.winnerHolds()).isTrue();
    }

    @Test
    void theBootstrapIsSeededPairedBySeedAndItsIntervalHoldsTheEstimate() {
        Analysis a = new Analysis(ladder(), "kaiming-normal");
        Fidelity.Comparison c1 = Fidelity.of(a).get(0).comparisons().get(0);
        Fidelity.Comparison again = Fidelity.of(new Analysis(ladder(), "kaiming-normal")).get(0).comparisons().get(0);
        assertThat(again.spearman()).isEqualTo(c1.spearman());
        assertThat(again.kendall()).isEqualTo(c1.kendall());
        assertThat(c1.paired()).isTrue();
        assertThat(c1.spearman().replicates()).isEqualTo(Fidelity.BOOTSTRAP);
        // per seed, kaiming-normal − lsuv at R1 is +3, −1, +1: replicates reorder them (ρ up to 1), never more
        assertThat(c1.spearman().low()).isCloseTo(0.8, within(1e-12));
        assertThat(c1.spearman().high()).isCloseTo(1.0, within(1e-12));
        assertThat(c1.kendall().low()).isLessThanOrEqualTo(c1.kendall().estimate());
        assertThat(c1.kendall().high()).isGreaterThanOrEqualTo(c1.kendall().estimate()).isLessThanOrEqualTo(1.0);
        // another root seed gives other replicates; the reversed rung stays at −1 in every one
        Fidelity.Comparison other = Fidelity.of(a, 500, 7).get(0).comparisons().get(0);
        assertThat(other.spearman().replicates()).isEqualTo(500);
        Fidelity.Interval reversed = Fidelity.of(a).get(0).comparisons().get(1).spearman();
        assertThat(List.of(reversed.low(), reversed.high())).allSatisfy(v -> assertThat(v).isCloseTo(-1, within(1e-12)));
    }

    @Test
    void seedsThatDifferAreResampledWithinEachInitAndRung() {
        List<RunRecord> runs = new ArrayList<>(ladder());
        runs.removeIf(r -> r.spec().recipe().equals(TOP) && r.spec().init().equals("lsuv") && r.spec().seed() == 2);
        Fidelity.Comparison c = Fidelity.of(new Analysis(runs, "kaiming-normal")).get(0).comparisons().get(0);
        assertThat(c.paired()).isFalse();
        Fidelity.Comparison again = Fidelity.of(new Analysis(runs, "kaiming-normal")).get(0).comparisons().get(0);
        assertThat(again.spearman()).isEqualTo(c.spearman());
        assertThat(c.spearman().low()).isLessThanOrEqualTo(c.spearman().estimate());
        assertThat(c.spearman().high()).isGreaterThanOrEqualTo(c.spearman().estimate());
    }

    @Test
    void theTopRungHasTheMostImagesSeenThenTheLargerWidth() {
        List<RunRecord> runs = new ArrayList<>();
        Recipe full = BASE.withEpochs(4).withTrainSubset(3000).withWidth(1.0);
        Recipe half = BASE.withEpochs(4).withTrainSubset(3000).withWidth(0.5); // same images: width decides
        Recipe longer = BASE.withEpochs(2).withTrainSubset(0); // 2 × 60,000: the most images
        for (int i = 0; i < 3; i++) {
            runs.add(run(INITS[i], 0, full, 70 + i));
            runs.add(run(INITS[i], 0, half, 60 + i));
        }
        Fidelity.Ladder l = Fidelity.of(new Analysis(runs, "kaiming-normal")).get(0);
        assertThat(l.top().label()).isEqualTo("width=1");
        assertThat(l.comparisons()).hasSize(1);
        assertThat(l.comparisons().get(0).paired()).isTrue();
        for (int i = 0; i < 3; i++) {
            runs.add(run(INITS[i], 0, longer, 80 - i));
        }
        l = Fidelity.of(new Analysis(runs, "kaiming-normal")).get(0);
        assertThat(l.top().imagesSeen()).isEqualTo(120_000L);
        assertThat(l.top().label()).isEqualTo("epochs=2, train_subset=all, width=0.25");
    }

    /** One seed of the first inits at width 1 (the top) and 0.5, the same budget: a width ladder. */
    private static List<RunRecord> widthLadder(double[] full, double[] half) {
        List<RunRecord> runs = new ArrayList<>();
        for (int i = 0; i < full.length; i++) {
            runs.add(run(INITS[i], 0, FULL_WIDTH, full[i]));
            runs.add(run(INITS[i], 0, FULL_WIDTH.withWidth(0.5), half[i]));
        }
        return runs;
    }

    /** A width ladder (same images seen at both rungs) plots its rungs one step apart, each labelled. */
    @Test
    void theLadderPlotPutsRungsThatSeeTheSameImagesApart() {
        List<RunRecord> runs = widthLadder(new double[] {70, 71, 72}, new double[] {60, 61, 62});
        Analysis a = new Analysis(runs, "kaiming-normal");
        Fidelity.Ladder l = Fidelity.of(a).get(0);
        CategoryChart chart = FidelityReport.ladderChart(a, l);
        CategorySeries kaiming = chart.getSeriesMap().get(a.initLabel("kaiming-normal"));
        assertThat(new ArrayList<Object>(kaiming.getXData())).containsExactly("width=0.5", "width=1 (top)");
        assertThat(new ArrayList<Object>(kaiming.getYData())).containsExactly(60.0, 70.0);
        runs.add(run(INITS[3], 0, FULL_WIDTH, 90)); // at the top only: a gap at the lower rung
        a = new Analysis(runs, "kaiming-normal");
        chart = FidelityReport.ladderChart(a, Fidelity.of(a).get(0));
        assertThat(new ArrayList<Object>(chart.getSeriesMap().get(a.initLabel(INITS[3])).getYData()))
                .containsExactly(null, 90.0);
    }

    /** The scatter plot names each point's init just above it and draws y = x across all the means. */
    @Test
    void theScatterPlotLabelsEachPointWithItsInitAndDrawsTheDiagonal() {
        List<RunRecord> runs = widthLadder(new double[] {70, 71, 72}, new double[] {60, 70, 80});
        Analysis a = new Analysis(runs, "kaiming-normal");
        Fidelity.Ladder l = Fidelity.of(a).get(0);
        List<FidelityReport.PointLabel> labels = FidelityReport.pointLabels(a, l);
        assertThat(labels).hasSize(3);
        double lift = 0.03 * (80 - 60); // 3% of the rung's y range
        for (int i = 0; i < 3; i++) {
            String label = a.initLabel(INITS[i]);
            double x = 70 + i;
            double y = 60 + 10 * i + lift;
            assertThat(labels).filteredOn(p -> p.text().equals(label)).singleElement().satisfies(p -> {
                assertThat(p.x()).isEqualTo(x);
                assertThat(p.y()).isCloseTo(y, within(1e-9));
            });
        }
        XYChart chart = FidelityReport.scatterChart(a, l);
        XYSeries diagonal = chart.getSeriesMap().get("y = x");
        assertThat(diagonal.getXData()).containsExactly(60.0, 80.0);
        assertThat(diagonal.getYData()).containsExactly(60.0, 80.0);
    }

    @Test
    void noLadderWithoutTwoRungsOfTwoCommonInitsOrWhenRecipesDifferBeyondTheBudget() {
        List<RunRecord> one = new ArrayList<>();
        rung(one, TOP, new double[] {70, 72, 74, 76}, null);
        assertThat(Fidelity.of(new Analysis(one, "kaiming-normal"))).isEmpty();
        List<RunRecord> lone = new ArrayList<>(one);
        lone.add(run("orthogonal", 0, R1, 70));
        lone.add(run("zeros", 0, R1, 10));
        assertThat(Fidelity.of(new Analysis(lone, "kaiming-normal"))).isEmpty(); // 1 init in common
        List<RunRecord> lr = new ArrayList<>(one);
        rung(lr, TOP.withLr(0.05), new double[] {70, 72, 74, 76}, null);
        assertThat(Fidelity.of(new Analysis(lr, "kaiming-normal"))).isEmpty(); // another experiment, not a rung
        rung(lr, R1, new double[] {70, 72, 74, 76}, null);
        rung(lr, R1.withLr(0.05), new double[] {70, 72, 74, 76}, null);
        assertThat(Fidelity.of(new Analysis(lr, "kaiming-normal"))).extracting(Fidelity.Ladder::label)
                .containsExactly("resnet20/fashion-mnist (lr=0.05)", "resnet20/fashion-mnist (lr=0.1)");
    }

    @Test
    void theReportShowsTheSectionCsvAndPlotsOnlyWhenThereIsALadder(@TempDir Path runs) throws IOException {
        ReportTest.smallSweep(runs.resolve("flat"));
        Path out = runs.resolve("r");
        Files.createDirectories(out);
        Files.writeString(out.resolve(Report.FIDELITY_CSV), "stale");
        ReportOutput flat = Report.write(runs.resolve("flat"), new ReportOptions(out, null));
        assertThat(flat.fidelity()).isNull();
        assertThat(out.resolve(Report.FIDELITY_CSV)).doesNotExist();
        assertThat(Files.readString(flat.markdown())).doesNotContain("Fidelity");

        Path ladder = runs.resolve("ladder");
        for (String init : List.of("kaiming-normal", "orthogonal", "xavier-normal")) {
            for (long seed = 0; seed < 2; seed++) {
                TrainSpec s = FakeRuns.spec("resnet20", init, seed, 2, 0.1);
                double level = 0.7 + 0.05 * init.length() / 10.0;
                FakeRuns.write(ladder.resolve("cheap/" + init + "/s" + seed), s, 2, level, RunResult.DONE);
                FakeRuns.write(ladder.resolve("full/" + init + "/s" + seed),
                        s.withRecipe(s.recipe().withEpochs(4).withTrainSubset(4000)), 4, level + 0.1, RunResult.DONE);
            }
        }
        ReportOutput o = Report.write(ladder, new ReportOptions(out, null));
        assertThat(o.fidelity()).isEqualTo(out.resolve(Report.FIDELITY_CSV));
        assertThat(o.written()).contains(o.fidelity());
        String md = Files.readString(o.markdown());
        assertThat(md).contains("## Fidelity: does a cheap proxy predict the real run?",
                "### resnet20/fashion-mnist", "Top rung: `epochs=4, train_subset=4000` (16,000 images seen per run).");
        List<List<String>> table = ReportTest.mdTable(md.substring(md.indexOf("## Fidelity")), "### resnet20");
        assertThat(table.get(0)).containsExactly("init", "epochs=2, train_subset=2000 (4,000)",
                "epochs=4, train_subset=4000 (16,000) top");
        assertThat(md.indexOf("## Fidelity")).isBetween(md.indexOf("## Convergence speed"), md.indexOf("## Plots"));
        assertThat(Files.readString(o.html())).contains("Fidelity: does a cheap proxy predict the real run?");
        List<CSVRecord> rows = ReportTest.csv(o.fidelity());
        assertThat(rows).hasSize(1);
        CSVRecord r = rows.get(0);
        assertThat(r.toMap().keySet()).containsExactlyInAnyOrderElementsOf(FidelityReport.HEADER);
        assertThat(r.get("rung")).isEqualTo("epochs=2, train_subset=2000");
        assertThat(r.get("rung_images_seen")).isEqualTo("4000");
        assertThat(r.get("top_images_seen")).isEqualTo("16000");
        assertThat(r.get("inits")).isEqualTo("3");
        assertThat(r.get("pairs")).isEqualTo("3");
        assertThat(r.get("bootstrap")).isEqualTo("paired");
        double rho = Double.parseDouble(r.get("spearman_rho"));
        assertThat(rho).isBetween(-1.0, 1.0);
        List<Path> fidelityPlots = o.plots().stream().filter(p -> p.getFileName().toString().startsWith("fidelity-"))
                .toList();
        assertThat(fidelityPlots).extracting(p -> p.getFileName().toString()).containsExactly(
                "fidelity-01-resnet20-fashion-mnist-ladder.png", "fidelity-01-resnet20-fashion-mnist-scatter.png");
        for (Path p : fidelityPlots) {
            BufferedImage img = ImageIO.read(p.toFile());
            assertThat(img.getWidth()).isEqualTo(Plots.WIDTH);
            assertThat(md).contains("](plots/" + p.getFileName() + ")");
        }
    }
}
