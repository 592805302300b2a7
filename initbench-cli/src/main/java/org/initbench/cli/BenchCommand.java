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
import org.initbench.train.Devices;
import org.initbench.train.ThroughputBench;
import picocli.CommandLine.Command;
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

    @Option(names = "--arch", split = ",", defaultValue = "resnet20,resnet56,vgg16bn,mobilenetv2",
            description = "Architectures; default ${DEFAULT-VALUE}.")
    List<String> archs;

    @Option(names = "--dataset", description = "Data shape for every arch; default the seed's cell: "
            + "cifar100 for resnet56 and vgg16bn, fashion-mnist for mobilenetv2, cifar10 otherwise.")
    String dataset;

    @Option(names = "--batch-size", defaultValue = "128", description = "Images per step; default ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--warmup", defaultValue = "3", description = "Untimed steps; default ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--steps", defaultValue = "10", description = "Timed steps per repetition; default ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--repeats", defaultValue = "3", description = "Repetitions (median, min, max); default ${DEFAULT-VALUE}.")
    int repeats;

    @Option(names = "--width", defaultValue = "1.0", description = "Channel width multiplier; default ${DEFAULT-VALUE}.")
    double width;

    @Option(names = "--inits", split = ",", defaultValue = "orthogonal,autoinit,pa-rewiring,lsuv",
            description = "Inits whose time to apply is measured (\"\" for none); default ${DEFAULT-VALUE}.")
    List<String> inits;

    @Option(names = "--threads", description = "Intra-op threads; default all cores.")
    Integer threads;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or auto (see `initbench train --help`);"
            + " default ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--json", description = "Write the results as JSON to this file.")
    Path json;

    @Option(names = "--markdown", description = "Write the results as a Markdown table to this file.")
    Path markdown;

    @Override
    public Integer call() throws IOException {
        if (batchSize < 2 || warmup < 0 || steps < 1 || repeats < 1) {
            throw new BadInputException("bench needs --batch-size >= 2, --warmup >= 0, --steps >= 1, --repeats >= 1");
        }
        Device d = Devices.parse(device);
        Threads.configure(threads);
        for (String a : archs) {
            Models.build(a, 3, 10, width);
        }
        DatasetName fixed = dataset == null ? null : DatasetName.parse(dataset);
        InitRegistry registry = InitRegistry.load();
        inits.removeIf(String::isBlank); // --inits "" measures none
        inits.forEach(registry::resolve);
        ThroughputBench.Config config = new ThroughputBench.Config(batchSize, warmup, steps, repeats, width, inits);
        PrintWriter out = spec.commandLine().getOut();
        List<ThroughputBench.ArchResult> results = new ArrayList<>();
        for (String a : archs) {
            out.println("measuring " + a + " ...");
            out.flush();
            results.add(ThroughputBench.run(a, fixed != null ? fixed : seedDataset(a), config, registry, d));
        }
        Map<String, Object> env = ThroughputBench.environment(d);
        String table = ThroughputBench.markdown(results);
        out.println(env);
        out.print(table);
        out.flush();
        if (markdown != null) {
            write(markdown, "Measured with `initbench bench` (" + env + ").\n\n" + table);
        }
        if (json != null) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("environment", env);
            doc.put("config", config);
            doc.put("results", results);
            write(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
        }
        return 0;
    }

    /** The dataset of each arch's cell in the seed's benchmark. */
    static DatasetName seedDataset(String arch) {
        return switch (arch) {
            case "resnet56", "vgg16bn" -> DatasetName.CIFAR100;
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
