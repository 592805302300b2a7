package org.initbench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.initbench.experiment.RunResult;
import org.initbench.testkit.FakeRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run an earlier version recorded as vgg16bn reports in the column of vgg16 runs. */
class RunScannerAliasTest {
    @Test
    void anAliasReportsInTheCanonicalColumn(@TempDir Path runs) {
        FakeRuns.write(runs.resolve("old"), FakeRuns.spec("vgg16bn", "zeros", 0, 2, 0.1), 2, 0.5, RunResult.DONE);
        FakeRuns.write(runs.resolve("new"), FakeRuns.spec("vgg16", "zeros", 1, 2, 0.1), 2, 0.5, RunResult.DONE);
        List<RunRecord> records = RunScanner.scan(runs, null);
        assertThat(records).hasSize(2).allSatisfy(r -> assertThat(r.spec().arch()).isEqualTo("vgg16"));
        assertThat(records.get(0).column()).isEqualTo(records.get(1).column());
    }
}
