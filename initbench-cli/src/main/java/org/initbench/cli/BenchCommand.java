package org.initbench.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.initbench.BadInputException;
import org.initbench.data.DatasetName;
import org.initbench.init.InitRegistry;
import org.initbench.model.Models;
import org.initbench.perf.BenchComparison;
import org.initbench.perf.ThroughputBench;
import org.initbench.perf.TorchReference;
import org.initbench.perf.WorkerPlan;
import org.initbench.perf.WorkerPlanBench;
import org.initbench.train.Precision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code initbench bench}: training, evaluation and data-pipeline throughput, init times and memory
 * per architecture, on synthetic data of each benchmark cell's dataset shape.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure train/eval/data img/s, init time and memory on synthetic data (no dataset needed).")
public final class BenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--arch", split = ",", defaultValue = "resnet20,resnet56,vgg16,mobilenetv2",
            description = "Architectures (each with its own norm); default ${DEFAULT-VALUE}.")
    List<String> archs;

    @Option(names = "--dataset", description = "Data shape for every arch; default the seed's cell: "
            + "cifar100 for resnet56 and vgg16, fashion-mnist for mobilenetv2, cifar10 otherwise.")
    String dataset;

    @Mixin RecipeOptions.BatchSize batchSize;

    @Option(names = "--warmup", defaultValue = "3", description = "Untimed steps; default ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--steps", defaultValue = "10",
            description = "Timed steps per repetition; default ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--repeats", defaultValue = "3",
            description = "Repetitions (median, min, max); default ${DEFAULT-VALUE}.")
    int repeats;

    @Mixin RecipeOptions.Width width;
    @Option(names = "--precision", split = ",", paramLabel = "<precision>", defaultValue = "fp32",
            description = "fp32, bf16 (autocast-style mixed precision: convs and linears in bf16 from fp32 master"
            + " weights; BN statistics, loss and SGD in fp32), or several, e.g. fp32,bf16: each arch is then measured"
            + " in each precision within every round, and a table gives each later precision's train speed-up over"
            + " the first, initbench's and (with --compare-torch) PyTorch's; default ${DEFAULT-VALUE}.")
    List<String> precisions;

    @Option(names = "--inits", split = ",", defaultValue = "orthogonal,autoinit,pa-rewiring,lsuv",
            description = "Inits whose time to apply is measured (\"\" for none); default ${DEFAULT-VALUE}.")
    List<String> inits;

    @Mixin RuntimeOptions.ThreadCount threads;

    @Mixin RuntimeOptions.DeviceChoice device;

    @Option(names = "--compare-torch", description = "Also run pytorch/torch_reference.py (eager PyTorch, same models, "
            + "step, batch, threads and precision: bf16 runs torch.autocast) right after and print Java/PyTorch per"
            + " arch.")
    boolean compareTorch;

    @Option(names = "--rounds", defaultValue = "1", description = "With --compare-torch or several precisions: measure"
            + " each arch this many times, Java and PyTorch (and the precisions) back to back, Java and PyTorch in an"
            + " order alternating between rounds; rates are medians over rounds and each ratio the median of the"
            + " rounds' own ratios, with its range. Default ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--python", defaultValue = TorchReference.DEFAULT_PYTHON,
            description = "Python with torch for --compare-torch; default ${DEFAULT-VALUE}.")
    String python;

    @Option(names = "--gemm-size", defaultValue = "" + ThroughputBench.GEMM_SIZE,
            description = "Side of the square fp32 matrices of the GEMM-rate probe; default ${DEFAULT-VALUE}.")
    int gemmSize;

    @Option(names = {"--worker-plan", "--layout"}, description = "Instead of the bench: measure one worker with all"
            + " cores against parallel single-thread workers (child JVMs training the first --arch), and store the"
            + " faster worker plan for this machine, which sweeps use by default (--layout: its older name).")
    boolean workerPlan;

    @Option(names = {"--worker-plan-file", "--layout-file"}, description = "Worker-plan store; default"
            + " ~/.initbench/worker-plan.json (--layout-file: its older name).")
    Path workerPlanFile;

    @Option(names = "--profile", paramLabel = "DIR", description = "Also run --steps train steps per arch under "
            + "libtorch's profiler: prints where the step's time goes, op by op, and the conv kernels' own GFLOP/s, "
            + "and writes each arch's Chrome trace to DIR/<arch>-trace.json (never over an existing file).")
    Path profile;

    @Option(names = "--json", description = "Write the results as JSON to this file.")
    Path json;

    @Option(names = "--markdown", description = "Write the results as a Markdown table to this file.")
    Path markdown;

    @Override
    public Integer call() throws IOException {
        int batchSize = this.batchSize.value;
        double width = this.width.value;
        if (batchSize < 2 || warmup < 0 || steps < 1 || repeats < 1 || gemmSize < 16 || rounds < 1) {
            throw new BadInputException("bench needs --batch-size >= 2, --warmup >= 0, --steps >= 1, --repeats >= 1,"
                    + " --gemm-size >= 16, --rounds >= 1");
        }
        if (rounds > 1 && !compareTorch && precisions.size() < 2) {
            throw new BadInputException("--rounds interleaves initbench and PyTorch measurements, or several"
                    + " precisions; it needs --compare-torch or a --precision list");
        }
        Device d = device.parse();
        threads.configure();
        archs.replaceAll(Models::canonicalId); // vgg16bn (an alias) is vgg16
        for (String a : archs) {
            Models.build(a, 3, 10, width);
        }
        DatasetName fixed = dataset == null ? null : DatasetName.parse(dataset);
        if (workerPlan) {
            return workerPlan(fixed);
        }
        InitRegistry registry = InitRegistry.load();
        inits.removeIf(String::isBlank); // --inits "" measures none
        inits.forEach(registry::resolve);
        Path script = null;
        if (compareTorch) {
            if (width != 1.0) {
                throw new BadInputException(
                        "--compare-torch needs --width 1 (the PyTorch reference builds the full models)");
            }
            if (!d.equals(ai.djl.Device.cpu())) {
                throw new BadInputException("--compare-torch compares on the CPU; use scripts/gpu/bench.sh on a GPU");
            }
            script = TorchReference.script(null);
            TorchReference.check(python);
        }
        List<Precision> ps = precisions();
        Map<String, Path> traces = traces(ps);
        PrintWriter out = spec.commandLine().getOut();
        ps.forEach(p -> p.hardwareNotice(d, line -> spec.commandLine().getErr().println(line)));
        Map<Precision, List<BenchComparison.Round>> measured = new LinkedHashMap<>();
        ps.forEach(p -> measured.put(p, new ArrayList<>()));
        for (int k = 0; k < rounds; k++) {
            for (Precision p : ps) {
                measured.get(p).add(round(k, p, ps.size() > 1, fixed, configOf(p, p == ps.get(0)), registry, d,
                        traces, script, out));
            }
        }
        out.println("measuring fp32 GEMM ...");
        out.flush();
        ThroughputBench.Gemm gemm = ThroughputBench.gemm(gemmSize, gemmProducts(gemmSize), Math.max(3, repeats), d);
        Map<String, Object> env = ThroughputBench.environment(d);
        StringBuilder table = new StringBuilder();
        List<Map<String, Object>> docs = new ArrayList<>();
        List<BenchComparison.Speedup> speedups = new ArrayList<>();
        Map<String, Object> torchEnvs = new LinkedHashMap<>(); // each precision's PyTorch environment
        for (Precision p : ps) {
            List<BenchComparison.Round> rs = measured.get(p);
            List<ThroughputBench.ArchResult> results = rs.get(0).java();
            TorchReference.Result torch = rs.get(0).torch();
            if (torch != null) {
                torchEnvs.put(p.id(), torch.environment());
            }
            List<BenchComparison> comparison = BenchComparison.of(rs, gemm);
            table.append(table.length() == 0 ? "" : "\n").append("Precision: ").append(p.id()).append(".\n\n")
                    .append(ThroughputBench.markdown(results)).append('\n')
                    .append(BenchComparison.markdown(comparison, gemm));
            for (ThroughputBench.ArchResult r : results) {
                if (r.profile() != null) {
                    Path trace = traces.get(traceKey(r.arch(), p));
                    table.append('\n').append(r.profile().markdown(r.arch() + " (trace: " + trace + ")"));
                }
            }
            if (p != ps.get(0)) {
                speedups.addAll(BenchComparison.speedups(p.id(), rs, ps.get(0).id(), measured.get(ps.get(0))));
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("precision", p.id());
            doc.put("config", configOf(p, p == ps.get(0)));
            doc.put("results", results);
            if (torch != null) {
                doc.put("torch", torch);
            }
            if (rounds > 1) {
                doc.put("rounds", rs);
            }
            doc.put("comparison", comparison);
            docs.add(doc);
        }
        if (!speedups.isEmpty()) {
            table.append('\n').append(BenchComparison.speedupMarkdown(speedups));
        }
        String torchEnv = torchEnvironments(torchEnvs);
        out.println(env);
        if (torchEnv != null) {
            out.println("PyTorch reference: " + torchEnv);
        }
        out.print(table);
        out.flush();
        if (markdown != null) {
            write(markdown, "Measured with `initbench bench` (" + env + ")"
                    + (torchEnv == null ? "" : "; eager PyTorch: " + torchEnv) + ".\n\n" + table);
        }
        if (json != null) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("environment", env);
            doc.put("gemm", gemm);
            if (docs.size() == 1) { // one precision: its keys at the top, as before
                docs.get(0).remove("precision");
                doc.putAll(docs.get(0));
            } else {
                doc.put("byPrecision", docs);
                doc.put("speedups", speedups);
            }
            write(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
        }
        return 0;
    }

    /**
     * The PyTorch reference's environment for the report: null when it did not run, its one environment when one
     * precision was measured, else each precision's in turn ({@code fp32: {...}; bf16: {...}}).
     */
    static String torchEnvironments(Map<String, Object> byPrecision) {
        if (byPrecision.isEmpty()) {
            return null;
        }
        if (byPrecision.size() == 1) {
            return String.valueOf(byPrecision.values().iterator().next());
        }
        StringBuilder b = new StringBuilder();
        byPrecision.forEach((p, e) -> b.append(b.length() == 0 ? "" : "; ").append(p).append(": ").append(e));
        return b.toString();
    }

    /** The --precision list, parsed, each named once. */
    private List<Precision> precisions() {
        List<Precision> ps = new ArrayList<>();
        for (String s : precisions) {
            Precision p = Precision.parse(s.strip());
            if (ps.contains(p)) {
                throw new BadInputException("--precision names " + p.id() + " twice");
            }
            ps.add(p);
        }
        return ps;
    }

    /** The config measured in precision {@code p}: init times with the first precision only. */
    private ThroughputBench.Config configOf(Precision p, boolean first) {
        return new ThroughputBench.Config(batchSize.value, warmup, steps, repeats, width.value,
                first ? inits : List.of(), p.id());
    }

    /**
     * Round {@code k}: each arch measured by initbench and, under {@code --compare-torch}, right before or after
     * it (after in even rounds, before in odd ones, so a drifting host favours neither side) by the PyTorch
     * reference. Init times and profiles are taken in the first round only.
     */
    private BenchComparison.Round round(int k, Precision p, boolean named, DatasetName fixed,
            ThroughputBench.Config config, InitRegistry registry, Device d, Map<String, Path> traces, Path script,
            PrintWriter out) {
        ThroughputBench.Config c = k == 0 ? config : new ThroughputBench.Config(config.batchSize(), config.warmup(),
                config.steps(), config.repeats(), config.width(), List.of(), config.precision());
        String of = (named ? " in " + p.id() : "") + (rounds > 1 ? " (round " + (k + 1) + " of " + rounds + ")" : "");
        boolean torchFirst = compareTorch && k % 2 == 1;
        List<ThroughputBench.ArchResult> java = new ArrayList<>();
        List<TorchReference.Result> torch = new ArrayList<>();
        for (String a : archs) {
            DatasetName shape = fixed != null ? fixed : seedDataset(a);
            Runnable inTorch = () -> {
                out.println("measuring " + a + " in eager PyTorch" + of + " ...");
                out.flush();
                int t = Integer.parseInt(System.getProperty("ai.djl.pytorch.num_threads"));
                try {
                    torch.add(TorchReference.run(python, script, List.of(a), fixed == null ? null : fixed.id(), c, t));
                } catch (TorchReference.Failed e) { // that arch's ratios are left out, the run goes on
                    spec.commandLine().getErr().println("initbench: " + a + (named ? " in " + p.id() : "") + of
                            + ": " + e.getMessage() + "; its PyTorch columns are left empty");
                }
            };
            if (torchFirst) {
                inTorch.run();
            }
            out.println("measuring " + a + of + " ...");
            out.flush();
            java.add(ThroughputBench.run(a, shape, c, registry, d, k == 0 ? traces.get(traceKey(a, p)) : null));
            if (compareTorch && !torchFirst) {
                inTorch.run();
            }
        }
        if (!compareTorch || torch.isEmpty()) {
            return new BenchComparison.Round(java, null);
        }
        return new BenchComparison.Round(java, new TorchReference.Result(torch.get(0).environment(),
                torch.stream().flatMap(r -> r.results().stream()).toList()));
    }

    /**
     * Each arch's (and precision's) trace file under {@code --profile}, checked writable and new before anything is
     * measured: {@code <arch>-trace.json}, or {@code <arch>-<precision>-trace.json} when several precisions are
     * measured.
     */
    private Map<String, Path> traces(List<Precision> ps) {
        Map<String, Path> out = new LinkedHashMap<>();
        if (profile == null) {
            return out;
        }
        try {
            Files.createDirectories(profile);
        } catch (IOException e) {
            throw new BadInputException("cannot create the profile directory " + profile + ": " + e.getMessage(), e);
        }
        if (!Files.isWritable(profile)) {
            throw new BadInputException("cannot write the profile directory " + profile);
        }
        for (String a : archs) {
            for (Precision p : ps) {
                Path trace = profile.resolve(a + (ps.size() > 1 ? "-" + p.id() : "") + "-trace.json");
                if (Files.exists(trace)) {
                    throw new BadInputException(
                            "profile trace " + trace + " exists; choose another --profile directory");
                }
                out.put(traceKey(a, p), trace);
            }
        }
        return out;
    }

    private static String traceKey(String arch, Precision p) {
        return arch + "@" + p.id();
    }

    /** GEMM products per repetition: about 2 GFLOP·10 (0.1 s at the reference machine's rate), at least 2. */
    static int gemmProducts(int n) {
        return (int) Math.max(2, Math.min(100_000, 10 * 2.0 * 1024 * 1024 * 1024 / (2.0 * n * n * n)));
    }

    private int workerPlan(DatasetName fixed) throws IOException {
        Path store = workerPlanFile != null ? workerPlanFile : WorkerPlan.store();
        WorkerPlan.load(store);
        String arch = archs.get(0);
        WorkerPlanBench.Config c = new WorkerPlanBench.Config(arch, fixed != null ? fixed : seedDataset(arch),
                batchSize.value, warmup, steps * repeats, width.value);
        int cores = Runtime.getRuntime().availableProcessors();
        PrintWriter out = spec.commandLine().getOut();
        List<WorkerPlanBench.Measurement> ms = new ArrayList<>();
        StringBuilder table = new StringBuilder(
                "| workers × threads | total train img/s | per worker img/s |\n|---|---|---|\n");
        for (int[] l : WorkerPlanBench.candidates(cores)) {
            out.println("measuring " + l[0] + " worker(s) × " + l[1] + " thread(s) on " + arch + " ...");
            out.flush();
            WorkerPlanBench.Measurement m;
            try {
                m = WorkerPlanBench.measure(c, l[0], l[1]);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            ms.add(m);
            table.append(String.format(java.util.Locale.ROOT, "| %d × %d | %.0f | %s |%n", m.workers(),
                    m.threadsPerWorker(), m.imagesPerSecond(), m.perWorker().stream()
                            .map(v -> String.format(java.util.Locale.ROOT, "%.0f", v)).toList()));
        }
        WorkerPlanBench.Measurement best = ms.stream()
                .max(java.util.Comparator.comparingDouble(WorkerPlanBench.Measurement::imagesPerSecond)).orElseThrow();
        Map<String, Object> machine = ThroughputBench.environment();
        WorkerPlan.Entry entry = new WorkerPlan.Entry(String.valueOf(machine.get("cpu")), cores, best.workers(),
                best.threadsPerWorker(), ms, arch, java.time.Instant.now().toString());
        WorkerPlan.save(store, entry);
        out.print(table);
        out.printf("faster: %d worker(s) × %d thread(s), %.2f× one %d-thread worker; stored in %s%n", best.workers(),
                best.threadsPerWorker(), best.imagesPerSecond() / ms.get(0).imagesPerSecond(), cores, store);
        if (json != null) {
            write(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(entry));
        }
        return 0;
    }

    /** The dataset of each arch's cell in the seed's benchmark. */
    static DatasetName seedDataset(String arch) {
        return switch (Models.canonicalId(arch)) {
            case "resnet56", "vgg16" -> DatasetName.CIFAR100;
            case "mobilenetv2" -> DatasetName.FASHION_MNIST;
            default -> DatasetName.CIFAR10;
        };
    }

    private static void write(Path file, String content) {
        try {
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new BadInputException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
