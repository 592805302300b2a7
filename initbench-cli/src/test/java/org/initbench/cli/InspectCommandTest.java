package org.initbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.initbench.cli.CliTestSupport.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.initbench.testkit.FakeData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InspectCommandTest {
    @TempDir static Path data;

    @BeforeAll
    static void fakeData() {
        FakeData.writeIdxDataset(data.resolve("fashion-mnist"), 48, 24, true, 3);
    }

    static String[] inspect(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("inspect", "--arch", "resnet20", "--dataset", "fashion-mnist",
                "--data-dir", data.toString(), "--width", "0.25", "--batch", "8", "--threads", "2",
                "--out", out.toString()));
        args.addAll(Arrays.asList(extra));
        return args.toArray(String[]::new);
    }

    @Test
    void writesTableJsonAndPlotsAndRefusesToOverwrite(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("insp");
        CliTestSupport r = exec(inspect(out, "--init", "kaiming-normal:mode=fan_in,nonlinearity=relu,fixup,lsuv"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("== kaiming-normal:mode=fan_in,nonlinearity=relu,a=0 ==", "== fixup",
                "== lsuv", "residual add", "first training batch");
        for (String f : List.of("inspect.json", "inspect.txt", "activation-std.png", "grad-norm.png",
                "residual-ratio.png")) {
            assertThat(out.resolve(f)).isNotEmptyFile();
        }
        JsonNode json = new ObjectMapper().readTree(out.resolve("inspect.json").toFile());
        assertThat(json.get("inits")).hasSize(3);
        assertThat(json.get("batch").asInt()).isEqualTo(8);
        assertThat(json.get("input").asText()).isEqualTo("data");
        byte[] before = Files.readAllBytes(out.resolve("inspect.json"));

        CliTestSupport again = exec(inspect(out, "--init", "orthogonal"));
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).startsWith("initbench: ").contains("--force");
        assertThat(again.err().lines().count()).isEqualTo(1);
        assertThat(Files.readAllBytes(out.resolve("inspect.json"))).isEqualTo(before);

        CliTestSupport forced = exec(inspect(out, "--init", "orthogonal", "--input", "gaussian", "--predict", "--force"));
        assertThat(forced.exitCode()).as(forced.err()).isZero();
        assertThat(forced.out()).contains("predicted").contains("N(0,1)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--init=nope", "--arch=resnet21", "--batch=1", "--batch=x", "--input=noise",
            "--dataset=cifar1000", "--init=kaiming-normal:mode=sideways", "--width=0", "--norm=ln"})
    void badInputExitsTwoWithOneLine(String bad, @TempDir Path tmp) {
        List<String> args = new ArrayList<>(Arrays.asList(inspect(tmp.resolve("o"), "--init", "kaiming-normal")));
        args.add(bad);
        CliTestSupport r = exec(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).startsWith("initbench: ");
        assertThat(r.err().lines().count()).isEqualTo(1);
        assertThat(tmp.resolve("o")).doesNotExist();
    }
}
