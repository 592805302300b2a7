/**
 * Performance measurement, the engine of {@code initbench bench}: throughput and memory of the real
 * train step ({@link org.initbench.perf.ThroughputBench}), per-op profiles ({@link
 * org.initbench.perf.OpProfile}), FLOP counts ({@link org.initbench.perf.FlopCount}), the
 * comparison against eager PyTorch in the same run ({@link org.initbench.perf.TorchReference},
 * {@link org.initbench.perf.BenchComparison}) and the worker plan that splits the cores between sweep
 * workers ({@link org.initbench.perf.WorkerPlan}, {@link org.initbench.perf.WorkerPlanBench}).
 *
 * <p>Place in the flow {@code cli → {perf, report, diag} → experiment → train → {init, data} →
 * model → DJL}: it drives {@link org.initbench.train.TrainStep} directly and reads machine facts
 * from {@link org.initbench.experiment.Manifest}; nothing below depends on it.
 */
package org.initbench.perf;
