package org.initbench.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.initbench.model.Models;
import org.initbench.model.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FlopCountTest {

    /**
     * plaincnn at width 0.25 on 3×32×32: convs 3→8, 8→8 at 32², pool, 8→16, 16→16 at 16², pool,
     * 16→32, 32→32 at 8², pool, 32→64, 64→64 at 4², pool, global pool, Linear(64, 10); every conv
     * 3×3 pad 1 stride 1, so MACs = Cout·H·W·Cin·9.
     */
    @Test
    void plainCnnByHand() {
        Network net = Models.build("plaincnn", 3, 10, 0.25);
        long conv = 8L * 32 * 32 * 3 * 9 + 8L * 32 * 32 * 8 * 9
                + 16L * 16 * 16 * 8 * 9 + 16L * 16 * 16 * 16 * 9
                + 32L * 8 * 8 * 16 * 9 + 32L * 8 * 8 * 32 * 9
                + 64L * 4 * 4 * 32 * 9 + 64L * 4 * 4 * 64 * 9;
        assertThat(conv).isEqualTo(3_465_216L);
        FlopCount f = FlopCount.of(net);
        assertThat(f.convMacs()).isEqualTo(conv);
        assertThat(f.linearMacs()).isEqualTo(64L * 10);
        assertThat(f.trainFlops()).isEqualTo(6.0 * (conv + 640));
    }

    @Test
    void resnet20IsTheKnown40Point8MegaMacs() {
        FlopCount f = FlopCount.of(Models.build("resnet20", 3, 10));
        assertThat((double) f.forwardMacs()).isCloseTo(40.8e6, within(0.02 * 40.8e6));
    }

    /**
     * Exact counts from PyTorch forward hooks on pytorch/initbench_torch/models.py's twins (output
     * numel · Cin/groups · k² per Conv2d, in·out per Linear; 1×32×32 or 3×32×32 input): covers
     * strided and 1×1 projection convs (ResNets) and depthwise convs (MobileNetV2).
     */
    @ParameterizedTest
    @CsvSource({
        "resnet20, 3, 10, 40812544, 640",
        "resnet56, 3, 100, 125747200, 6400",
        "vgg16bn, 3, 100, 313196544, 51200",
        "mobilenetv2, 1, 10, 87373824, 12800",
    })
    void equalsPyTorchHookCounts(String arch, int in, int classes, long conv, long linear) {
        FlopCount f = FlopCount.of(Models.build(arch, in, classes));
        assertThat(f.convMacs()).isEqualTo(conv);
        assertThat(f.linearMacs()).isEqualTo(linear);
    }
}
