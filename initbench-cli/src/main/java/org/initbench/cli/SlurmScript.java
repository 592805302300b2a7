package org.initbench.cli;

import java.util.List;
import java.util.stream.Collectors;
import org.initbench.BadInputException;
import org.initbench.sweep.SweepDirectory;

/** The text of an sbatch job-array script for the unfinished cells of a sweep. */
final class SlurmScript {
    private SlurmScript() {}

    /** sbatch settings; null fields are left out. */
    record Options(String partition, String time, int cpus, String mem, String gres, Integer maxParallel) {
        Options {
            if (cpus < 1) {
                throw new BadInputException("--cpus must be positive, got " + cpus);
            }
            if (maxParallel != null && maxParallel < 1) {
                throw new BadInputException("--max-parallel must be positive, got " + maxParallel);
            }
        }
    }

    static String render(SweepDirectory sweep, List<Integer> indices, Options o, String launcher) {
        String dir = sweep.path().toAbsolutePath().normalize().toString();
        String array = indices.stream().map(String::valueOf).collect(Collectors.joining(","))
                + (o.maxParallel() != null ? "%" + o.maxParallel() : "");
        StringBuilder b = new StringBuilder("#!/bin/bash\n");
        b.append("# initbench sweep ").append(sweep.spec().name()).append(": ").append(indices.size())
                .append(" unfinished of ").append(sweep.cells().size()).append(" cells\n");
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
        b.append("#SBATCH --output=").append(dir).append("/slurm-%A_%a.out\n");
        b.append("set -euo pipefail\n");
        b.append("exec ").append(quote(launcher)).append(" sweep --out ").append(quote(dir))
                .append(" --index \"$SLURM_ARRAY_TASK_ID\" --threads \"${SLURM_CPUS_PER_TASK:-").append(o.cpus())
                .append("}\"\n");
        return b.toString();
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
