package org.initbench.train;

/**
 * The optimizer part of the recipe, {@code torch.optim.SGD(params, lr, momentum, weight_decay,
 * nesterov)} with dampening 0.
 *
 * @param momentum momentum factor (seed: 0.9)
 * @param weightDecay coupled L2 factor added to every gradient (seed: 5e-4)
 * @param nesterov Nesterov momentum (seed: off)
 */
public record SgdConfig(double momentum, double weightDecay, boolean nesterov) {}
