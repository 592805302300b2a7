package org.initbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.initbench.cli.CliTestSupport.exec;

import java.nio.file.Files;
import java.nio.file.Path;
import org.initbench.testkit.FakeData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A strategy compiled in its own module (initbench-plugin-example, on the test class path as a
 * jar) is found through ServiceLoader, listed by {@code inits} and usable by {@code train --init}.
 */
class PluginTest {

    @Test
    void pluginIsListedAndTrains(@TempDir Path tmp) throws Exception {
        CliTestSupport list = exec("inits");
        assertThat(list.out()).contains("example-scaled-he").contains("option scale=0.5");

        FakeData.writeIdxDataset(tmp.resolve("data/fashion-mnist"), 32, 16, true, 5);
        Path out = tmp.resolve("run");
        CliTestSupport r = exec("train", "--dataset", "fashion-mnist", "--data-dir", tmp.resolve("data").toString(),
                "--epochs", "1", "--batch-size", "16", "--width", "0.25", "--init", "example-scaled-he:scale=0.8",
                "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Files.readString(out.resolve("spec.json"))).contains("example-scaled-he:scale=0.8");

        CliTestSupport bad = exec("train", "--init", "example-scaled-he:gain=2", "--out", tmp.resolve("bad").toString());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("unknown option 'gain'; valid: scale");
    }
}
