package org.initbench.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Java/PyTorch comparison over one and several interleaved rounds, on constructed rates. */
class BenchComparisonTest {
    private static final ThroughputBench.Gemm GEMM =
            new ThroughputBench.Gemm(64, 1, new ThroughputBench.Rate(100, 90, 110, 3));

    @Test
    void oneRoundIsTheRatioOfTheTwoMedians() {
        BenchComparison c = BenchComparison.of(List.of(java(300, 1000)), GEMM, torch(250, 800)).get(0);
        assertThat(c.trainRatio()).isCloseTo(1.2, within(1e-12));
        assertThat(c.evalRatio()).isCloseTo(1.25, within(1e-12));
        assertThat(c.rounds()).isEqualTo(1);
        assertThat(c.trainRatioMin()).isEqualTo(c.trainRatio()).isEqualTo(c.trainRatioMax());
        // 300 img/s × 0.5 GFLOP/img over 100 GFLOP/s
        assertThat(c.javaGemmFraction()).isCloseTo(1.5, within(1e-12));
        assertThat(c.torchGemmFraction()).isCloseTo(1.25, within(1e-12));
    }

    /**
     * Three rounds on a host that slows down: Java 300, 200, 400 against PyTorch 250, 250, 250 gives round ratios
     * 1.2, 0.8, 1.6, so the ratio is their median 1.2 with range 0.8–1.6, and each rate the median of its rounds.
     * Four rounds take the mean of the two middle values.
     */
    @Test
    void severalRoundsTakeTheMedianOfTheRoundsOwnRatios() {
        List<BenchComparison.Round> rounds = List.of(round(300, 250), round(200, 250), round(400, 250));
        BenchComparison c = BenchComparison.of(rounds, GEMM).get(0);
        assertThat(c.rounds()).isEqualTo(3);
        assertThat(c.trainRatio()).isCloseTo(1.2, within(1e-12));
        assertThat(c.trainRatioMin()).isCloseTo(0.8, within(1e-12));
        assertThat(c.trainRatioMax()).isCloseTo(1.6, within(1e-12));
        assertThat(c.javaTrain()).isEqualTo(300);
        assertThat(c.torchTrain()).isEqualTo(250);

        // the ratio of medians (300 / 250 = 1.2 here too) differs from the median of ratios in general:
        List<BenchComparison.Round> drift = List.of(round(300, 300), round(200, 100), round(100, 200), round(400, 400));
        BenchComparison d = BenchComparison.of(drift, GEMM).get(0);
        assertThat(d.trainRatio()).isCloseTo(1.0, within(1e-12)); // ratios 1, 2, 0.5, 1
        assertThat(d.javaTrain()).isCloseTo(250, within(1e-12));
        assertThat(BenchComparison.markdown(List.of(d), GEMM)).contains("4 interleaved rounds")
                .contains("| 1.00 [0.50–2.00] |");
    }

    @Test
    void withoutPyTorchTheRatiosAreMissing() {
        BenchComparison c = BenchComparison.of(List.of(java(300, 1000)), GEMM, null).get(0);
        assertThat(c.trainRatio()).isNaN();
        assertThat(c.trainRatioMin()).isNaN();
        assertThat(BenchComparison.markdown(List.of(c), GEMM)).contains("| 300 | — | — |");
    }

    /**
     * bf16 over fp32 within each round: Java 450/300, 330/200, 600/400 gives 1.5, 1.65, 1.5 (median 1.5, range
     * 1.5–1.65); PyTorch 375/250 in every round gives 1.5; without PyTorch its side is missing.
     */
    @Test
    void speedupIsTheMedianOfEachRoundsRatioOfPrecisions() {
        List<BenchComparison.Round> fp32 = List.of(round(300, 250), round(200, 250), round(400, 250));
        List<BenchComparison.Round> bf16 = List.of(round(450, 375), round(330, 375), round(600, 375));
        BenchComparison.Speedup s = BenchComparison.speedups("bf16", bf16, "fp32", fp32).get(0);
        assertThat(s.arch()).isEqualTo("resnet20");
        assertThat(s.java()).isCloseTo(1.5, within(1e-12));
        assertThat(s.javaMin()).isCloseTo(1.5, within(1e-12));
        assertThat(s.javaMax()).isCloseTo(1.65, within(1e-12));
        assertThat(s.torch()).isCloseTo(1.5, within(1e-12));
        assertThat(s.rounds()).isEqualTo(3);
        assertThat(BenchComparison.speedupMarkdown(List.of(s))).contains("| arch | Java bf16/fp32 | PyTorch bf16/fp32 |")
                .contains("| resnet20 | 1.50 [1.50–1.65] | 1.50 [1.50–1.50] |");

        BenchComparison.Speedup alone = BenchComparison.speedups("bf16",
                List.of(new BenchComparison.Round(List.of(java(450, 1000)), null)), "fp32",
                List.of(new BenchComparison.Round(List.of(java(300, 1000)), null))).get(0);
        assertThat(alone.java()).isCloseTo(1.5, within(1e-12));
        assertThat(alone.torch()).isNaN();
        assertThat(BenchComparison.speedupMarkdown(List.of(alone))).contains("| resnet20 | 1.50 | — |");
        assertThatThrownBy(() -> BenchComparison.speedups("bf16", bf16, "fp32", fp32.subList(0, 2)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static BenchComparison.Round round(double javaTrain, double torchTrain) {
        return new BenchComparison.Round(List.of(java(javaTrain, 1000)), torch(torchTrain, 800));
    }

    private static ThroughputBench.ArchResult java(double train, double eval) {
        return new ThroughputBench.ArchResult("resnet20", "cifar10", 272_474, 128, rate(train), rate(eval), rate(5000),
                List.of(), 1, 0, 40_000_000L, 0.5, null);
    }

    private static TorchReference.Result torch(double train, double eval) {
        return new TorchReference.Result(Map.of("torch", "1.13"),
                List.of(new TorchReference.ArchRate("resnet20", "cifar10", 272_474, rate(train), rate(eval))));
    }

    private static ThroughputBench.Rate rate(double v) {
        return new ThroughputBench.Rate(v, v, v, 1);
    }
}
