package org.initbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.initbench.cli.CliTestSupport.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.initbench.init.TorchPython;
import org.initbench.testkit.FakeData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code train --init torch:PATH.py}: a seed-style file trains; its failures are one line on stderr, exit 2. */
class TorchInitCliTest {
    @TempDir static Path data;

    @BeforeAll
    static void needsTorchAndData() {
        String problem = TorchPython.problem(TorchPython.interpreter());
        Assumptions.assumeTrue(problem == null, () -> "skipped, no PyTorch for torch: inits: " + problem);
        FakeData.writeIdxDataset(data.resolve("fashion-mnist"), 48, 24, true, 3);
    }

    private static String[] train(Path out, Path init) {
        return new String[] {"train", "--arch", "resnet20", "--dataset", "fashion-mnist", "--data-dir",
            data.toString(), "--epochs", "1", "--batch-size", "16", "--width", "0.25", "--threads", "2", "--out",
            out.toString(), "--init", "torch:" + init};
    }

    private static Path write(Path dir, String... lines) throws IOException {
        return Files.writeString(dir.resolve("my_init.py"), String.join("\n", lines) + "\n");
    }

    @Test
    void seedStyleFileTrains(@TempDir Path tmp) throws IOException {
        Path init = write(tmp,
                "import argparse",
                "import torch.nn as nn",
                "def initialize_weights(model, config):",
                "    for m in model.modules():",
                "        if isinstance(m, nn.Conv2d):",
                "            nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')",
                "        elif isinstance(m, nn.BatchNorm2d):",
                "            nn.init.constant_(m.weight, 1)",
                "            nn.init.constant_(m.bias, 0)",
                "def main():",
                "    argparse.ArgumentParser().parse_args(['--no-such-flag'])",
                "if __name__ == '__main__':",
                "    main()");
        CliTestSupport r = exec(train(tmp.resolve("run"), init));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Files.readString(tmp.resolve("run/spec.json"))).contains("torch:" + init);
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(List.of("import torch", "def initialize_weights(model, config):",
                        "    raise ValueError('bad gain')"), "my_init.py:3: ValueError: bad gain"),
                Arguments.of(List.of("import no_such_module_for_initbench"),
                        "cannot be imported: my_init.py:1: ModuleNotFoundError"),
                Arguments.of(List.of("def init_weights(model, config):", "    pass"),
                        "defines no function initialize_weights(model, config)"),
                Arguments.of(List.of("import torch", "def initialize_weights(model, config):",
                        "    model.fc.weight.data = torch.zeros(3, 3)"), "changed the shape of fc.weight"),
                Arguments.of(List.of("def initialize_weights(model, config):",
                        "    model.conv1.weight.data.fill_(float('nan'))"), "set conv1.weight to NaN"),
                Arguments.of(List.of("def initialize_weights(model, config):",
                        "    model.fc.bias.data.fill_(float('inf'))"), "fc.bias"));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void failureIsOneLineAndExitTwo(List<String> lines, String message, @TempDir Path tmp) throws IOException {
        Path init = write(tmp, lines.toArray(String[]::new));
        CliTestSupport r = exec(train(tmp.resolve("run"), init));
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).startsWith("initbench: ").contains(message);
        assertThat(r.err().lines().count()).isEqualTo(1);
        assertThat(tmp.resolve("run")).as("nothing written").doesNotExist();
    }

    @Test
    void noPythonNoTorchAndNoFileAreOneLineAndExitTwo(@TempDir Path tmp) throws IOException {
        Path init = write(tmp, "def initialize_weights(model, config):", "    pass");
        String[] args = train(tmp.resolve("run"), init);
        List<String> noPython = new ArrayList<>(List.of(args));
        noPython.addAll(List.of("--python", tmp.resolve("no-such-python").toString()));
        Path noTorch = Files.writeString(tmp.resolve("python-without-torch"), "#!/bin/sh\nexec /usr/bin/python3 -S -I \"$@\"\n");
        noTorch.toFile().setExecutable(true);
        List<String> withoutTorch = new ArrayList<>(List.of(args));
        withoutTorch.addAll(List.of("--python", noTorch.toString()));
        String[] missing = train(tmp.resolve("run"), tmp.resolve("missing.py"));
        for (var c : List.of(Map.entry(noPython, "cannot run Python"), Map.entry(withoutTorch, "has no torch"),
                Map.entry(List.of(missing), "init file " + tmp.resolve("missing.py") + " does not exist"))) {
            CliTestSupport r = exec(c.getKey().toArray(String[]::new));
            assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).contains(c.getValue());
            assertThat(r.err().lines().count()).isEqualTo(1);
            assertThat(tmp.resolve("run")).doesNotExist();
        }
        assertThat(System.getProperty(TorchPython.PROPERTY)).as("--python is undone after the command").isNull();
    }
}
