/**
 * The PyTorch-exact training loop ({@link org.initbench.train.TrainingRun}, {@link
 * org.initbench.train.Sgd}, {@link org.initbench.train.CosineSchedule}) and the run directory
 * ({@link org.initbench.train.RunDirectory}).
 */
package org.initbench.train;
