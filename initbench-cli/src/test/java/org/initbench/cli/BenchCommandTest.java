package org.initbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.initbench.cli.CliTestSupport.exec;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.initbench.init.TorchPython;
import org.initbench.perf.TorchReference;
import org.initbench.perf.WorkerPlan;
import org.initbench.perf.WorkerPlanBench;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchCommandTest {

    @Test
    void namesThePyTorchEnvironmentOfEveryPrecision() {
        Map<String, Object> envs = new LinkedHashMap<>();
        assertThat(BenchCommand.torchEnvironments(envs)).isNull();
        envs.put("fp32", Map.of("precision", "fp32"));
        assertThat(BenchCommand.torchEnvironments(envs)).isEqualTo("{precision=fp32}");
        envs.put("bf16", Map.of("precision", "bf16 (torch.autocast)"));
        assertThat(BenchCommand.torchEnvironments(envs))
                .isEqualTo("fp32: {precision=fp32}; bf16: {precision=bf16 (torch.autocast)}");
    }

    @Test
    void writesTableJsonAndMarkdown(@TempDir Path tmp) throws Exception {
        Path json = tmp.resolve("bench.json");
        Path md = tmp.resolve("bench.md");
        CliTestSupport r = exec("bench", "--arch", "resnet20,mobilenetv2", "--width", "0.25", "--batch-size", "8",
                "--warmup", "1", "--steps", "2", "--repeats", "2", "--inits", "orthogonal,lsuv",
                "--json", json.toString(), "--markdown", md.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("| resnet20 | cifar10 |").contains("| mobilenetv2 | fashion-mnist |");
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertThat(doc.get("environment").get("engine").asText()).startsWith("PyTorch");
        JsonNode first = doc.get("results").get(0);
        assertThat(first.get("arch").asText()).isEqualTo("resnet20");
        for (String rate : new String[] {"train", "eval", "data"}) {
            JsonNode n = first.get(rate);
            assertThat(n.get("repeats").asInt()).isEqualTo(2);
            assertThat(n.get("min").asDouble()).isPositive().isLessThanOrEqualTo(n.get("median").asDouble());
            assertThat(n.get("median").asDouble()).isLessThanOrEqualTo(n.get("max").asDouble());
        }
        assertThat(first.get("inits")).hasSize(2);
        assertThat(first.get("inits").get(1).get("init").asText()).startsWith("lsuv:");
        assertThat(first.get("peakRssMib").asDouble()).isPositive();
        assertThat(first.get("forwardMacs").asLong()).isPositive();
        assertThat(doc.get("gemm").get("gflops").get("median").asDouble()).isPositive();
        assertThat(doc.get("comparison").get(0).get("javaGemmFraction").asDouble()).isPositive();
        assertThat(doc.has("torch")).isFalse();
        assertThat(Files.readString(md)).contains("| arch | data shape |").contains("initbench bench");
    }

    /** The real libtorch profiler on a narrow ResNet-20; a second run refuses to overwrite the trace. */
    @Test
    void profileWritesTheTraceAndTheOpTableAndNeverOverwrites(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("profile");
        Path json = tmp.resolve("bench.json");
        String[] args = {"bench", "--arch", "resnet20", "--width", "0.25", "--batch-size", "4", "--warmup", "1",
            "--steps", "2", "--repeats", "1", "--inits", "", "--gemm-size", "64", "--profile", dir.toString(),
            "--json", json.toString()};
        CliTestSupport r = exec(args);
        assertThat(r.exitCode()).as(r.err()).isZero();
        Path trace = dir.resolve("resnet20-trace.json");
        assertThat(new ObjectMapper().readTree(trace.toFile())).isNotEmpty(); // libtorch writes a bare event array
        assertThat(r.out()).contains("resnet20 (trace: " + trace + "): 2 profiled steps")
                .contains("| backward: ConvolutionBackward0 | 21.0 |").contains("| aten::conv2d | 21.0 |")
                .contains("between ops (Java, JNI, dispatch)").contains("conv kernels alone: forward");
        JsonNode profile = new ObjectMapper().readTree(json.toFile()).get("results").get(0).get("profile");
        assertThat(profile.get("steps").asInt()).isEqualTo(2);
        assertThat(profile.get("convForwardGflops").asDouble()).isPositive();
        double shares = 0;
        for (JsonNode row : profile.get("rows")) {
            shares += row.get("share").asDouble();
        }
        assertThat(shares + profile.get("betweenOpsMs").asDouble() / profile.get("stepMs").asDouble())
                .isCloseTo(1.0, within(0.01));

        byte[] before = Files.readAllBytes(trace);
        CliTestSupport again = exec(args);
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("exists").hasLineCount(1);
        assertThat(again.out()).doesNotContain("measuring");
        assertThat(Files.readAllBytes(trace)).isEqualTo(before);

        Path file = tmp.resolve("a-file");
        Files.writeString(file, "x");
        CliTestSupport notADir = exec("bench", "--arch", "resnet20", "--profile", file.toString());
        assertThat(notADir.exitCode()).isEqualTo(2);
        assertThat(notADir.err()).contains("cannot create the profile directory").hasLineCount(1);
    }

    /** Needs Debian's python3-torch at /usr/bin/python3 (skipped where it is missing). */
    @Test
    void comparesWithPyTorchInTheSameRun(@TempDir Path tmp) throws Exception {
        assumeTrue(torchAvailable(), "no /usr/bin/python3 with torch");
        Path json = tmp.resolve("bench.json");
        Path md = tmp.resolve("bench.md");
        CliTestSupport r = withHome(CHECKOUT, () -> exec("bench", "--arch", "resnet20", "--batch-size", "4",
                "--warmup", "0", "--steps", "1", "--repeats", "1", "--inits", "", "--threads", "1",
                "--gemm-size", "64", "--compare-torch", "--json", json.toString(), "--markdown", md.toString()));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("| arch | data shape | train GFLOP/img | Java train img/s | PyTorch train img/s")
                .containsPattern("\\| resnet20 \\| cifar10 \\| 0\\.245 \\| \\d+ \\| \\d+ \\| \\d+\\.\\d\\d \\|");
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertThat(doc.get("torch").get("environment").get("threads").asInt()).isEqualTo(1);
        JsonNode t = doc.get("torch").get("results").get(0);
        assertThat(t.get("arch").asText()).isEqualTo("resnet20");
        assertThat(t.get("params").asLong()).isEqualTo(doc.get("results").get(0).get("params").asLong());
        JsonNode c = doc.get("comparison").get(0);
        assertThat(c.get("trainRatio").asDouble())
                .isCloseTo(c.get("javaTrain").asDouble() / c.get("torchTrain").asDouble(), within(1e-9));
        assertThat(c.get("torchGemmFraction").asDouble()).isPositive();
        assertThat(Files.readString(md)).contains("eager PyTorch").contains("PyTorch train img/s");
    }

    /** Two interleaved rounds: every round in the JSON, the ratio with its range in the table. */
    @Test
    void interleavesRoundsOfJavaAndPyTorch(@TempDir Path tmp) throws Exception {
        assumeTrue(torchAvailable(), "no /usr/bin/python3 with torch");
        Path json = tmp.resolve("bench.json");
        CliTestSupport r = withHome(CHECKOUT, () -> exec("bench", "--arch", "resnet20", "--batch-size", "4",
                "--warmup", "0", "--steps", "1", "--repeats", "1", "--inits", "", "--threads", "1",
                "--gemm-size", "64", "--compare-torch", "--rounds", "2", "--json", json.toString()));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("2 interleaved rounds").contains("(round 2 of 2)")
                .containsPattern("\\| resnet20 \\| cifar10 \\| 0\\.245 \\| \\d+ \\| \\d+ \\| \\d+\\.\\d\\d \\[\\d+\\.\\d\\d–");
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertThat(doc.get("rounds")).hasSize(2);
        JsonNode c = doc.get("comparison").get(0);
        assertThat(c.get("rounds").asInt()).isEqualTo(2);
        double r1 = ratio(doc.get("rounds").get(0));
        double r2 = ratio(doc.get("rounds").get(1));
        assertThat(c.get("trainRatio").asDouble()).isCloseTo((r1 + r2) / 2, within(1e-9));
        assertThat(c.get("trainRatioMin").asDouble()).isCloseTo(Math.min(r1, r2), within(1e-9));
    }

    private static double ratio(JsonNode round) {
        return round.get("java").get(0).get("train").get("median").asDouble()
                / round.get("torch").get("results").get(0).get("train").get("median").asDouble();
    }

    /** bf16 against PyTorch's own autocast, in the same run (needs /usr/bin/python3 with torch). */
    @Test
    void comparesBf16WithTorchAutocast(@TempDir Path tmp) throws Exception {
        assumeTrue(torchAvailable(), "no /usr/bin/python3 with torch");
        Path json = tmp.resolve("bench.json");
        CliTestSupport r = withHome(CHECKOUT, () -> exec("bench", "--arch", "resnet20", "--batch-size", "4",
                "--warmup", "0", "--steps", "1", "--repeats", "1", "--inits", "", "--threads", "1",
                "--gemm-size", "64", "--precision", "bf16", "--compare-torch", "--json", json.toString()));
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertThat(doc.get("torch").get("environment").get("precision").asText()).isEqualTo("bf16 (torch.autocast)");
        assertThat(doc.get("comparison").get(0).get("trainRatio").asDouble()).isPositive();
    }

    /**
     * Both precisions in one run: each measured in every round, a table and JSON rows of bf16's speed-up over fp32
     * equal to the ratio of the two rates measured, per-precision profile traces.
     */
    @Test
    void measuresSeveralPrecisionsInOneRun(@TempDir Path tmp) throws Exception {
        Path json = tmp.resolve("bench.json");
        Path dir = tmp.resolve("profile");
        CliTestSupport r = exec("bench", "--arch", "resnet20", "--width", "0.25", "--batch-size", "4", "--warmup", "0",
                "--steps", "1", "--repeats", "1", "--inits", "orthogonal", "--threads", "1", "--gemm-size", "64",
                "--precision", "fp32,bf16", "--rounds", "2", "--profile", dir.toString(), "--json", json.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("Precision: fp32.").contains("Precision: bf16.")
                .contains("measuring resnet20 in bf16 (round 2 of 2)").contains("Train speed-up of bf16 over fp32")
                .containsPattern("\\| resnet20 \\| \\d+\\.\\d\\d \\[\\d+\\.\\d\\d–\\d+\\.\\d\\d\\] \\| — \\|");
        assertThat(dir.resolve("resnet20-fp32-trace.json")).exists();
        assertThat(dir.resolve("resnet20-bf16-trace.json")).exists();
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertThat(doc.has("results")).isFalse();
        JsonNode fp32 = doc.get("byPrecision").get(0);
        JsonNode bf16 = doc.get("byPrecision").get(1);
        assertThat(fp32.get("precision").asText()).isEqualTo("fp32");
        assertThat(bf16.get("config").get("precision").asText()).isEqualTo("bf16");
        assertThat(fp32.get("results").get(0).get("inits")).hasSize(1); // init times once, with the first
        assertThat(bf16.get("results").get(0).get("inits")).isEmpty();
        double[] ratios = new double[2];
        for (int k = 0; k < 2; k++) {
            ratios[k] = train(bf16.get("rounds").get(k)) / train(fp32.get("rounds").get(k));
        }
        JsonNode s = doc.get("speedups").get(0);
        assertThat(s.get("java").asDouble()).isCloseTo((ratios[0] + ratios[1]) / 2, within(1e-9));
        assertThat(s.get("javaMax").asDouble()).isCloseTo(Math.max(ratios[0], ratios[1]), within(1e-9));

        CliTestSupport twice = exec("bench", "--arch", "resnet20", "--precision", "fp32,fp32");
        assertThat(twice.exitCode()).isEqualTo(2);
        assertThat(twice.err()).contains("--precision names fp32 twice").hasLineCount(1);
        CliTestSupport unknown = exec("bench", "--arch", "resnet20", "--precision", "fp32,fp16");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.out()).doesNotContain("measuring");
    }

    private static double train(JsonNode round) {
        return round.get("java").get(0).get("train").get("median").asDouble();
    }

    /**
     * The reference failing on one arch (as torch 1.13 does on MobileNetV2 under bf16 autocast: no bf16 kernel for
     * ReLU6's backward) leaves that arch's PyTorch columns empty with one line on stderr; the others are compared.
     */
    @Test
    void aReferenceFailingOnOneArchLeavesOnlyThatArchUncompared(@TempDir Path tmp) throws Exception {
        assumeTrue(torchAvailable(), "no /usr/bin/python3 with torch");
        Path python = tmp.resolve("python");
        Files.writeString(python, "#!/bin/sh\ncase \"$*\" in *mobilenetv2*) echo 'RuntimeError: \"hardshrink_backward_cpu\""
                + " not implemented for BFloat16' >&2; exit 1;; esac\nexec /usr/bin/python3 \"$@\"\n");
        assertThat(python.toFile().setExecutable(true)).isTrue();
        Path json = tmp.resolve("bench.json");
        CliTestSupport r = withHome(CHECKOUT, () -> exec("bench", "--arch", "resnet20,mobilenetv2", "--batch-size", "4",
                "--warmup", "0", "--steps", "1", "--repeats", "1", "--inits", "", "--threads", "1", "--gemm-size", "64",
                "--compare-torch", "--python", python.toString(), "--json", json.toString()));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("mobilenetv2: PyTorch reference failed (exit 1)").contains("hardshrink_backward_cpu")
                .contains("left empty");
        JsonNode comparison = new ObjectMapper().readTree(json.toFile()).get("comparison");
        assertThat(comparison.get(0).get("trainRatio").asDouble()).isPositive();
        assertThat(comparison.get(1).get("arch").asText()).isEqualTo("mobilenetv2");
        assertThat(comparison.get(1).get("trainRatio").isNull() || comparison.get(1).get("trainRatio").asText()
                .equals("NaN")).as(comparison.get(1).toString()).isTrue();
    }

    @Test
    void compareTorchBadInputIsExitTwoBeforeMeasuring(@TempDir Path tmp) throws Exception {
        CliTestSupport noPython = withHome(CHECKOUT, () -> exec("bench", "--arch", "resnet20", "--compare-torch",
                "--python", tmp.resolve("no-such-python").toString()));
        assertThat(noPython.exitCode()).isEqualTo(2);
        assertThat(noPython.err()).contains("cannot start").doesNotContain("measuring").hasLineCount(1);
        assertThat(noPython.out()).doesNotContain("measuring");
        CliTestSupport noScript = withHome(tmp, () -> exec("bench", "--arch", "resnet20", "--compare-torch"));
        assertThat(noScript.exitCode()).isEqualTo(2);
        assertThat(noScript.err()).contains("reference script not found").hasLineCount(1);
        Path fakePython = tmp.resolve("python-without-torch");
        Files.writeString(fakePython, "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'torch'\" >&2\nexit 1\n");
        assertThat(fakePython.toFile().setExecutable(true)).isTrue();
        CliTestSupport noTorch = withHome(CHECKOUT, () -> exec("bench", "--arch", "resnet20", "--compare-torch",
                "--python", fakePython.toString()));
        assertThat(noTorch.exitCode()).isEqualTo(2);
        assertThat(noTorch.err()).contains("cannot import torch").hasLineCount(1);
        assertThat(withHome(CHECKOUT, () -> exec("bench", "--compare-torch", "--width", "0.5")).err())
                .contains("--width 1");
    }

    /** Child JVMs load libtorch (seconds each), so slow. */
    @Test
    @Tag("slow")
    void workerPlanMeasuresEachPlanAndStoresTheFaster(@TempDir Path tmp) throws Exception {
        Path store = tmp.resolve("worker-plan.json");
        CliTestSupport r = exec("bench", "--worker-plan", "--worker-plan-file", store.toString(), "--arch", "resnet20",
                "--width", "0.25", "--batch-size", "4", "--warmup", "1", "--steps", "2", "--repeats", "1");
        assertThat(r.exitCode()).as(r.err()).isZero();
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(r.out()).contains("| 1 × " + cores + " |").contains("stored in " + store);
        JsonNode doc = new ObjectMapper().readTree(store.toFile());
        assertThat(doc).hasSize(1);
        JsonNode e = doc.get(0);
        assertThat(e.get("cores").asInt()).isEqualTo(cores);
        assertThat(e.get("measurements")).hasSize(WorkerPlanBench.candidates(cores).size());
        JsonNode best = null;
        for (JsonNode m : e.get("measurements")) {
            assertThat(m.get("imagesPerSecond").asDouble()).isPositive();
            if (best == null || m.get("imagesPerSecond").asDouble() > best.get("imagesPerSecond").asDouble()) {
                best = m;
            }
        }
        assertThat(e.get("workers").asInt()).isEqualTo(best.get("workers").asInt());
        assertThat(WorkerPlan.workersFor(cores, store, e.get("cpu").asText())).isEqualTo(best.get("workers").asInt());
    }

    @Test
    void workerPlanRefusesAnUnreadableStoreBeforeMeasuring(@TempDir Path tmp) throws Exception {
        Path store = tmp.resolve("layout.json");
        Files.writeString(store, "[oops");
        CliTestSupport r = exec("bench", "--layout", "--layout-file", store.toString()); // the older flag names
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("cannot read worker-plan store").hasLineCount(1);
        assertThat(r.out()).doesNotContain("measuring");
        assertThat(Files.readString(store)).isEqualTo("[oops");
    }

    @Test
    void badInputIsExitTwo() {
        assertThat(exec("bench", "--rounds", "0").exitCode()).isEqualTo(2);
        CliTestSupport roundsAlone = exec("bench", "--arch", "resnet20", "--rounds", "2");
        assertThat(roundsAlone.exitCode()).isEqualTo(2);
        assertThat(roundsAlone.err()).contains("--rounds interleaves").hasLineCount(1);
        assertThat(exec("bench", "--arch", "resnet21").exitCode()).isEqualTo(2);
        assertThat(exec("bench", "--steps", "0").err()).contains("--steps >= 1");
        assertThat(exec("bench", "--inits", "orthogonal:gain=x").exitCode()).isEqualTo(2);
        assertThat(exec("bench", "--gemm-size", "8").err()).contains("--gemm-size >= 16");
    }

    /** The checkout root (surefire runs in the module directory). */
    private static final Path CHECKOUT = Path.of("..").toAbsolutePath().normalize();

    private static CliTestSupport withHome(Path home, java.util.function.Supplier<CliTestSupport> run) {
        String old = System.getProperty("initbench.home");
        System.setProperty("initbench.home", home.toString());
        try {
            return run.get();
        } finally {
            if (old == null) {
                System.clearProperty("initbench.home");
            } else {
                System.setProperty("initbench.home", old);
            }
        }
    }

    private static boolean torchAvailable() {
        return TorchPython.problem(TorchReference.DEFAULT_PYTHON) == null;
    }
}
