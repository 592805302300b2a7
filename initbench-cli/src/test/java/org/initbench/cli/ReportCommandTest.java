package org.initbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.initbench.testkit.FakeRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code initbench report} through {@code execute()}. */
class ReportCommandTest {

    static void runs(Path dir) {
        for (long seed = 0; seed < 2; seed++) {
            FakeRuns.write(dir.resolve("kn-s" + seed), FakeRuns.spec("resnet20", "kaiming-normal", seed, 3, 0.1), 3, 0.8, "done");
            FakeRuns.write(dir.resolve("or-s" + seed), FakeRuns.spec("resnet20", "orthogonal", seed, 3, 0.1), 3, 0.82, "done");
        }
        FakeRuns.write(dir.resolve("or-s2"), FakeRuns.spec("resnet20", "orthogonal", 2, 3, 0.1), 1, 0.82, null);
    }

    @Test
    void writesTheReportAndPrintsPathsAndTable(@TempDir Path dir) throws Exception {
        runs(dir);
        CliTestSupport r = CliTestSupport.exec("report", dir.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        Path out = dir.resolve("report");
        for (String f : new String[] {"results.csv", "report.md", "report.html"}) {
            assertThat(out.resolve(f)).isNotEmptyFile();
            assertThat(r.out()).contains(out.resolve(f).toString());
        }
        try (var plots = Files.list(out.resolve("plots"))) {
            assertThat(plots.filter(p -> p.toString().endsWith(".png")).count()).isEqualTo(4);
        }
        assertThat(r.out()).contains("| init | resnet20/fashion-mnist |")
                .containsPattern("\\| orthogonal \\| \\d+\\.\\d\\d ± \\d+\\.\\d\\d \\(2\\) \\+1 running \\|");
        assertThat(Files.readString(out.resolve("report.md"))).contains("Paired comparison against `kaiming-normal`");

        Path elsewhere = dir.resolve("x/y");
        CliTestSupport r2 = CliTestSupport.exec("report", dir.toString(), "--out", elsewhere.toString(),
                "--baseline", "orthogonal");
        assertThat(r2.exitCode()).as(r2.err()).isZero();
        assertThat(Files.readString(elsewhere.resolve("report.md"))).contains("Paired comparison against `orthogonal`");
    }

    /**
     * Two studies' sweep folders reported together: the runs pair across them (the paired comparison has both
     * seeds), each run's path names its folder; without --out it is refused before anything is written.
     */
    @Test
    void reportsSeveralRunsDirectoriesTogether(@TempDir Path dir) throws Exception {
        Path baselines = dir.resolve("fidelity/rung");
        Path study = dir.resolve("new/cell");
        for (long seed = 0; seed < 2; seed++) {
            FakeRuns.write(baselines.resolve("kn-s" + seed), FakeRuns.spec("resnet20", "kaiming-normal", seed, 3, 0.1),
                    3, 0.8, "done");
            FakeRuns.write(study.resolve("or-s" + seed), FakeRuns.spec("resnet20", "orthogonal", seed, 3, 0.1), 3,
                    0.82, "done");
        }
        Path out = dir.resolve("out");
        CliTestSupport r = CliTestSupport.exec("report", study.toString(), baselines.toString(), "--out",
                out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("Report of 4 runs under " + study + ", " + baselines);
        String md = Files.readString(out.resolve("report.md"));
        assertThat(md).contains("Runs directories `").contains("Paired comparison against `kaiming-normal`")
                .containsPattern("\\| orthogonal \\| 2 \\| \\+\\d+\\.\\d\\d \\| \\[");
        assertThat(Files.readString(out.resolve("results.csv"))).contains(baselines.normalize() + "/kn-s0")
                .contains(study.normalize() + "/or-s1");

        CliTestSupport noOut = CliTestSupport.exec("report", study.toString(), baselines.toString());
        assertThat(noOut.exitCode()).isEqualTo(2);
        assertThat(noOut.err().strip()).contains("needs --out").doesNotContain("\n");
        assertThat(study.resolve("report")).doesNotExist();
    }

    @Test
    void badInputExitsTwoWithOneLine(@TempDir Path dir) throws Exception {
        CliTestSupport missing = CliTestSupport.exec("report", dir.resolve("nope").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err().strip()).startsWith("initbench: runs directory").doesNotContain("\n");

        Files.createDirectories(dir.resolve("empty"));
        CliTestSupport empty = CliTestSupport.exec("report", dir.resolve("empty").toString());
        assertThat(empty.exitCode()).isEqualTo(2);
        assertThat(empty.err().strip()).contains("no runs").doesNotContain("\n");

        Path runs = dir.resolve("runs");
        runs(runs);
        Path file = dir.resolve("file");
        Files.writeString(file, "keep");
        CliTestSupport unwritable = CliTestSupport.exec("report", runs.toString(), "--out", file.resolve("sub").toString());
        assertThat(unwritable.exitCode()).isEqualTo(2);
        assertThat(unwritable.err().strip()).startsWith("initbench: ").doesNotContain("\n");
        assertThat(Files.readString(file)).isEqualTo("keep");

        assertThat(CliTestSupport.exec("report").exitCode()).as("RUNS_DIR is required").isEqualTo(2);
    }
}
