package org.initbench.init;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.initbench.Seeds;
import org.initbench.model.Layer;
import org.initbench.model.Network;

/**
 * What a strategy works with: the model's inventory, the config, and per-parameter random streams
 * and writers. Values are computed in Java and copied into the parameter arrays in place.
 */
public final class InitContext {
    private final Network network;
    private final InitConfig config;
    private final long seed;
    private final SampleBatch sampleBatch;

    InitContext(Network network, long seed, SampleBatch sampleBatch) {
        this.network = network;
        this.config = InitConfig.of(network);
        this.seed = seed;
        this.sampleBatch = sampleBatch;
    }

    /**
     * Applies {@code strategy} to a materialized network and checks that it set every weight, bias
     * and BN gamma/beta (they start as NaN).
     *
     * @param seed the init seed; parameter {@code p} draws from {@code hash(seed, path(p))}
     */
    public static void apply(Network network, InitStrategy strategy, long seed) {
        apply(network, strategy, seed, null);
    }

    /**
     * As {@link #apply(Network, InitStrategy, long)}, giving data-dependent strategies a sample
     * batch of training images.
     *
     * @param sampleBatch the batch, or null where none is available
     */
    public static void apply(Network network, InitStrategy strategy, long seed, SampleBatch sampleBatch) {
        strategy.initialize(new InitContext(network, seed, sampleBatch));
        for (Layer layer : network.layers()) {
            layer.parameters().forEach((name, p) -> {
                if (p.requiresGradient()) {
                    try (NDArray nan = p.getArray().isNaN().any()) {
                        if (nan.getBoolean()) {
                            throw new IllegalStateException("init left " + layer.path() + "." + name + " unset");
                        }
                    }
                }
            });
        }
    }

    public Network network() {
        return network;
    }

    public InitConfig config() {
        return config;
    }

    /** A batch of training images for data-dependent strategies; null when none was given. */
    public SampleBatch sampleBatch() {
        return sampleBatch;
    }

    /** The random stream of one parameter: {@code SplittableRandom(hash(seed, layer.path + "." + name))}. */
    public RandomGenerator rng(Layer layer, String name) {
        return new SplittableRandom(Seeds.derive(seed, layer.path() + "." + name));
    }

    /** Whether the layer has this parameter (e.g. {@code bias} of a conv without bias: false). */
    public boolean has(Layer layer, String name) {
        return layer.parameters().containsKey(name);
    }

    /** Number of elements of a parameter. */
    public int size(Layer layer, String name) {
        return Math.toIntExact(parameter(layer, name).getArray().getShape().size());
    }

    /** Copies {@code values} into the parameter, in place (row-major, PyTorch layout). */
    public void set(Layer layer, String name, float[] values) {
        NDArray arr = parameter(layer, name).getArray();
        if (values.length != arr.getShape().size()) {
            throw new IllegalArgumentException(layer.path() + "." + name + ": " + values.length
                    + " values for shape " + arr.getShape());
        }
        arr.set(values);
    }

    /** A copy of a parameter's current values (row-major, PyTorch layout). */
    public float[] get(Layer layer, String name) {
        return parameter(layer, name).getArray().toFloatArray();
    }

    /** Sets every element to {@code value}. */
    public void fill(Layer layer, String name, float value) {
        float[] v = new float[size(layer, name)];
        java.util.Arrays.fill(v, value);
        set(layer, name, v);
    }

    /** Draws N(0, std²) i.i.d. from the parameter's own stream. */
    public void normal(Layer layer, String name, double std) {
        RandomGenerator rng = rng(layer, name);
        float[] v = new float[size(layer, name)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rng.nextGaussian() * std);
        }
        set(layer, name, v);
    }

    /** Draws U(-bound, bound) i.i.d. from the parameter's own stream. */
    public void uniform(Layer layer, String name, double bound) {
        RandomGenerator rng = rng(layer, name);
        float[] v = new float[size(layer, name)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((2 * rng.nextDouble() - 1) * bound);
        }
        set(layer, name, v);
    }

    private Parameter parameter(Layer layer, String name) {
        Parameter p = layer.parameters().get(name);
        if (p == null) {
            throw new IllegalArgumentException(layer.path() + " has no parameter '" + name + "'");
        }
        return p;
    }
}
