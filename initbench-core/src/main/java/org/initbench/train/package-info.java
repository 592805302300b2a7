/**
 * The PyTorch-exact training loop and nothing else: {@link org.initbench.train.TrainStep} (one SGD
 * step, one evaluation step, an evaluation pass), {@link org.initbench.train.Sgd} with {@link
 * org.initbench.train.SgdConfig} ({@code torch.optim.SGD}), {@link
 * org.initbench.train.CosineSchedule}, the {@link org.initbench.train.TrainListener} a run reports
 * to, and the per-layer statistics of {@code --log-layer-stats}.
 *
 * <p>Place in the flow {@code cli → {perf, report, diag} → experiment → train → {init, data} →
 * model → DJL}: this package uses {@code data}, {@code model} and DJL only; it knows nothing of run
 * directories, specs or sweeps.
 */
package org.initbench.train;
