package org.initbench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.initbench.experiment.TrainSpec;
import org.initbench.testkit.FakeRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs with a branch scalar ({@code --branch-scalar}) are another column than the same runs without. */
class BranchScalarReportTest {

    @Test
    void aRunWithTheBranchScalarIsNotAveragedWithOneWithout(@TempDir Path runs) {
        for (long seed = 0; seed < 2; seed++) {
            TrainSpec plain = FakeRuns.spec("resnet20", "kaiming-normal", seed, 3, 0.1);
            FakeRuns.write(runs.resolve("plain-" + seed), plain, 3, 0.8, "done");
            TrainSpec gated = plain.withRecipe(plain.recipe().withBranchScalar(true));
            FakeRuns.write(runs.resolve("gated-" + seed), gated, 3, 0.6, "done");
        }
        Analysis a = new Analysis(RunScanner.scan(runs, null), "kaiming-normal");
        assertThat(a.columns()).hasSize(2);
        assertThat(a.columns()).extracting(Analysis.Column::label).containsExactlyInAnyOrder(
                "resnet20/fashion-mnist (branch_scalar=false)", "resnet20/fashion-mnist (branch_scalar=true)");
        assertThat(a.columns()).allSatisfy(c -> assertThat(c.cells().values()).singleElement()
                .satisfies(cell -> assertThat(cell.done()).hasSize(2)));
    }
}
