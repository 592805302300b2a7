package org.initbench.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.initbench.data.Batch;
import org.initbench.data.BatchSource;
import org.initbench.model.Bf16;
import org.initbench.model.Network;

/**
 * One step of the loop, shared by training runs and the throughput measurements: an SGD step on
 * one batch (forward in train mode, mean cross-entropy as {@code nn.CrossEntropyLoss()}, backward,
 * the update unless the loss is not finite), an evaluation step with BN in eval mode, and a pass
 * over an evaluation split. Each batch runs in its own sub-{@link NDManager}. With a {@link
 * MixedPrecisionStore} ({@link Precision#BF16}) the batch is cast to bf16 before the forward, the store's
 * parameter casts live in the step's sub-manager, and the logits are cast to float32 before the loss.
 */
public final class TrainStep {
    private TrainStep() {}

    /** Loss of a training batch and its number of correct predictions. */
    public record Result(float loss, long correct) {}

    /**
     * One SGD step on one batch, in its own sub-manager: forward in train mode, mean cross-entropy,
     * backward, then the update unless the loss is not finite.
     */
    public static Result train(Network net, ParameterStore ps, Sgd sgd, NDManager root, Batch batch, double lr) {
        return train(net, ps, sgd, root, batch, lr, null);
    }

    /** As above; a non-null {@code probe} runs the forward and reads the layer statistics of this step. */
    public static Result train(Network net, ParameterStore ps, Sgd sgd, NDManager root, Batch batch, double lr,
            LayerStatsLog.Step probe) {
        try (NDManager step = root.newSubManager()) {
            NDList in = batch.arrays(step);
            NDArray x = in.get(0);
            NDArray y = in.get(1);
            NDArray logits;
            NDArray loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector();
                    MixedPrecisionStore.Scope casts = scope(ps, step)) {
                NDArray in0 = input(ps, x, step);
                logits = probe == null ? net.block().forward(ps, new NDList(in0), true).singletonOrThrow()
                        : probe.forward(ps, in0);
                logits = Bf16.toFloat32(logits, step);
                loss = crossEntropy(logits, y, net.numClasses());
                gc.backward(loss);
            }
            float l = loss.getFloat();
            if (!Float.isFinite(l)) {
                return new Result(l, 0);
            }
            long correct = logits.argMax(1).eq(y).sum().getLong();
            if (probe != null) {
                probe.finish(l);
            }
            sgd.step(lr);
            return new Result(l, correct);
        }
    }

    /** Mean test loss and accuracy, BN in eval mode, no gradients. */
    public static double[] evaluate(Network net, ParameterStore ps, NDManager root, BatchSource batches) {
        double lossSum = 0;
        long correct = 0;
        long seen = 0;
        try (BatchSource loader = batches) {
            while (loader.hasNext()) {
                Batch batch = loader.next();
                Result r = eval(net, ps, root, batch);
                lossSum += (double) r.loss() * batch.size();
                correct += r.correct();
                seen += batch.size();
            }
        }
        return new double[] {lossSum / seen, (double) correct / seen};
    }

    /** Mean loss and correct predictions of one batch in eval mode (BN running statistics). */
    public static Result eval(Network net, ParameterStore ps, NDManager root, Batch batch) {
        try (NDManager step = root.newSubManager()) {
            NDList in = batch.arrays(step);
            NDArray y = in.get(1);
            NDArray logits;
            try (MixedPrecisionStore.Scope casts = scope(ps, step)) {
                logits = net.block().forward(ps, new NDList(input(ps, in.get(0), step)), false).singletonOrThrow();
            }
            logits = Bf16.toFloat32(logits, step);
            return new Result(crossEntropy(logits, y, net.numClasses()).getFloat(),
                    logits.argMax(1).eq(y).sum().getLong());
        }
    }

    /** The step's scope for a mixed-precision store's casts; a no-op for a plain store. */
    private static MixedPrecisionStore.Scope scope(ParameterStore ps, NDManager step) {
        return ps instanceof MixedPrecisionStore mp ? mp.scope(step) : () -> {};
    }

    /** The batch as the forward takes it: cast to bf16 for a mixed-precision store, else as it is. */
    private static NDArray input(ParameterStore ps, NDArray x, NDManager step) {
        return ps instanceof MixedPrecisionStore ? Bf16.toBf16(x, step) : x;
    }

    /** Mean cross-entropy of logits against integer labels, as {@code nn.CrossEntropyLoss()}. */
    public static NDArray crossEntropy(NDArray logits, NDArray labels, int numClasses) {
        return logits.logSoftmax(1).mul(labels.oneHot(numClasses)).sum(new int[] {1}).mean().neg();
    }
}
