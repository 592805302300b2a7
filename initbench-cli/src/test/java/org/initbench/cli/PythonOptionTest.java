package org.initbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.initbench.init.TorchPython;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --python} holds for the command that names it and reaches the JVMs it starts (workers, Slurm tasks). */
class PythonOptionTest {
    @Test
    void pythonReachesChildJvmsAndIsUndoneAfterwards() {
        RuntimeOptions.PythonChoice choice = new RuntimeOptions.PythonChoice();
        new CommandLine(choice).parseArgs("--python", "/opt/py/bin/python3");
        assertThat(System.getProperty(TorchPython.PROPERTY)).isNull();
        try (RuntimeOptions.Scope scope = choice.apply()) {
            assertThat(TorchPython.interpreter()).isEqualTo("/opt/py/bin/python3");
            assertThat(SweepWorkers.javaCommand()).contains("-D" + TorchPython.PROPERTY + "=/opt/py/bin/python3");
        }
        assertThat(System.getProperty(TorchPython.PROPERTY)).isNull();
        assertThat(SweepWorkers.javaCommand()).noneMatch(a -> a.startsWith("-D" + TorchPython.PROPERTY));
    }
}
