package org.initbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Run and sweep directories written by an earlier version (the fixture {@code
 * fixtures/sweep-0.1.0-2252e3c}, made at commit 2252e3c, see its README) still report and resume:
 * cell 0 is done, cell 1 stopped inside epoch 2 with a checkpoint, cell 2 never started.
 */
class LegacyDirectoriesTest {
    private static final String FIXTURE = "fixtures/sweep-0.1.0-2252e3c";
    private static final String DONE = "resnet20-w0.25-fashion-mnist-kaiming-normal-s0";
    private static final String STOPPED = "resnet20-w0.25-fashion-mnist-fixup-s0";
    private static final String UNSTARTED = "resnet20-w0.25-fashion-mnist-orthogonal-s0";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;
    private Path sweep;
    private Path data;

    @BeforeEach
    void copyFixtureAndData() throws IOException, URISyntaxException {
        sweep = copyTree(Path.of(getClass().getClassLoader().getResource(FIXTURE).toURI()), tmp.resolve("sweep"));
        Path mini = Path.of("..", "data", "fashion-mnist-mini");
        assertThat(mini).isDirectory();
        data = tmp.resolve("data");
        Files.createDirectories(data.resolve("fashion-mnist"));
        try (Stream<Path> files = Files.list(mini)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".gz")).toList()) {
                Files.copy(f, data.resolve("fashion-mnist").resolve(f.getFileName()));
            }
        }
    }

    @Test
    void theEarlierSweepReports() {
        CliTestSupport r = CliTestSupport.exec("report", sweep.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("kaiming-normal");
        assertThat(sweep.resolve("report").resolve("report.md")).isRegularFile();
        assertThat(sweep.resolve("report").resolve("results.csv")).content().contains("kaiming-normal");
    }

    @Test
    void theEarlierSweepResumesToTheUninterruptedResult() throws IOException, URISyntaxException {
        byte[] doneBefore = Files.readAllBytes(sweep.resolve(DONE).resolve("result.json"));
        CliTestSupport r = CliTestSupport.exec("sweep", "run", sweep.toString(), "--workers", "1", "--threads", "1",
                "--data-dir", data.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(Files.readAllBytes(sweep.resolve(DONE).resolve("result.json"))).isEqualTo(doneBefore);
        for (String cell : List.of(STOPPED, UNSTARTED)) {
            assertThat(sweep.resolve(cell).resolve("result.json")).isRegularFile();
            assertThat(Files.readAllLines(sweep.resolve(cell).resolve("metrics.jsonl"))).hasSize(2);
        }
        assertResumedLikeUninterrupted(sweep.resolve(STOPPED), uninterrupted("fixup", tmp.resolve("straight")));
        CliTestSupport report = CliTestSupport.exec("report", sweep.toString());
        assertThat(report.exitCode()).isZero();
        assertThat(report.out()).contains("kaiming-normal", "fixup", "orthogonal");
    }

    @Test
    void theEarlierInterruptedRunDirectoryResumesUnderTrain() throws IOException, URISyntaxException {
        Path run = copyTree(sweep.resolve(STOPPED), tmp.resolve("run"));
        CliTestSupport r = CliTestSupport.exec(trainArgs("fixup", run));
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out() + r.err()).contains("resuming");
        assertResumedLikeUninterrupted(run, uninterrupted("fixup", tmp.resolve("straight")));
    }

    /**
     * The resumed run keeps the fixture's finished epoch as it was written, and its resumed epoch is the
     * uninterrupted run's. The fixture was written on another CPU (AMD EPYC, AVX2): float kernels differ between
     * CPUs in the last digits (a run repeats bit for bit on one machine and thread count, and that is tested by
     * the resume tests that write their own first half), so across machines the resumed epoch agrees to 1e-4 in
     * the losses and to one image in the accuracies.
     */
    private void assertResumedLikeUninterrupted(Path resumed, Path straight) throws IOException, URISyntaxException {
        List<String> fixture = metricsWithoutTimes(
                Path.of(getClass().getClassLoader().getResource(FIXTURE).toURI()).resolve(STOPPED));
        List<String> lines = metricsWithoutTimes(resumed);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).isEqualTo(fixture.get(0));
        JsonNode got = JSON.readTree(lines.get(1) + "}");
        JsonNode want = JSON.readTree(metricsWithoutTimes(straight).get(1) + "}");
        assertThat(got.get("epoch").asInt()).isEqualTo(want.get("epoch").asInt()).isEqualTo(2);
        assertThat(got.get("lr").asDouble()).isEqualTo(want.get("lr").asDouble());
        for (String loss : List.of("trainLoss", "testLoss")) {
            assertThat(got.get(loss).asDouble()).as(loss).isCloseTo(want.get(loss).asDouble(), within(1e-4));
        }
        assertThat(got.get("trainAcc").asDouble()).isCloseTo(want.get("trainAcc").asDouble(), within(1.0 / 600));
        assertThat(got.get("testAcc").asDouble()).isCloseTo(want.get("testAcc").asDouble(), within(1.0 / 200));
    }

    private Path uninterrupted(String init, Path out) {
        CliTestSupport r = CliTestSupport.exec(trainArgs(init, out));
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        return out;
    }

    /** The flags that reproduce the fixture's spec.json. */
    private String[] trainArgs(String init, Path out) {
        return new String[] {"train", "--arch", "resnet20", "--width", "0.25", "--dataset", "fashion-mnist",
            "--init", init, "--seed", "0", "--epochs", "2", "--train-subset", "600", "--test-subset", "200",
            "--threads", "1", "--data-dir", data.toString(), "--out", out.toString()};
    }

    /** Each epoch's line of metrics.jsonl without its wall-clock fields. */
    private static List<String> metricsWithoutTimes(Path run) throws IOException {
        return Files.readAllLines(run.resolve("metrics.jsonl")).stream()
                .map(l -> l.replaceAll(",\"epochSeconds\".*", ""))
                .toList();
    }

    private static Path copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            all.forEach(p -> {
                try {
                    Path target = to.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return to;
    }
}
