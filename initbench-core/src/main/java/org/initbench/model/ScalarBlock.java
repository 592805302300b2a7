package org.initbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One learned scalar, added to or multiplied with the whole input (Fixup's scalar biases and
 * multiplier): {@code x + b} with parameter {@code bias}, or {@code x · s} with parameter {@code
 * weight}, each of shape [1] as in PyTorch's {@code nn.Parameter(torch.zeros(1))}. On a bf16 input
 * (mixed precision) the op runs in float32 by type promotion and its result is cast back to bf16.
 */
final class ScalarBlock extends AbstractBlock implements MomentRule {
    private final boolean multiply;
    private final Parameter value;

    ScalarBlock(boolean multiply) {
        this.multiply = multiply;
        this.value = addParameter(Parameter.builder()
                .setName(multiply ? "weight" : "bias")
                .setType(multiply ? Parameter.Type.WEIGHT : Parameter.Type.BIAS)
                .optShape(new Shape(1))
                .optRequiresGrad(true)
                .build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray v = ps.getValue(value, x.getDevice(), training);
        NDArray y = multiply ? x.mul(v) : x.add(v);
        // bf16 x with the float32 [1] parameter promotes to float32 (as autocast computes it); the output
        // keeps the input's dtype, so the next conv gets bf16 as under autocast
        return new NDList(Bf16.is(x) ? Bf16.like(y, x, x.getManager()) : y);
    }

    /**
     * Taken as neutral (bias 0, multiplier 1, {@code InitContext.initScalar}): identity. That is what every
     * scheme writes except skipinit and rezero, whose branch scalars start at 0: a predicted variance of
     * their blocks' branches (AutoInit's propagation, {@code inspect --predict}) ignores that α.
     */
    @Override
    public Moments propagate(Moments input, Shape inputShape) {
        return input;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
