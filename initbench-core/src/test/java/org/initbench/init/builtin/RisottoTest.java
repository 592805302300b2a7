package org.initbench.init.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.initbench.BadInputException;
import org.initbench.init.InitContext;
import org.initbench.init.InitRegistry;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.initbench.model.ModelGraph;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.initbench.model.Norm;
import org.initbench.model.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * risotto: exact isometry of norm-free ResNets (forward pass), the looks-linear block algebra on BN ResNets,
 * the plain-net fallback and the refusals.
 */
class RisottoTest {

    /**
     * Norm-free and weight-normalized resnet20: at every pixel p of the last stage, the hidden vector h = top
     * half − bottom half of the channels has the norm of the input pixel at 4p (two strides of 2): the net up
     * to the pool is an isometry, per pixel. kaiming-normal, the control, is far from it.
     */
    @ParameterizedTest
    @CsvSource({"risotto, none, true", "risotto, weightnorm, true", "kaiming-normal, none, false"})
    void normFreeResnetIsAnIsometryPerPixel(String spec, String norm, boolean isometry) {
        Network net = Models.build("resnet20", 3, 10, 0.5, Norm.parse(norm));
        float[] x = gaussian(net, 2, 5);
        float[] features = beforePool(net, spec, x);
        int channels = 32;
        int n = channels / 2;
        double worst = 0;
        for (int img = 0; img < 2; img++) {
            for (int py = 0; py < 8; py++) {
                for (int px = 0; px < 8; px++) {
                    double hidden = 0;
                    for (int c = 0; c < n; c++) {
                        double d = features[((img * channels + c) * 8 + py) * 8 + px]
                                - features[((img * channels + c + n) * 8 + py) * 8 + px];
                        hidden += d * d;
                    }
                    double input = 0;
                    for (int c = 0; c < 3; c++) {
                        double v = x[((img * 3 + c) * 32 + 4 * py) * 32 + 4 * px];
                        input += v * v;
                    }
                    worst = Math.max(worst, Math.abs(Math.sqrt(hidden) / Math.sqrt(input) - 1));
                }
            }
        }
        if (isometry) {
            assertThat(worst).as("largest relative norm error over 128 pixels").isLessThan(1e-4);
        } else {
            assertThat(worst).isGreaterThan(0.1);
        }
    }

    /** A looks-linear net is linear at init: the logits of −x are minus those of x (a ReLU net is only positively homogeneous). */
    @Test
    void normFreeResnetIsLinearAtInit() {
        Network net = Models.build("resnet20", 3, 10, 0.5, Norm.NONE);
        float[] x = gaussian(net, 2, 9);
        float[] minusX = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            minusX[i] = -x[i];
        }
        float[] a = logits(x);
        float[] b = logits(minusX);
        double largest = 0;
        for (int i = 0; i < a.length; i++) {
            assertThat(b[i]).isCloseTo(-a[i], within(1e-5f + 1e-4f * Math.abs(a[i])));
            largest = Math.max(largest, Math.abs(a[i]));
        }
        assertThat(largest).as("logits not trivially zero").isGreaterThan(1e-3);
    }

    /**
     * BN resnet20: off-centre taps 0, every conv a mirror [[A, −A], [−A, A]] (stem [A; −A]), identity-skip
     * blocks conv1 = mirror(I) and conv2 + I = mirror(U) with U orthogonal; projection blocks (U_c, U_1, M_2)
     * with M_2·U_1 + U_c having orthonormal columns; classifier [A, −A] with orthonormal rows; BN 1/0.
     */
    @Test
    void blockAlgebraOnBnResnet() {
        Initialized init = Initialized.of("resnet20", 10, 0.5, "risotto", 4);
        int projections = 0;
        int identities = 0;
        for (Layer l : init.net().layers()) {
            if (l.kind() == LayerKind.BATCH_NORM) {
                assertThat(init.get(l, "weight")).containsOnly(1f);
                assertThat(init.get(l, "bias")).containsOnly(0f);
                continue;
            }
            double[][] c = centre(init.get(l, "weight"), l);
            switch (l.role()) {
                case STEM -> checkOrthonormalColumns(l.path(), topHalf(c, l.inChannels()));
                case CLASSIFIER -> checkOrthonormalColumns(l.path(), transpose(leftHalf(c, l.outChannels())));
                case BRANCH_FIRST -> {
                    double[][] a = block(c, l);
                    if (l.stride() == 1) {
                        checkClose(l.path(), a, identity(a.length));
                        identities++;
                    }
                }
                case BRANCH_LAST -> {
                    Layer conv1 = init.layer(l.path().replace("conv2", "conv1"));
                    if (conv1.stride() == 1) {
                        for (int i = 0; i < c.length; i++) {
                            c[i][i] += 1;
                        }
                        checkOrthonormalColumns(l.path(), block(c, l));
                    } else {
                        double[][] u1 = block(centre(init.get(conv1, "weight"), conv1), conv1);
                        Layer sc = init.layer(l.path().replace("conv2", "shortcut.0"));
                        double[][] uc = block(centre(init.get(sc, "weight"), sc), sc);
                        double[][] sum = times(block(c, l), u1);
                        for (int i = 0; i < sum.length; i++) {
                            for (int j = 0; j < sum[0].length; j++) {
                                sum[i][j] += uc[i][j];
                            }
                        }
                        checkOrthonormalColumns(l.path(), sum);
                        projections++;
                    }
                }
                default -> block(c, l);
            }
        }
        assertThat(projections).isEqualTo(2);
        assertThat(identities).isEqualTo(7);
    }

    /** VGG (BN) and plaincnn: stem [A; −A], every other conv mirror(A) with A orthonormal columns, bias 0. */
    @ParameterizedTest
    @ValueSource(strings = {"vgg11", "plaincnn"})
    void plainNetsGetLooksLinearDeltaOrthogonal(String arch) {
        Initialized init = Initialized.of(arch, 10, 0.25, "risotto", 6);
        int convs = 0;
        for (Layer l : init.net().layers()) {
            if (l.kind() != LayerKind.CONV) {
                continue;
            }
            assertThat(init.get(l, "bias")).containsOnly(0f);
            double[][] c = centre(init.get(l, "weight"), l);
            checkOrthonormalColumns(l.path(), l.role() == Role.STEM ? topHalf(c, l.inChannels()) : block(c, l));
            convs++;
        }
        assertThat(convs).isEqualTo(8);
    }

    @Test
    void refusesMobilenetAndOddWidthsInOneLine() {
        assertThatThrownBy(() -> Initialized.of("mobilenetv2", 10, 0.25, "risotto", 1))
                .isInstanceOf(BadInputException.class).hasMessageContaining("outside the paper")
                .message().doesNotContain("\n");
        assertThatThrownBy(() -> Initialized.of("resnet20", 10, 0.3125, "risotto", 1))
                .isInstanceOf(BadInputException.class).hasMessageContaining("even channel counts")
                .hasMessageContaining("conv1 has 3 -> 5");
    }

    // ---- helpers

    static float[] gaussian(Network net, int batch, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[Math.toIntExact(net.inputShape(batch).size())];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        return x;
    }

    /** The input of the global average pool (the last stage's activations), NCHW. */
    private static float[] beforePool(Network net, String spec, float[] x) {
        List<float[]> last = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, InitRegistry.load().resolve(spec).strategy(), 3);
            float[][] previous = new float[1][];
            ModelGraph.of(net).forward(new ParameterStore(m, false), m.create(x, net.inputShape(2)), false,
                    (node, y) -> {
                        if (node instanceof ModelGraph.Leaf leaf && leaf.op() == ModelGraph.Op.GLOBAL_AVG_POOL) {
                            last.add(previous[0]);
                            return false;
                        }
                        previous[0] = y.toFloatArray();
                        return true;
                    });
        }
        return last.get(0);
    }

    /** Logits of a fresh norm-free width-0.5 resnet20 under risotto. */
    private static float[] logits(float[] x) {
        Network net = Models.build("resnet20", 3, 10, 0.5, Norm.NONE);
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, InitRegistry.load().resolve("risotto").strategy(), 3);
            NDArray y = ModelGraph.of(net).forward(new ParameterStore(m, false), m.create(x, net.inputShape(2)),
                    false, (node, out) -> true);
            return y.toFloatArray();
        }
    }

    /** The centre tap as a [C_out][C_in] matrix; every other tap must be exactly 0. */
    static double[][] centre(float[] w, Layer l) {
        int k = l.kind() == LayerKind.CONV ? l.kernel() : 1;
        int taps = k * k;
        int centre = (k / 2) * k + k / 2;
        double[][] c = new double[l.outChannels()][l.inChannels()];
        for (int i = 0; i < w.length; i++) {
            if (i % taps == centre) {
                c[i / taps / l.inChannels()][i / taps % l.inChannels()] = w[i];
            } else {
                assertThat(w[i]).as(l.path() + " off-centre tap").isZero();
            }
        }
        return c;
    }

    /** A of a mirror [[A, −A], [−A, A]], after checking that it is one (to float rounding: conv2 + I is checked in double). */
    private static double[][] block(double[][] c, Layer l) {
        int n = c.length / 2;
        int m = c[0].length / 2;
        double[][] a = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                a[i][j] = c[i][j];
                assertThat(c[i][m + j]).as(l.path()).isCloseTo(-c[i][j], within(1e-6));
                assertThat(c[n + i][j]).as(l.path()).isCloseTo(-c[i][j], within(1e-6));
                assertThat(c[n + i][m + j]).as(l.path()).isCloseTo(c[i][j], within(1e-6));
            }
        }
        return a;
    }

    /** A of [A; −A]. */
    private static double[][] topHalf(double[][] c, int cols) {
        int n = c.length / 2;
        double[][] a = new double[n][cols];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < cols; j++) {
                a[i][j] = c[i][j];
                assertThat(c[n + i][j]).isEqualTo(-c[i][j]);
            }
        }
        return a;
    }

    /** A of [A, −A]. */
    private static double[][] leftHalf(double[][] c, int rows) {
        int m = c[0].length / 2;
        double[][] a = new double[rows][m];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < m; j++) {
                a[i][j] = c[i][j];
                assertThat(c[i][m + j]).isEqualTo(-c[i][j]);
            }
        }
        return a;
    }

    private static void checkOrthonormalColumns(String what, double[][] a) {
        double[][] gram = times(transpose(a), a);
        checkClose(what, gram, identity(gram.length));
    }

    private static void checkClose(String what, double[][] a, double[][] b) {
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                assertThat(a[i][j]).as(what + " [" + i + "," + j + "]").isCloseTo(b[i][j], within(1e-5));
            }
        }
    }

    private static double[][] times(double[][] a, double[][] b) {
        double[][] out = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b[0].length; j++) {
                for (int k = 0; k < b.length; k++) {
                    out[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return out;
    }

    private static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }

    private static double[][] identity(int n) {
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            out[i][i] = 1;
        }
        return out;
    }
}
