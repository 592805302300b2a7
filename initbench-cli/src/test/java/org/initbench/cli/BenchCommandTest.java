package org.initbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.initbench.cli.CliTestSupport.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchCommandTest {

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
        assertThat(Files.readString(md)).contains("| arch | data shape |").contains("initbench bench");
    }

    @Test
    void badInputIsExitTwo() {
        assertThat(exec("bench", "--arch", "resnet21").exitCode()).isEqualTo(2);
        assertThat(exec("bench", "--steps", "0").err()).contains("--steps >= 1");
        assertThat(exec("bench", "--inits", "orthogonal:gain=x").exitCode()).isEqualTo(2);
    }
}
