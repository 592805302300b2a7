/**
 * Run bookkeeping and sweeps: the run spec ({@link org.initbench.experiment.TrainSpec}), a run
 * ({@link org.initbench.experiment.TrainingRun}: data, model, init, then the {@code train} loop
 * epoch by epoch), its directory ({@link org.initbench.experiment.RunDirectory}), manifest,
 * checkpoint, result and stop request; and sweeps ({@link org.initbench.experiment.SweepSpec},
 * {@link org.initbench.experiment.SweepDirectory}, {@link org.initbench.experiment.SweepRunner}):
 * grids of runs that resume.
 *
 * <p>Place in the flow {@code cli → {perf, report, diag} → experiment → train → {init, data} →
 * model → DJL}: uses {@code train}, {@code init}, {@code data} and {@code model}; used by the CLI,
 * the reports (which read what it writes), the diagnostics and the performance tools.
 */
package org.initbench.experiment;
