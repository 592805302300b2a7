package org.initbench.train;

/**
 * The optimizer part of the recipe, {@code torch.optim.SGD(params, lr, momentum, weight_decay,
 * nesterov)} with dampening 0.
 *
 * @param momentum momentum factor (seed: 0.9)
 * @param weightDecay coupled L2 factor added to every gradient (seed: 5e-4)
 * @param nesterov Nesterov momentum (seed: off)
 * @param scalarLrFactor the learning rate of every one-element parameter (Fixup's scalar biases and
 *     multipliers) is {@code scalarLrFactor · lr}; 1 in the seed's recipe, {@link #FIXUP_SCALAR_LR}
 *     in Fixup's own (the recipe's {@code fixupScalarLr})
 */
public record SgdConfig(double momentum, double weightDecay, boolean nesterov, double scalarLrFactor) {
    /**
     * Fixup's official training code puts the scalar biases and multipliers in parameter groups with
     * lr/10 (Zhang, Dauphin, Ma 2019, hongyi-zhang/Fixup {@code cifar/cifar_train.py}).
     */
    public static final double FIXUP_SCALAR_LR = 0.1;

    public SgdConfig {
        if (!(scalarLrFactor > 0) || !Double.isFinite(scalarLrFactor)) {
            throw new IllegalArgumentException("scalar lr factor must be positive, got " + scalarLrFactor);
        }
    }

    /** Every parameter at the same learning rate (the seed's recipe). */
    public SgdConfig(double momentum, double weightDecay, boolean nesterov) {
        this(momentum, weightDecay, nesterov, 1);
    }
}
