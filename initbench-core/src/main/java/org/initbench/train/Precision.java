package org.initbench.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.initbench.BadInputException;
import org.initbench.model.Network;

/**
 * The {@code --precision} option: in which floating-point type a step computes, in the sense of PyTorch's
 * {@code torch.autocast(device_type, dtype=torch.bfloat16)}.
 *
 * <ul>
 *   <li>{@link #FP32} (the default, the seed's recipe): everything in float32.
 *   <li>{@link #BF16}: mixed precision. Parameters, their gradients, the BN running statistics and the
 *       optimizer state stay float32 ("master weights"). Each forward casts the input batch and the weight
 *       and bias of every conv and linear layer to bfloat16 ({@link MixedPrecisionStore}); the casts are
 *       in the autograd graph, so gradients reach the float32 parameters in float32 and SGD updates them
 *       in float32. Convolutions and linear layers compute in bf16; activations flow in bf16 between them
 *       (ReLU, ReLU6, pooling, residual adds, flatten); BatchNorm takes the bf16 activation with its float32
 *       γ, β and running statistics (libtorch's mixed-type batch norm) and returns bf16; Fixup's scalar
 *       bias and multiplier compute in float32 and return bf16; a weight-normalized layer computes
 *       w = g·v/‖v‖ in float32 and casts w and its bias to bf16. The logits are cast to float32 before
 *       the loss: log-softmax and cross-entropy in float32, as autocast runs them.
 * </ul>
 *
 * <p>bf16 needs the CPU's bf16 instructions (AVX512-BF16 or AMX) or a GPU that has them to be fast; without
 * them libtorch emulates bf16 correctly but slower than float32 ({@link #hardwareNotice}).
 */
public enum Precision {
    /** Everything in float32. */
    FP32,
    /** Autocast-style bf16 mixed precision (see the class comment). */
    BF16;

    /** The accepted option values. */
    public static final String CHOICES = "fp32, bf16";

    private static final AtomicBoolean NOTICED = new AtomicBoolean();

    /** The option value: {@code fp32} or {@code bf16}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The precision named {@code option} (case-insensitive).
     *
     * @throws BadInputException naming the valid values
     */
    public static Precision parse(String option) {
        String o = option == null ? "" : option.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(p -> p.id().equals(o)).findFirst()
                .orElseThrow(() -> new BadInputException("--precision must be " + CHOICES + ", got '" + option + "'"));
    }

    /**
     * The parameter store a step of this precision forwards with: DJL's plain {@link ParameterStore} for
     * fp32 (exactly as before the option existed), a {@link MixedPrecisionStore} for bf16.
     */
    public ParameterStore store(Network net, NDManager root) {
        return this == FP32 ? new ParameterStore(root, false) : new MixedPrecisionStore(net, root);
    }

    /**
     * Passes {@code notice} a line, once per process, when this is bf16 on a CPU without bf16 instructions
     * ({@code avx512_bf16} or {@code amx_bf16} in {@code /proc/cpuinfo}): runs are correct but emulated.
     */
    public void hardwareNotice(Device device, Consumer<String> notice) {
        if (this == BF16 && !device.isGpu() && !cpuHasBf16() && NOTICED.compareAndSet(false, true)) {
            notice.accept("this CPU has no bf16 instructions (avx512_bf16, amx_bf16): bf16 runs correctly but "
                    + "emulated, slower than fp32");
        }
    }

    /** Whether {@code /proc/cpuinfo} lists {@code avx512_bf16} or {@code amx_bf16}; false where it cannot be read. */
    public static boolean cpuHasBf16() {
        try {
            return flagsHaveBf16(Files.readString(Path.of("/proc/cpuinfo")));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static boolean flagsHaveBf16(String cpuinfo) {
        for (String line : cpuinfo.split("\n")) {
            if (line.startsWith("flags")) {
                for (String f : line.substring(line.indexOf(':') + 1).trim().split("\\s+")) {
                    if (f.equals("avx512_bf16") || f.equals("amx_bf16")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
