package org.initbench.init.builtin;

import java.util.List;
import java.util.Map;
import org.initbench.init.InitContext;
import org.initbench.init.InitOption;
import org.initbench.init.InitStrategy;
import org.initbench.model.Layer;
import org.initbench.model.LayerKind;
import org.initbench.model.Norm;

/**
 * Zhao, Schäfer, Anandkumar 2021, "ZerO Initialization: Initializing Neural Networks with only Zeros and Ones",
 * TMLR 2022, arXiv:2110.12661 (Algorithms 1 and 2). Id {@code zer-o}: the paper's name with its capital O set
 * apart, so that it is not read as {@code zeros} (the all-zero baseline).
 *
 * <p>Algorithm 1, for a weight matrix with P outputs and Q inputs: P = Q the identity; P &lt; Q the partial identity
 * [I 0] (output d = input d); P &gt; Q the truncated Hadamard transform c·I*·H_m·I*, the first P rows and Q columns
 * of the 2^m × 2^m Sylvester–Hadamard matrix (entries ±1), m = ⌈log₂ P⌉, times c. Algorithm 2 (convs, odd k): every
 * tap 0 but the centre K[:, :, ⌊k/2⌋, ⌊k/2⌋], which gets Algorithm 1's matrix for P = C_out, Q = C_in. Issue #1 of
 * the authors' repository (jiaweizzhao/ZerO-initialization) asks how to read Algorithm 2, whose n = ⌊k/2⌋ and
 * m = ⌈log₂ P_l⌉ look copied from Algorithm 1; initbench reads n as the 0-based centre index and P_l as C_out, the
 * reading of the commenter there, and the one under which a k×k conv with C_out = C_in passes its input through.
 *
 * <p>On initbench's models:
 *
 * <ul>
 *   <li>every conv (stem, branch, 1×1 shortcut projection, MobileNetV2 expand/project/head, VGG and plaincnn) and the
 *       classifier: Algorithms 1 and 2, per group; a depthwise conv (one channel per group) is thus the identity,
 *       centre tap 1; a stride-2 conv applies the same matrix to the subsampled input;
 *   <li>the last layer of each residual branch (ResNet conv2, MobileNetV2 projection of a block with a skip) at
 *       zero, so each residual block starts as its shortcut: norm-free ({@code --norm none}) W = 0; weight norm g =
 *       0 with v = Algorithm 2's kernel (deterministic, unit rows: g can learn); with BN the zero goes on the BN
 *       after that conv, γ = 0, and the conv keeps Algorithm 2's kernel;
 *   <li>biases 0; every other BN γ = 1, β = 0; Fixup's scalars neutral.
 * </ul>
 *
 * <p>Option {@code scale}: c of the Hadamard case. {@code paper} (default): c = 2^(−(m−1)/2), Algorithm 1 as
 * printed; {@code code}: c = 2^(−m/2), what the authors' code ({@code ZerO_Init_on_matrix}, example_mnist.ipynb)
 * computes, which makes H_m/2^(m/2) orthogonal. The two differ by √2 on widening layers only.
 *
 * <p>Deviations: the paper's ResNets (the official CIFAR code, {@code cifar/augskip_resnet.py}, removed from the
 * repository in 2022) change the architecture: pre-activation blocks with a skip around every conv, a fixed
 * Hadamard transform after each 1×1 shortcut and a channel-padding + Hadamard skip around the stem, and every conv
 * inside the blocks at 0. initbench keeps its standard models and applies the algorithms to them; the 1×1
 * projection's truncated Hadamard kernel (with {@code scale=code}) equals what that code's partial-identity 1×1
 * conv followed by its normalized Hadamard transform computes at init. Under BN the zero is γ, not the conv: in a
 * post-activation block the BN sits between the branch's last conv and the add, and a zero conv would feed it a
 * zero-variance input whose backward pass multiplies the gradient by 1/√eps ≈ 316. Deterministic: the seed does not
 * matter.
 */
public final class ZerO extends Scheme {
    static final String ID = "zer-o";
    /** Algorithm 1's c as printed in the paper. */
    static final String DEFAULT_SCALE = "paper";

    public ZerO() {
        super(ID,
                "zeros and ones: identity / partial identity / truncated Hadamard at the conv centre;"
                + " residual branch ends 0 (BN: γ=0)",
                "Zhao, Schäfer, Anandkumar 2021, ZerO Initialization, TMLR 2022, arXiv:2110.12661",
                InitOption.choice("scale", DEFAULT_SCALE,
                        "Hadamard factor c: paper 2^-(m-1)/2 (Algorithm 1) or code 2^-m/2 (the authors' notebook)",
                        List.of("paper", "code")));
    }

    @Override
    public boolean randomized() {
        return false;
    }

    @Override
    public InitStrategy create(Map<String, String> options) {
        boolean paper = options.get("scale").equals("paper");
        return ctx -> {
            boolean bn = ctx.network().norm() == Norm.BN;
            for (Layer layer : ctx.network().layers()) {
                if (ctx.initScalar(layer)) {
                    continue;
                }
                if (layer.kind() == LayerKind.BATCH_NORM) {
                    ctx.fill(layer, "weight", Residuals.endsBranch(layer) ? 0f : 1f);
                    ctx.fill(layer, "bias", 0f);
                    continue;
                }
                float[] w = kernel(layer, paper);
                if (bn || !Residuals.endsBranch(layer)) {
                    ctx.set(layer, "weight", w);
                } else {
                    zero(ctx, layer, w);
                }
                EveryWeight.zeroBias(ctx, layer);
            }
        };
    }

    /** Algorithm 2 (Algorithm 1 for a linear layer), per group; {@code paper} picks c. */
    static float[] kernel(Layer layer, boolean paper) {
        return IdentityKernels.centreTap(ID, layer, (rows, cols) -> IdentityKernels.zerO(rows, cols,
                m -> Math.pow(2, -(paper ? m - 1 : m) / 2.0)));
    }

    /** A zero effective weight: W = 0, or on a weight-normalized layer g = 0 with the direction v = {@code w}. */
    private static void zero(InitContext ctx, Layer layer, float[] w) {
        if (layer.weightNormalized()) {
            ctx.set(layer, "weight_v", w);
            ctx.set(layer, "weight_g", new float[layer.outChannels()]);
        } else {
            ctx.fill(layer, "weight", 0f);
        }
    }
}
