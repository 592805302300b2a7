package org.initbench.init;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Python interpreter with PyTorch that {@code torch:} inits and the PyTorch cross-checks run: the {@code
 * initbench.python} property (the CLI's {@code --python}), else {@code $INITBENCH_PYTHON}, else Debian's {@code
 * /usr/bin/python3} (whose {@code python3-torch} is 1.13; a {@code python3} earlier on the PATH may lack torch).
 */
public final class TorchPython {
    /** The property {@code --python} sets; sweep workers and Slurm tasks inherit it. */
    public static final String PROPERTY = "initbench.python";

    /** The environment variable naming the interpreter. */
    public static final String ENV = "INITBENCH_PYTHON";

    /** The interpreter used when neither is set. */
    public static final String DEFAULT = "/usr/bin/python3";

    private static final String HOW = "install Debian's python3-torch (apt-get install -y python3-torch) or name"
            + " a Python with torch by --python or " + ENV;

    private TorchPython() {}

    /** The interpreter to run: the property, else the environment variable, else {@link #DEFAULT}. */
    public static String interpreter() {
        String p = System.getProperty(PROPERTY);
        if (p != null && !p.isBlank()) {
            return p.strip();
        }
        String e = System.getenv(ENV);
        return e != null && !e.isBlank() ? e.strip() : DEFAULT;
    }

    /**
     * The torch version {@code python} imports, e.g. {@code 1.13.1}; a Python that cannot be started or has no
     * torch gives a {@link org.initbench.BadInputException} saying how to get one.
     */
    public static String torchVersion(String python) {
        String problem = problem(python);
        if (problem != null) {
            throw new org.initbench.BadInputException(problem);
        }
        return run(python).substring("ok ".length());
    }

    /** Null when {@code python} runs and imports torch; else one line saying what is missing and how to get it. */
    public static String problem(String python) {
        String out;
        try {
            out = run(python);
        } catch (IllegalStateException e) {
            return "cannot run Python '" + python + "' (" + e.getMessage() + "); " + HOW;
        }
        if (!out.startsWith("ok ")) {
            return "Python '" + python + "' has no torch; " + HOW;
        }
        return null;
    }

    /** Runs the probe; returns its last line ("ok VERSION" or "no"), or throws when the interpreter does not start. */
    private static String run(String python) {
        List<String> cmd = List.of(python, "-c",
                "try:\n import torch\n print('ok ' + torch.__version__)\nexcept Exception:\n print('no')");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] bytes = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("no answer in 60 s");
            }
            String out = new String(bytes, StandardCharsets.UTF_8).strip();
            return out.lines().reduce((a, b) -> b).orElse("");
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
