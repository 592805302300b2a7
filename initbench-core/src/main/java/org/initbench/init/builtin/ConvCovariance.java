package org.initbench.init.builtin;

import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.initbench.BadInputException;
import org.initbench.init.InitOption;
import org.initbench.init.InitStrategy;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;

/**
 * Trockman, Willmott, Kolter 2023, "Understanding the Covariance Structure of Convolutional Filters", ICLR 2023,
 * arXiv:2210.03651: depthwise filters drawn from a multivariate Gaussian whose covariance is given in closed
 * form, so that neighbouring taps start correlated, as they are in trained depthwise filters.
 *
 * <p>Every depthwise conv (C_in/groups = 1) gets, per output filter, w = L·z with z ~ N(0, I) of k² numbers
 * from the weight's own stream and L the Cholesky factor of
 *
 * <pre>  Σ_l[(i, j), (i', j')] = v · exp(−((i − i')² + (j − j')²) / (2σ_l²)),   v = 1/(3k²)</pre>
 *
 * <p>(taps row-major, as the weight): each row of Σ, seen as a k × k block, is the same Gaussian bump centred
 * on its own tap, a positive-definite, translation-invariant covariance. v is the per-tap variance of
 * PyTorch's default depthwise draw U(±1/√fan_in), fan_in = k², the univariate init the paper compares with,
 * so the scheme changes only the correlations. σ_l grows linearly with depth, from {@code sigma-first} on the
 * first depthwise conv to {@code sigma-last} on the last (trained filters get broader with depth): defaults
 * {@value #DEFAULT_SIGMA_FIRST} and {@value #DEFAULT_SIGMA_LAST}, i.e. a correlation of 0.14 between adjacent
 * taps of the first layer and 0.80 in the last (3×3). These two defaults are initbench's: the paper's
 * construction and values could not be read where this was written (docs/init-strategies.md, "Checked against
 * the authors' code"), only its abstract and the abstract of the related Bosch patent application
 * (US 2025/0104193: a filter-generating function of per-pair variances that grow with depth, giving a block
 * covariance).
 *
 * <p>Every other parameter: the {@code base} scheme (default {@value #DEFAULT_BASE}, so the only difference
 * from it is the depthwise covariance; run with its defaults). Nets without depthwise convs (ResNets, VGG,
 * plaincnn) get the base unchanged. On a weight-normalized net the filters are the effective weight.
 */
public final class ConvCovariance extends Bases.Wrapper {
    static final String ID = "conv-covariance";
    static final String DEFAULT_BASE = "pytorch-default";
    static final String DEFAULT_SIGMA_FIRST = "0.5";
    static final String DEFAULT_SIGMA_LAST = "1.5";

    public ConvCovariance() {
        super(ID,
                "depthwise filters ~ N(0, Σ), Σ = exp(−‖p−q‖²/2σ²)/(3k²), σ linear in depth; other layers: base",
                "Trockman, Willmott, Kolter 2023, Understanding the Covariance Structure of Convolutional Filters,"
                + " ICLR, arXiv:2210.03651",
                DEFAULT_BASE,
                InitOption.number("sigma-first", DEFAULT_SIGMA_FIRST, "σ (in taps) of the first depthwise conv"),
                InitOption.number("sigma-last", DEFAULT_SIGMA_LAST, "σ (in taps) of the last depthwise conv"));
    }

    @Override
    InitStrategy wrap(InitStrategy base, Map<String, String> options) {
        double first = number(options, "sigma-first");
        double last = number(options, "sigma-last");
        if (!(first > 0) || !(last > 0)) {
            throw new BadInputException("init '" + ID + "': sigma-first and sigma-last must be > 0, got "
                    + first + " and " + last);
        }
        return ctx -> {
            base.initialize(ctx);
            List<Layer> depthwise = ctx.network().layers().stream()
                    .filter(l -> l.kind() == LayerKind.CONV && l.groups() > 1 && l.inChannels() == l.groups())
                    .toList();
            for (int d = 0; d < depthwise.size(); d++) {
                Layer layer = depthwise.get(d);
                double sigma = depthwise.size() == 1 ? first : first + (last - first) * d / (depthwise.size() - 1);
                float[] w = filters(ctx.rng(layer, "weight"), layer.outChannels(), layer.kernel(), sigma);
                ctx.set(layer, "weight", w);
            }
        };
    }

    /** {@code count} filters of k × k taps, row-major, each L·z with L the Cholesky factor of {@link #covariance}. */
    static float[] filters(RandomGenerator rng, int count, int k, double sigma) {
        double[][] l = cholesky(covariance(k, sigma));
        int taps = k * k;
        float[] w = new float[count * taps];
        double[] z = new double[taps];
        for (int f = 0; f < count; f++) {
            for (int t = 0; t < taps; t++) {
                z[t] = rng.nextGaussian();
            }
            for (int t = 0; t < taps; t++) {
                double sum = 0;
                for (int s = 0; s <= t; s++) {
                    sum += l[t][s] * z[s];
                }
                w[f * taps + t] = (float) sum;
            }
        }
        return w;
    }

    /** The closed-form k² × k² covariance Σ[(i, j), (i', j')] = exp(−((i−i')² + (j−j')²)/(2σ²)) / (3k²). */
    static double[][] covariance(int k, double sigma) {
        int taps = k * k;
        double v = 1.0 / (3.0 * taps);
        double[][] s = new double[taps][taps];
        for (int p = 0; p < taps; p++) {
            for (int q = 0; q < taps; q++) {
                int di = p / k - q / k;
                int dj = p % k - q % k;
                s[p][q] = v * Math.exp(-(di * di + dj * dj) / (2 * sigma * sigma));
            }
        }
        return s;
    }

    /** Lower-triangular L with L·Lᵀ = s; a matrix that is not positive definite in double precision is bad input. */
    static double[][] cholesky(double[][] s) {
        int n = s.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = s[i][j];
                for (int m = 0; m < j; m++) {
                    sum -= l[i][m] * l[j][m];
                }
                if (i == j) {
                    if (!(sum > 1e-12 * s[i][i])) {
                        throw new BadInputException("init '" + ID + "': σ too large for a " + (int) Math.sqrt(n)
                                + "x" + (int) Math.sqrt(n) + " kernel (covariance numerically singular)");
                    }
                    l[i][i] = Math.sqrt(sum);
                } else {
                    l[i][j] = sum / l[j][j];
                }
            }
        }
        return l;
    }
}
