package org.initbench.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.initbench.BadInputException;
import org.junit.jupiter.api.Test;

class DevicesTest {
    @Test
    void cpuGpuAndAutoResolveAgainstTheVisibleGpus() {
        assertThat(Devices.resolve("cpu", 2)).isEqualTo(Device.cpu());
        assertThat(Devices.resolve("gpu", 2)).isEqualTo(Device.gpu(0));
        assertThat(Devices.resolve("auto", 1)).isEqualTo(Device.gpu(0));
        assertThat(Devices.resolve("auto", 0)).isEqualTo(Device.cpu());
        assertThat(Devices.resolve(" GPU ", 1)).isEqualTo(Device.gpu(0));
        assertThat(Devices.describe(Device.gpu(0))).isEqualTo("gpu(0)");
        assertThat(Devices.describe(Device.cpu())).isEqualTo("cpu");
    }

    @Test
    void gpuWithoutAGpuAndUnknownValuesAreBadInput() {
        assertThatThrownBy(() -> Devices.resolve("gpu", 0)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("--device gpu").hasMessageContaining("no GPU");
        assertThatThrownBy(() -> Devices.parse("tpu")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("cpu, gpu or auto");
        assertThatThrownBy(() -> Devices.parse(null)).isInstanceOf(BadInputException.class);
    }

    @Test
    void thisEngineIsCpuOnlySoAutoIsCpuAndGpuIsRefused() {
        // CI runs the CPU libtorch; parse asks the real engine.
        assumeTrue(Engine.getInstance().getGpuCount() == 0, "a GPU is visible");
        assertThat(Devices.parse("auto")).isEqualTo(Device.cpu());
        assertThat(Devices.parse("cpu")).isEqualTo(Device.cpu());
        assertThatThrownBy(() -> Devices.parse("gpu")).isInstanceOf(BadInputException.class);
    }
}
