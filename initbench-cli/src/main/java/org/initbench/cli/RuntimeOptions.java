package org.initbench.cli;

import ai.djl.Device;
import java.nio.file.Path;
import org.initbench.init.TorchPython;
import org.initbench.train.Devices;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where and how a command computes, not what: {@code --threads}, {@code --device}, {@code --data-dir} and
 * {@code --python}, for {@code train} and {@code sweep}; {@code bench}, {@code inspect}, {@code export}, {@code
 * demo} and {@code sweep slurm} mix in the parts they have ({@link ThreadCount}, {@link DeviceChoice}, {@link
 * DataDir}, {@link PythonChoice}). ({@code --verbose} is every command's, from {@code Main}.)
 */
final class RuntimeOptions {
    @Mixin ThreadCount threads;
    @Mixin DeviceChoice device;
    @Mixin DataDir data;
    @Mixin PythonChoice python;

    /** {@code --threads}. */
    static final class ThreadCount {
        @Option(names = "--threads", paramLabel = "<threads>",
                description = "Intra-op threads; default all cores (sweep --workers K: cores/K"
                + " per worker).")
        Integer value;

        /** Sets the engine's threads, before it loads ({@link Threads#configure}). */
        void configure() {
            Threads.configure(value);
        }
    }

    /** {@code --device}. */
    static final class DeviceChoice {
        @Option(names = "--device", paramLabel = "<device>", defaultValue = "cpu",
                description = "cpu, gpu (GPU 0 of those visible; a CUDA "
                + "build of the engine, see docs/gpu.md) or auto (gpu if one is visible, else cpu); default "
                + "${DEFAULT-VALUE}.")
        String value;

        /** The device; an unknown name or a missing GPU is bad input. */
        Device parse() {
            return Devices.parse(value);
        }
    }

    /** {@code --data-dir}. */
    static final class DataDir {
        @Option(names = "--data-dir", paramLabel = "<dataDir>",
                description = "Data root (else $INITBENCH_DATA, ~/.initbench/data, Debian's"
                + " datasets, the shipped subset).")
        Path value;
    }

    /** {@code --python}: the interpreter of {@code torch:} inits ({@link TorchPython}). */
    static final class PythonChoice {
        @Option(names = "--python", paramLabel = "<python>",
                description = "Python with torch for torch: inits (else $" + TorchPython.ENV + ", else "
                + TorchPython.DEFAULT + ").")
        String value;

        /**
         * Makes {@code --python} the interpreter of this command ({@link TorchPython#PROPERTY}, which sweep
         * workers and Slurm tasks inherit) until the returned scope closes, which restores the previous value.
         */
        Scope apply() {
            String before = System.getProperty(TorchPython.PROPERTY);
            if (value != null) {
                System.setProperty(TorchPython.PROPERTY, value);
            }
            return () -> {
                if (before == null) {
                    System.clearProperty(TorchPython.PROPERTY);
                } else {
                    System.setProperty(TorchPython.PROPERTY, before);
                }
            };
        }
    }

    /** The extent of a setting: closing it undoes the setting. */
    @FunctionalInterface
    interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
