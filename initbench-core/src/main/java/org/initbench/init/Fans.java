package org.initbench.init;

import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.initbench.model.Layer;

/**
 * Fans and gains, the one place strategies take them from (PyTorch's {@code
 * _calculate_fan_in_and_fan_out} and {@code calculate_gain}).
 *
 * <p>For a weight of shape {@code [out, in/groups, kH, kW]}: fan_in = (in/groups)·kH·kW, fan_out =
 * out·kH·kW (not divided by groups). For a Linear {@code [out, in]}: fan_in = in, fan_out = out.
 *
 * @param fanIn number of inputs feeding one output unit
 * @param fanOut number of outputs one input unit feeds
 */
public record Fans(long fanIn, long fanOut) {

    /** Fans of a weight tensor of rank 2 or more, as PyTorch computes them. */
    public static Fans of(Shape shape) {
        if (shape.dimension() < 2) {
            throw new IllegalArgumentException(
                    "fans need a weight of rank >= 2, got shape " + shape);
        }
        long receptive = 1;
        for (int i = 2; i < shape.dimension(); i++) {
            receptive *= shape.get(i);
        }
        return new Fans(shape.get(1) * receptive, shape.get(0) * receptive);
    }

    /** Fans of a conv or linear layer of the inventory. */
    public static Fans of(Layer layer) {
        return of(layer.weightShape());
    }

    /** The values of {@link #select}'s {@code mode}, in the order the schemes list them. */
    public static final List<String> MODES = List.of("fan_in", "fan_out", "fan_avg", "fan_geo_avg");

    /**
     * The fan selected by {@code mode}, Keras {@code VarianceScaling}'s modes: {@code fan_in}, {@code fan_out},
     * {@code fan_avg} = (fan_in + fan_out)/2 (Glorot's, which the xavier schemes use by definition) or {@code
     * fan_geo_avg} = √(fan_in·fan_out) (the geometric mean of arXiv:1906.04267, Keras 3 and JAX's {@code
     * fan_geo_avg}). fan_in and fan_out are the longs themselves, exactly as a double.
     */
    public double select(String mode) {
        return switch (mode) {
            case "fan_in" -> fanIn;
            case "fan_out" -> fanOut;
            case "fan_avg" -> (fanIn + fanOut) / 2.0;
            case "fan_geo_avg" -> Math.sqrt((double) fanIn * fanOut);
            default -> throw new IllegalArgumentException("mode must be one of " + MODES + ": " + mode);
        };
    }

    /**
     * {@code torch.nn.init.calculate_gain}: 1 for linear, conv and sigmoid; 5/3 for tanh; √2 for
     * relu; √(2/(1+a²)) for leaky_relu with negative slope a; 3/4 for selu.
     */
    public static double gain(Nonlinearity nonlinearity, double a) {
        return switch (nonlinearity) {
            case LINEAR, CONV, SIGMOID -> 1.0;
            case TANH -> 5.0 / 3.0;
            case RELU -> Math.sqrt(2.0);
            case LEAKY_RELU -> Math.sqrt(2.0 / (1.0 + a * a));
            case SELU -> 0.75;
        };
    }
}
