package org.initbench.init;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.initbench.BadInputException;
import org.initbench.Seeds;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.initbench.model.Network;

/**
 * What a strategy works with: the model's inventory, the config, and per-parameter random streams
 * and writers. Values are computed in Java and copied into the parameter arrays in place.
 *
 * <p><b>Weight-normalized layers</b> ({@link Layer#weightNormalized()}) hold {@code weight_v} and
 * {@code weight_g} instead of {@code weight}, yet every writer accepts {@code "weight"} for them and
 * does what {@code torch.nn.utils.weight_norm} does when it wraps an initialized module: v = the
 * values, g = ‖values‖ per output row; so the effective weight g·v/‖v‖ equals the values and every
 * strategy works unchanged on WN nets (with the draws of the plain net, from the stream of {@code
 * path.weight}). To set g itself (Arpit et al.), write {@code "weight_v"} and {@code "weight_g"}.
 *
 * <p><b>Scalars</b> ({@link LayerKind#SCALAR_BIAS}, {@link LayerKind#SCALE}, Fixup's; {@link
 * LayerKind#BRANCH_SCALAR}, the α of {@code --branch-scalar}) must be set like every other parameter;
 * {@link #initScalar} sets them to their neutral values.
 */
public final class InitContext {
    private final Network network;
    private final InitConfig config;
    private final long seed;
    private final SampleBatch sampleBatch;
    private final boolean dryRun;

    InitContext(Network network, long seed, SampleBatch sampleBatch) {
        this(network, seed, sampleBatch, false);
    }

    private InitContext(Network network, long seed, SampleBatch sampleBatch, boolean dryRun) {
        this.network = network;
        this.config = InitConfig.of(network);
        this.seed = seed;
        this.sampleBatch = sampleBatch;
        this.dryRun = dryRun;
    }

    /**
     * Applies {@code strategy} to a materialized network and checks that it set every weight, bias
     * and BN gamma/beta (they start as NaN); one left unset is bad input (a user's init, a file's or a
     * plugin's; the contract test keeps the built-ins from it).
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
        apply(new InitContext(network, seed, sampleBatch), strategy);
    }

    /**
     * As {@link #apply(Network, InitStrategy, long, SampleBatch)}, as a dry run ({@link #dryRun()}): the check
     * before a run or sweep starts that the init accepts the model (on a narrow copy, result thrown away).
     */
    public static void dryRun(Network network, InitStrategy strategy, long seed, SampleBatch sampleBatch) {
        apply(new InitContext(network, seed, sampleBatch, true), strategy);
    }

    private static void apply(InitContext ctx, InitStrategy strategy) {
        Network network = ctx.network;
        strategy.initialize(ctx);
        for (Layer layer : network.layers()) {
            layer.parameters().forEach((name, p) -> {
                if (p.requiresGradient()) {
                    try (NDArray isNan = p.getArray().isNaN();
                            NDArray nan = isNan.any()) {
                        if (nan.getBoolean()) {
                            throw new BadInputException("init left " + layer.path() + "." + name + " unset; an init"
                                    + " must set every weight, bias and BN weight and bias");
                        }
                    }
                }
            });
        }
    }

    /**
     * Whether this is a dry run: the init's result is thrown away, only whether it accepts the model counts (a
     * refusal depends on the model's structure). Schemes that iterate (gradinit, metainit) then make one
     * iteration instead of hundreds, so that checking a sweep does not cost what running it costs.
     */
    public boolean dryRun() {
        return dryRun;
    }

    public Network network() {
        return network;
    }

    public InitConfig config() {
        return config;
    }

    /** The init seed: the root of every parameter's stream (a {@code torch:} init seeds torch with it). */
    public long seed() {
        return seed;
    }

    /** A batch of training images for data-dependent strategies; null when none was given. */
    public SampleBatch sampleBatch() {
        return sampleBatch;
    }

    /** The random stream of one parameter: {@code SplittableRandom(hash(seed, layer.path + "." + name))}. */
    public RandomGenerator rng(Layer layer, String name) {
        return new SplittableRandom(Seeds.derive(seed, layer.path() + "." + name));
    }

    /**
     * A second, independent stream for the same parameter, {@code hash(seed, path + "." + name + "#"
     * + label)}: for a wrapper that post-processes a base scheme's draws (e.g. PA rewiring).
     */
    public RandomGenerator rng(Layer layer, String name, String label) {
        return new SplittableRandom(Seeds.derive(seed, layer.path() + "." + name + "#" + label));
    }

    /**
     * A context on the same network whose seed is {@code hash(seed, label)}: lets a wrapper run its
     * base scheme again with fresh draws (e.g. stabilize-strength's random search).
     */
    public InitContext reseeded(String label) {
        return new InitContext(network, Seeds.derive(seed, label), sampleBatch);
    }

    /**
     * Whether the layer has this parameter (e.g. {@code bias} of a conv without bias: false); {@code
     * weight} of a weight-normalized layer counts as present.
     */
    public boolean has(Layer layer, String name) {
        return layer.parameters().containsKey(name) || isWnWeight(layer, name);
    }

    /** Number of elements of a parameter ({@code weight} of a WN layer: the size of v). */
    public int size(Layer layer, String name) {
        return Math.toIntExact(parameter(layer, wnName(layer, name)).getArray().getShape().size());
    }

    /**
     * Copies {@code values} into the parameter, in place (row-major, PyTorch layout). On a
     * weight-normalized layer, {@code weight} sets v = values and g = ‖values‖ per output row.
     */
    public void set(Layer layer, String name, float[] values) {
        if (!isWnWeight(layer, name)) {
            write(layer, name, values);
            return;
        }
        write(layer, "weight_v", values);
        int rows = layer.outChannels();
        int cols = values.length / rows;
        float[] g = new float[rows];
        for (int i = 0; i < rows; i++) {
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += (double) values[i * cols + j] * values[i * cols + j];
            }
            g[i] = (float) Math.sqrt(sum);
        }
        write(layer, "weight_g", g);
    }

    /**
     * A zero effective weight that can still learn. Plain layers: W = 0. Weight-normalized layers: g =
     * 0 with v orthogonal at gain 1 (unit rows, or orthonormal columns when rows outnumber them), drawn
     * from the stream of {@code path.weight}; v = g = 0 would never move (∂w/∂g = v/‖v‖ = 0 and ∂w/∂v ∝
     * g = 0), and PyTorch's {@code weight_norm} turns it into NaN. For schemes whose zero is a start
     * meant to learn (Fixup's classifier, role-aware's norm-free branch ends); {@code zeros} keeps the
     * symmetric dead start.
     */
    public void zeroWeight(Layer layer) {
        if (!layer.weightNormalized()) {
            fill(layer, "weight", 0f);
            return;
        }
        int rows = layer.outChannels();
        int cols = size(layer, "weight") / rows;
        write(layer, "weight_v", Orthogonals.matrix(rng(layer, "weight"), rows, cols, 1.0));
        write(layer, "weight_g", new float[rows]);
    }

    /**
     * The current values of a parameter (row-major); {@code weight} of a weight-normalized layer
     * gives the effective weight g·v/‖v‖.
     */
    public float[] get(Layer layer, String name) {
        if (!isWnWeight(layer, name)) {
            return parameter(layer, name).getArray().toFloatArray();
        }
        return effectiveWeight(parameter(layer, "weight_v").getArray().toFloatArray(),
                parameter(layer, "weight_g").getArray().toFloatArray());
    }

    /**
     * A weight-normalized layer's effective weight: row i (output unit) of {@code v} scaled to norm {@code g[i]}
     * (0 where the row is 0).
     */
    public static float[] effectiveWeight(float[] v, float[] g) {
        int cols = v.length / g.length;
        float[] w = new float[v.length];
        for (int i = 0; i < g.length; i++) {
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += (double) v[i * cols + j] * v[i * cols + j];
            }
            double factor = sum > 0 ? g[i] / Math.sqrt(sum) : 0;
            for (int j = 0; j < cols; j++) {
                w[i * cols + j] = (float) (v[i * cols + j] * factor);
            }
        }
        return w;
    }

    /**
     * The one rule for learned scalars, shared by every strategy: a {@link LayerKind#SCALAR_BIAS}
     * gets 0, a {@link LayerKind#SCALE} and a {@link LayerKind#BRANCH_SCALAR} get 1, the values at
     * which they leave their input unchanged (as Fixup initializes its scalars; a branch scalar at 1
     * makes the net compute what the net without {@code --branch-scalar} computes, so every scheme
     * that does not name α itself means the same function on both). Returns whether {@code layer} was
     * such a scalar, so a strategy can write {@code if (ctx.initScalar(layer)) continue;}. SkipInit and
     * ReZero set α themselves ({@code skipinit}, {@code rezero}).
     */
    public boolean initScalar(Layer layer) {
        if (layer.kind() == LayerKind.SCALAR_BIAS) {
            fill(layer, "bias", 0f);
            return true;
        }
        if (layer.kind() == LayerKind.SCALE || layer.kind() == LayerKind.BRANCH_SCALAR) {
            fill(layer, "weight", 1f);
            return true;
        }
        return false;
    }

    private void write(Layer layer, String name, float[] values) {
        NDArray arr = parameter(layer, name).getArray();
        if (values.length != arr.getShape().size()) {
            throw new IllegalArgumentException(layer.path() + "." + name + ": " + values.length
                    + " values for shape " + arr.getShape());
        }
        arr.set(values);
    }

    private static boolean isWnWeight(Layer layer, String name) {
        return "weight".equals(name) && layer.weightNormalized();
    }

    private static String wnName(Layer layer, String name) {
        return isWnWeight(layer, name) ? "weight_v" : name;
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
