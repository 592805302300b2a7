package org.initbench.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.initbench.BadInputException;
import org.initbench.experiment.SweepDirectory;
import org.initbench.experiment.SweepRunner;
import org.initbench.experiment.SweepSpec;
import org.initbench.init.InitRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code initbench sweep slurm}: writes an sbatch job-array script with one task per cell that is
 * neither finished nor running ({@link SlurmScript}), and with {@code --submit} runs {@code sbatch}
 * on it and records the job in {@value SlurmJobs#FILE}. Resubmitting the same sweep submits only
 * what is left; a second task on a cell already running finds its lock taken and exits.
 */
@Command(name = "slurm", mixinStandardHelpOptions = true,
        description = "Write (and with --submit, submit) an sbatch job array running one unfinished cell per task.")
final class SlurmCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin SweepGrid grid;

    @Option(names = "--partition", description = "Slurm partition.") String partition;
    @Option(names = "--time", defaultValue = "24:00:00", description = "Time limit per task; default ${DEFAULT-VALUE}.")
    String time;
    @Option(names = "--cpus", defaultValue = "2",
            description = "CPUs per task (the run's threads); default ${DEFAULT-VALUE}.") int cpus;
    @Option(names = "--mem", description = "Memory per task, e.g. 8G.") String mem;
    @Option(names = "--gres", description = "Generic resources per task, e.g. gpu:1 (with --device gpu).") String gres;
    @Option(names = "--max-parallel", description = "At most this many tasks at once (%%K).") Integer maxParallel;
    @Option(names = "--signal-before", defaultValue = "300", description = "Seconds before the time limit at which"
            + " Slurm sends USR1: the cell checkpoints and the task requeues itself; default ${DEFAULT-VALUE}.")
    int signalBefore;
    @Mixin RuntimeOptions.DeviceChoice device;
    @Mixin RuntimeOptions.DataDir data;
    @Mixin RuntimeOptions.PythonChoice python;
    @Option(names = "--script", description = "Where to write the script; default <sweep dir>/sweep.sbatch.")
    Path script;
    @Option(names = "--submit", description = "Run sbatch on the script and record the job id.") boolean submit;
    @Option(names = "--sbatch", defaultValue = "sbatch", description = "The sbatch command; default ${DEFAULT-VALUE}.")
    String sbatch;

    @Override
    public Integer call() throws IOException, InterruptedException {
        try (RuntimeOptions.Scope scope = python.apply()) { // the tasks inherit --python
            return write();
        }
    }

    private int write() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        device.parse();
        SweepRunner.validate(grid.view(), InitRegistry.load());
        SweepDirectory sweep = grid.open();
        List<Integer> pending = new ArrayList<>();
        int running = 0;
        for (SweepSpec.Cell c : sweep.cells()) {
            SweepDirectory.State s = sweep.status(c).state();
            if (s == SweepDirectory.State.RUNNING) {
                running++;
            } else if (!s.finished()) {
                pending.add(c.index());
            }
        }
        if (pending.isEmpty()) {
            out.println("no cell of " + sweep.path() + " is left to submit (" + running
                    + " running, the rest finished)");
            return 0;
        }
        SlurmScript.Options o = new SlurmScript.Options(partition, time, cpus, mem, gres, maxParallel, signalBefore,
                device.value);
        Path file = script != null ? script : sweep.path().resolve("sweep.sbatch");
        String text = SlurmScript.render(sweep, pending, o, SweepWorkers.javaCommand(),
                data.value == null ? null : data.value.toAbsolutePath().toString());
        try {
            Files.writeString(file, text);
            file.toFile().setExecutable(true);
        } catch (IOException e) {
            throw new BadInputException("cannot write " + file + ": " + e.getMessage());
        }
        out.println("wrote " + file + " (" + pending.size() + " array tasks"
                + (running > 0 ? "; " + running + " running cells left out" : "") + ")");
        if (!submit) {
            out.println("submit with: sbatch " + file);
            return 0;
        }
        String job = submit(file);
        SlurmJobs.record(sweep.path(), job, pending);
        out.println("submitted job array " + job + " (" + pending.size()
                + " tasks); watch it with: initbench sweep status " + sweep.path());
        return 0;
    }

    /** Runs {@code sbatch --parsable FILE} and returns the job id. */
    private String submit(Path file) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(sbatch, "--parsable", file.toAbsolutePath().toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new BadInputException("cannot run " + sbatch + " (" + e.getMessage() + "); the script is written: "
                    + "submit " + file + " on a machine with Slurm");
        }
        String reply = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        int code = p.waitFor();
        String last = reply.isEmpty() ? "" : reply.lines().reduce((a, b) -> b).orElse("");
        String job = last.contains(";") ? last.substring(0, last.indexOf(';')) : last; // "id;cluster"
        if (code != 0 || !job.matches("\\d+")) {
            throw new BadInputException(sbatch + " refused " + file + " (exit " + code + "): "
                    + reply.replace('\n', ' '));
        }
        return job;
    }
}
