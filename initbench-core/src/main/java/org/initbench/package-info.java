/**
 * initbench: design, test and benchmark weight-initialization strategies for deep CNNs on DJL.
 *
 * <p>Packages, in the one direction their dependencies flow: {@code model} (architectures and
 * their layer inventory) and {@code data} (datasets, readers, pipeline) at the bottom; {@code init}
 * (whole-model init strategies) on {@code model}; {@code train} (the PyTorch-exact loop: step,
 * SGD, schedule, layer statistics); {@code experiment} (run spec, run directory, checkpoints,
 * sweeps); and on top {@code report}, {@code diag} and {@code perf}, which the CLI module drives.
 */
package org.initbench;
