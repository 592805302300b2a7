package org.initbench.cli;

import java.util.List;
import java.util.stream.Collectors;
import org.initbench.BadInputException;
import org.initbench.experiment.StopRequest;
import org.initbench.experiment.SweepDirectory;

/**
 * The text of an sbatch job-array script for the unfinished cells of a sweep: array task id = cell
 * index, threads = the task's CPUs, {@code --signal=B:USR1@S} and {@code --requeue}. The batch shell
 * runs the cell in the background and forwards USR1/TERM to it; the cell checkpoints after its
 * current step and exits {@value StopRequest#EXIT_CODE}, and the task then requeues itself ({@code
 * scontrol requeue}); the requeued task resumes from the checkpoint.
 */
final class SlurmScript {
    private SlurmScript() {}

    /**
     * sbatch settings; null fields are left out.
     *
     * @param signalBefore seconds before the time limit at which Slurm sends USR1
     * @param device the runs' {@code --device}
     */
    record Options(String partition, String time, int cpus, String mem, String gres, Integer maxParallel,
            int signalBefore, String device) {
        Options {
            if (cpus < 1) {
                throw new BadInputException("--cpus must be positive, got " + cpus);
            }
            if (maxParallel != null && maxParallel < 1) {
                throw new BadInputException("--max-parallel must be positive, got " + maxParallel);
            }
            if (signalBefore < 1) {
                throw new BadInputException("--signal-before must be positive (seconds), got " + signalBefore);
            }
        }
    }

    /**
     * @param indices the cells to run, one array task each
     * @param command the java command line (java, options, classpath, main class) each task runs
     */
    static String render(SweepDirectory sweep, List<Integer> indices, Options o, List<String> command, String dataDir) {
        String dir = sweep.path().toAbsolutePath().normalize().toString();
        String array = indices.stream().map(String::valueOf).collect(Collectors.joining(","))
                + (o.maxParallel() != null ? "%" + o.maxParallel() : "");
        StringBuilder b = new StringBuilder("#!/bin/bash\n");
        b.append("# initbench sweep ").append(sweep.spec().name()).append(": ").append(indices.size())
                .append(" unfinished of ").append(sweep.cells().size()).append(" cells; array task id = cell index\n");
        b.append("#SBATCH --job-name=initbench-").append(sweep.spec().name()).append('\n');
        b.append("#SBATCH --array=").append(array).append('\n');
        b.append("#SBATCH --cpus-per-task=").append(o.cpus()).append('\n');
        b.append("#SBATCH --time=").append(o.time()).append('\n');
        if (o.partition() != null) {
            b.append("#SBATCH --partition=").append(o.partition()).append('\n');
        }
        if (o.mem() != null) {
            b.append("#SBATCH --mem=").append(o.mem()).append('\n');
        }
        if (o.gres() != null) {
            b.append("#SBATCH --gres=").append(o.gres()).append('\n');
        }
        b.append("#SBATCH --signal=B:USR1@").append(o.signalBefore()).append('\n');
        b.append("#SBATCH --requeue\n");
        b.append("#SBATCH --open-mode=append\n");
        b.append("#SBATCH --output=").append(dir).append("/slurm-%A_%a.out\n");
        b.append("# USR1 (time limit near) or TERM (preemption, scancel): the cell checkpoints after its current\n");
        b.append("# step and exits ").append(StopRequest.EXIT_CODE)
                .append("; the task then requeues itself and resumes from that checkpoint.\n");
        b.append("export DJL_OFFLINE=true\n");
        b.append(command.stream().map(SlurmScript::quote).collect(Collectors.joining(" ")))
                .append(" sweep run ").append(quote(dir))
                .append(" --index \"$SLURM_ARRAY_TASK_ID\" --threads \"${SLURM_CPUS_PER_TASK:-").append(o.cpus())
                .append("}\" --device ").append(quote(o.device()));
        if (dataDir != null) {
            b.append(" --data-dir ").append(quote(dataDir));
        }
        b.append(" &\n");
        b.append("pid=$!\n");
        b.append("trap 'kill -USR1 $pid 2>/dev/null' USR1\n");
        b.append("trap 'kill -TERM $pid 2>/dev/null' TERM\n");
        b.append("wait $pid; rc=$?\n");
        b.append("while [ $rc -gt 128 ] && kill -0 $pid 2>/dev/null; do wait $pid; rc=$?; done")
                .append("  # wait cut short by a trap\n");
        b.append("if [ $rc -eq ").append(StopRequest.EXIT_CODE).append(" ]; then\n");
        b.append("  echo \"initbench: cell $SLURM_ARRAY_TASK_ID stopped at a checkpoint;")
                .append(" requeueing job $SLURM_JOB_ID\"\n");
        b.append("  scontrol requeue \"$SLURM_JOB_ID\"\n");
        b.append("fi\n");
        b.append("exit $rc\n");
        return b.toString();
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
