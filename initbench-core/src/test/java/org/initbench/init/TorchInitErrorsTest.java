package org.initbench.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.initbench.BadInputException;
import org.initbench.model.Norm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a {@code torch:} init fails is bad input with a one-line message saying what and where. */
class TorchInitErrorsTest {
    @TempDir
    Path dir;

    /** Writes {@code my_init.py} with these lines and returns its spec. */
    private String file(String... lines) throws IOException {
        Path f = dir.resolve("my_init.py");
        Files.writeString(f, String.join("\n", lines) + "\n");
        return "torch:" + f;
    }

    /** The message of the bad input that initializing resnet20 (width 0.25) with {@code spec} gives. */
    private static String failure(String spec) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                () -> TorchTesting.values("resnet20", 3, 10, 0.25, Norm.BN, spec, 1));
        assertThat(t).isInstanceOf(BadInputException.class);
        assertThat(t.getMessage()).doesNotContain("\n").doesNotContain("Traceback");
        return t.getMessage();
    }

    @Test
    void missingFile() {
        assertThatThrownBy(() -> InitRegistry.load().resolve("torch:" + dir.resolve("nope.py")))
                .isInstanceOf(BadInputException.class).hasMessageContaining("does not exist");
    }

    @Test
    void optionsAreRefused() throws IOException {
        String spec = file("def initialize_weights(model, config):", "    pass");
        assertThatThrownBy(() -> InitRegistry.load().resolve(spec + ":gain=2"))
                .isInstanceOf(BadInputException.class).hasMessageStartingWith("torch: inits take no options");
    }

    @Test
    void noPython() throws IOException {
        String spec = file("def initialize_weights(model, config):", "    pass");
        String message = withPython(dir.resolve("no-such-python").toString(), () -> failure(spec));
        assertThat(message).contains("cannot run Python").contains("no-such-python");
    }

    /** A Python without torch: Debian's interpreter with -S, which leaves dist-packages (and so torch) off sys.path. */
    @Test
    void noTorch() throws IOException {
        TorchTesting.assumeTorch();
        Path wrapper = dir.resolve("python-without-site");
        Files.writeString(wrapper, "#!/bin/sh\nexec " + TorchPython.interpreter() + " -S \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        String spec = file("def initialize_weights(model, config):", "    pass");
        String message = withPython(wrapper.toString(), () -> failure(spec));
        assertThat(message).contains("has no torch").contains("python-without-site");
    }

    @Test
    void noInitializeWeights() throws IOException {
        TorchTesting.assumeTorch();
        assertThat(failure(file("import torch", "def init_weights(model, config):", "    pass")))
                .contains("my_init.py").contains("no function initialize_weights(model, config)");
    }

    @Test
    void exceptionInTheUsersCodeNamesFileLineTypeAndMessage() throws IOException {
        TorchTesting.assumeTorch();
        String spec = file(
                "import torch.nn as nn",
                "",
                "def gain(m):",
                "    raise ValueError('bad\\ngain')",
                "",
                "def initialize_weights(model, config):",
                "    for m in model.modules():",
                "        if isinstance(m, nn.Conv2d):",
                "            nn.init.normal_(m.weight, 0, gain(m))");
        assertThat(failure(spec)).contains(dir.resolve("my_init.py").toString())
                .endsWith("raised my_init.py:4: ValueError: bad gain");
    }

    @Test
    void exceptionInsideTorchNamesTheUsersLine() throws IOException {
        TorchTesting.assumeTorch();
        String spec = file(
                "import torch.nn as nn",
                "def initialize_weights(model, config):",
                "    nn.init.kaiming_normal_(model.fc.weight, mode='fan_sideways')");
        assertThat(failure(spec)).contains("my_init.py:3: ValueError: ").contains("fan_sideways");
    }

    @Test
    void importErrorNamesFileAndLine() throws IOException {
        TorchTesting.assumeTorch();
        String spec = file("import torch", "import no_such_module_for_initbench", "def initialize_weights(m, c):",
                "    pass");
        assertThat(failure(spec)).contains("cannot be imported: my_init.py:2: ModuleNotFoundError:")
                .contains("no_such_module_for_initbench");
    }

    @Test
    void syntaxErrorNamesFileAndLine() throws IOException {
        TorchTesting.assumeTorch();
        String spec = file("import torch", "def initialize_weights(model, config)", "    pass");
        assertThat(failure(spec)).contains("cannot be imported: my_init.py:2: SyntaxError");
    }

    @Test
    void changedShapeNamesBothShapes() throws IOException {
        TorchTesting.assumeTorch();
        String spec = file("import torch", "def initialize_weights(model, config):",
                "    model.fc.weight.data = torch.zeros(3, 3)");
        assertThat(failure(spec)).contains("changed the shape of fc.weight from (10, 16) to (3, 3)");
    }

    @Test
    void removedParameterIsNamed() throws IOException {
        TorchTesting.assumeTorch();
        String spec = file("def initialize_weights(model, config):", "    model.fc.register_parameter('bias', None)");
        assertThat(failure(spec)).contains("removed or renamed parameter fc.bias");
    }

    @Test
    void nanIsNamed() throws IOException {
        TorchTesting.assumeTorch();
        String spec = file("def initialize_weights(model, config):",
                "    model.layer2.0.conv1.weight.data[0, 0, 0, 0] = float('nan')".replace("layer2.0", "layer2[0]"));
        assertThat(failure(spec)).contains("set layer2.0.conv1.weight to NaN");
    }

    @Test
    void infinityIsNamed() throws IOException {
        TorchTesting.assumeTorch();
        String spec = file("def initialize_weights(model, config):", "    model.bn1.bias.data.fill_(-float('inf'))");
        assertThat(failure(spec)).contains("set bn1.bias to an infinite value");
    }

    private static String withPython(String python, java.util.function.Supplier<String> body) {
        String old = System.getProperty(TorchPython.PROPERTY);
        System.setProperty(TorchPython.PROPERTY, python);
        try {
            return body.get();
        } finally {
            if (old == null) {
                System.clearProperty(TorchPython.PROPERTY);
            } else {
                System.setProperty(TorchPython.PROPERTY, old);
            }
        }
    }
}
