package org.initbench.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;
import org.initbench.BadInputException;

/**
 * The {@code --device cpu|gpu|auto} option through DJL's {@link Device} API. One GPU per run
 * process: {@code gpu} and {@code auto} take GPU 0 of those the process sees (choose one with
 * {@code CUDA_VISIBLE_DEVICES}). {@code gpu} without a visible GPU is bad input; {@code auto} falls
 * back to the CPU.
 */
public final class Devices {
    /** The accepted option values. */
    public static final String CHOICES = "cpu, gpu or auto";

    private Devices() {}

    /** Resolves the option against the GPUs the PyTorch engine sees. */
    public static Device parse(String option) {
        String o = normalized(option);
        // CPU runs never ask the engine about CUDA.
        return "cpu".equals(o) ? Device.cpu() : resolve(o, Engine.getInstance().getGpuCount());
    }

    /**
     * Resolves the option given the number of visible GPUs.
     *
     * @throws BadInputException for an unknown value, or {@code gpu} when no GPU is visible
     */
    static Device resolve(String option, int gpuCount) {
        return switch (normalized(option)) {
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (gpuCount < 1) {
                    throw new BadInputException("--device gpu: the PyTorch engine sees no GPU (engine "
                            + engineName() + "; see docs/gpu.md for a CUDA build), use --device cpu or auto");
                }
                yield Device.gpu(0);
            }
            default -> gpuCount > 0 ? Device.gpu(0) : Device.cpu();
        };
    }

    /** {@code "cpu"}, or {@code "gpu(0)"}: what the manifest and bench record. */
    public static String describe(Device device) {
        return device.isGpu() ? "gpu(" + device.getDeviceId() + ")" : "cpu";
    }

    private static String normalized(String option) {
        String o = option == null ? "" : option.trim().toLowerCase(Locale.ROOT);
        if (!o.equals("cpu") && !o.equals("gpu") && !o.equals("auto")) {
            throw new BadInputException("--device must be " + CHOICES + ", got '" + option + "'");
        }
        return o;
    }

    private static String engineName() {
        try {
            Engine e = Engine.getInstance();
            return e.getEngineName() + " " + e.getVersion();
        } catch (RuntimeException e) {
            return "unavailable";
        }
    }
}
