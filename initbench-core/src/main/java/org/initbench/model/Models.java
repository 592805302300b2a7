package org.initbench.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.initializer.ConstantInitializer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.initbench.BadInputException;
import org.initbench.model.LayerRecorder.Conv;
import org.initbench.model.LayerRecorder.Pos;

/**
 * The benchmark's architectures (design §3), built as data with their layer inventory. Building
 * never initializes; {@link #materialize} allocates the parameter arrays (filled with NaN, so a
 * strategy that forgets a parameter is caught), and an init strategy then sets every value.
 *
 * <p><b>Ids.</b> {@code resnet20/32/44/56/110}, {@code vgg11/13/16/19}, {@code mobilenetv2} and
 * {@code plaincnn} ({@link #ids}). A VGG id names the architecture only; its norm comes from {@code
 * --norm} like every other arch's, default {@code bn} (the benchmark's VGG-16-BN). torchvision's
 * {@code vgg16} (no batch norm) is {@code vgg16 --norm none} here, its {@code vgg16_bn} is {@code
 * vgg16}. The ids of earlier versions, {@code vgg11bn}..{@code vgg19bn}, stay accepted everywhere as
 * aliases ({@link #canonicalId}: {@code vgg16bn} is {@code vgg16}, and {@code vgg16bn --norm none}
 * is {@code vgg16 --norm none}).
 *
 * <p><b>Norm variants</b> ({@link Norm}, {@code --norm}):
 *
 * <ul>
 *   <li>{@code bn}: the published nets below (the default; plaincnn has no batch norm and refuses
 *       {@code bn}, its default is {@code none}).
 *   <li>{@code none}: every batch norm removed. The ResNets become Fixup's architecture (Zhang,
 *       Dauphin, Ma 2019; hongyi-zhang/Fixup {@code cifar/models/fixup_resnet_cifar.py}): scalar
 *       bias {@code bias1} after the stem conv (before its ReLU) and {@code bias2} before the
 *       classifier; per block {@code bias1a} before conv1, {@code bias1b} after conv1 (before the
 *       ReLU), {@code bias2a} before conv2, multiplier {@code scale} after conv2 and {@code bias2b}
 *       after it. Unlike Fixup's parameter-free CIFAR shortcut (stride-2 subsampling plus zero
 *       channels), the projection shortcut stays our option-B 1x1 conv, now without BN, applied to
 *       {@code x + bias1a} as Fixup applies its downsample; so {@code bn} and {@code none} differ
 *       only in normalization. VGG and MobileNetV2 just drop their BNs (VGG's convs keep their
 *       biases; MobileNetV2's convs stay bias-free); plaincnn is unchanged.
 *   <li>{@code weightnorm}: every batch norm removed and every conv and linear (classifier
 *       included) weight-normalized, w = g·v/‖v‖ per output row, with a bias (as in Arpit et al.'s
 *       WN nets, where the bias takes the place of the BN's β).
 * </ul>
 *
 * <p><b>Branch scalar</b> ({@code --branch-scalar}, an axis beside the norm): one learned scalar α
 * (parameter {@code weight} of shape [1], {@link LayerKind#BRANCH_SCALAR}) at the end of every residual
 * branch, so a block computes {@code shortcut(x) + α·F(x)} (SkipInit, De &amp; Smith 2020,
 * arXiv:2002.10444; ReZero, Bachlechner et al. 2020, arXiv:2003.04887), under every norm. Its path is
 * {@code layerS.B.alpha} in a ResNet (after bn2 under {@code bn}; after Fixup's {@code scale} and {@code
 * bias2b} under {@code none}; after conv2 under {@code weightnorm}), before the add and its ReLU, and
 * {@code blocks.i.alpha} in a MobileNetV2 block with a skip (after the projection and its BN). It adds L
 * parameters, L = residual blocks: resnet20 +9, resnet56 +27, resnet110 +54, mobilenetv2 +10. At α = 1
 * the net computes what the net without it computes. VGG and plaincnn have no residual branch and
 * refuse it.
 *
 * <p>VGG paths follow torchvision: {@code features.i} advances by 3 per conv with BN (conv, BN,
 * ReLU) and by 2 without. Config depth (#Conv2d + #Linear) is the same for every variant.
 *
 * <p>Trainable parameter counts and config depth of the {@code bn} nets, pinned by {@code
 * ModelsTest} and equal to the PyTorch twins in {@code pytorch/initbench_torch/models.py}:
 *
 * <table>
 *   <caption>Parameter counts</caption>
 *   <tr><th>arch</th><th>input, classes</th><th>params</th><th>depth</th></tr>
 *   <tr><td>resnet20</td><td>3, 10</td><td>272,474</td><td>22</td></tr>
 *   <tr><td>resnet56</td><td>3, 100</td><td>861,620</td><td>58</td></tr>
 *   <tr><td>vgg16</td><td>3, 100</td><td>14,774,436</td><td>14</td></tr>
 *   <tr><td>mobilenetv2</td><td>1, 10</td><td>2,236,106</td><td>53</td></tr>
 * </table>
 *
 * <p>Over the 300-line guide on purpose: every architecture family (CIFAR ResNet, the conv stack of VGG and
 * plaincnn, MobileNetV2) is one builder method beside the one factory table and alias resolution, so that
 * each id, its parameter count and its layer inventory are defined in one place.
 */
public final class Models {
    private static final Map<String, Factory> FACTORIES = new LinkedHashMap<>();
    private static final Map<String, Alias> ALIASES = new LinkedHashMap<>();
    /** The canonical ids whose nets have residual branches (the ones {@code --branch-scalar} applies to). */
    private static final List<String> RESIDUAL = new ArrayList<>();

    private static final int M = -1;
    private static final int[] VGG11 = {64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M};
    private static final int[] VGG13 = {64, 64, M, 128, 128, M, 256, 256, M, 512, 512, M, 512, 512, M};
    private static final int[] VGG16 = {
        64, 64, M, 128, 128, M, 256, 256, 256, M, 512, 512, 512, M, 512, 512, 512, M
    };
    private static final int[] VGG19 = {
        64, 64, M, 128, 128, M, 256, 256, 256, 256, M, 512, 512, 512, 512, M, 512, 512, 512, 512, M
    };
    /** plaincnn: 8 convs (3x3, bias, ReLU, no normalization), 4 max-pools, global pool, Linear. */
    private static final int[] PLAIN = {32, 32, M, 64, 64, M, 128, 128, M, 256, 256, M};
    private static final String PLAIN_CNN = "plaincnn";

    /** MobileNetV2 inverted-residual table (t, c, n, s), stage 2 stride 1 for 32x32 inputs. */
    private static final int[][] MOBILENET_V2 = {
        {1, 16, 1, 1}, {6, 24, 2, 1}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}
    };

    static {
        for (int n : new int[] {3, 5, 7, 9, 18}) {
            String id = "resnet" + (6 * n + 2);
            FACTORIES.put(id, (name, in, classes, width, norm, alpha) -> resnet(name, n, in, classes, width, norm,
                    alpha));
        }
        Map<String, int[]> vggs = new LinkedHashMap<>();
        vggs.put("vgg11", VGG11);
        vggs.put("vgg13", VGG13);
        vggs.put("vgg16", VGG16);
        vggs.put("vgg19", VGG19);
        vggs.forEach((id, cfg) -> {
            FACTORIES.put(id, (name, in, classes, width, norm, alpha) -> vgg(name, cfg, in, classes, width, norm));
            ALIASES.put(id + "bn", new Alias(id, Norm.BN));
        });
        FACTORIES.put("mobilenetv2",
                (name, in, classes, width, norm, alpha) -> mobilenetV2(in, classes, width, norm, alpha));
        FACTORIES.put(PLAIN_CNN, (name, in, classes, width, norm, alpha) -> plainCnn(in, classes, width, norm));
        RESIDUAL.addAll(FACTORIES.keySet().stream().filter(id -> id.startsWith("resnet")).toList());
        RESIDUAL.add("mobilenetv2");
    }

    private Models() {}

    @FunctionalInterface
    private interface Factory {
        /**
         * Builds the arch; {@code name} is the id it is built under (canonical or alias), for {@link Network#arch};
         * {@code branchScalar}: an α at the end of every residual branch (only asked of residual archs).
         */
        Network build(String name, int inChannels, int numClasses, double width, Norm norm, boolean branchScalar);
    }

    /**
     * An older id kept working: it names the canonical id and the norm it stands for (the ids
     * {@code vgg11bn}..{@code vgg19bn} of earlier versions are {@code vgg11}..{@code vgg19} with
     * {@code bn}, the default, so {@code vgg16bn --norm none} is {@code vgg16 --norm none}).
     */
    private record Alias(String id, Norm norm) {}

    /** The registered architecture ids (canonical, without aliases), by family and depth. */
    public static List<String> ids() {
        return List.copyOf(FACTORIES.keySet());
    }

    /** The aliases of the canonical id {@code arch} (e.g. {@code vgg16bn} for {@code vgg16}); empty if none. */
    public static List<String> aliases(String arch) {
        String id = canonicalId(arch);
        return ALIASES.entrySet().stream().filter(e -> e.getValue().id().equals(id)).map(Map.Entry::getKey).toList();
    }

    /**
     * The canonical id of {@code arch}: lower-cased, an alias replaced by its canonical id ({@code
     * vgg16bn} → {@code vgg16}). Run specs and reports use it; an unknown id comes back lower-cased
     * (building it is bad input).
     */
    public static String canonicalId(String arch) {
        String id = arch.strip().toLowerCase(Locale.ROOT);
        Alias a = ALIASES.get(id);
        return a != null ? a.id() : id;
    }

    /** Builds {@code arch} at width 1 with its own norm ({@link #defaultNorm}). */
    public static Network build(String arch, int inChannels, int numClasses) {
        return build(arch, inChannels, numClasses, 1.0);
    }

    /** Builds {@code arch} with its own norm ({@link #defaultNorm}): batch norm, none for plaincnn. */
    public static Network build(String arch, int inChannels, int numClasses, double width) {
        return build(arch, inChannels, numClasses, width, defaultNorm(arch));
    }

    /**
     * The norm {@code arch} is published with: {@link Norm#NONE} for plaincnn, else {@link Norm#BN};
     * for an alias, the norm it names.
     */
    public static Norm defaultNorm(String arch) {
        String id = arch.strip().toLowerCase(Locale.ROOT);
        Alias a = ALIASES.get(id);
        if (a != null) {
            return a.norm();
        }
        return PLAIN_CNN.equals(id) ? Norm.NONE : Norm.BN;
    }

    /**
     * Builds {@code arch} with every channel count scaled by {@code width} (rounded as torchvision's
     * {@code _make_divisible(c * width, 8)} for MobileNetV2, and to at least 1 channel elsewhere).
     * Width multipliers exist for fast tests and proxies; the benchmark uses 1.0. {@code arch} may be
     * an alias: the network's {@link Network#arch} is the id as given, lower-cased, so code keyed on
     * an earlier id keeps working (runs are built under the canonical id, see {@link #canonicalId}).
     *
     * @param norm the norm variant (see the class comment); {@code bn} on plaincnn is bad input
     */
    public static Network build(String arch, int inChannels, int numClasses, double width, Norm norm) {
        return build(arch, inChannels, numClasses, width, norm, false);
    }

    /**
     * As {@link #build(String, int, int, double, Norm)}, with one learned scalar α at the end of every
     * residual branch when {@code branchScalar} is set (see the class comment); asked of a net without
     * residual branches (VGG, plaincnn) that is bad input.
     */
    public static Network build(String arch, int inChannels, int numClasses, double width, Norm norm,
            boolean branchScalar) {
        Factory f = FACTORIES.get(canonicalId(arch));
        if (f == null) {
            throw new BadInputException("unknown arch '" + arch + "'; valid: " + String.join(", ", FACTORIES.keySet())
                    + " (aliases: " + String.join(", ", ALIASES.keySet()) + ")");
        }
        if (inChannels < 1 || numClasses < 2 || !(width > 0)) {
            throw new BadInputException("bad model shape: inChannels=" + inChannels
                    + ", numClasses=" + numClasses + ", width=" + width);
        }
        if (branchScalar && !hasResidualBranches(arch)) {
            throw new BadInputException("--branch-scalar needs a residual net (" + String.join(", ", RESIDUAL)
                    + "); " + canonicalId(arch) + " has no residual branches");
        }
        return f.build(arch.strip().toLowerCase(Locale.ROOT), inChannels, numClasses, width, norm, branchScalar);
    }

    /** Whether {@code arch} (canonical or alias) has residual branches, i.e. takes {@code --branch-scalar}. */
    public static boolean hasResidualBranches(String arch) {
        return RESIDUAL.contains(canonicalId(arch));
    }

    /**
     * Allocates every parameter array of {@code net} on {@code manager} for 32x32 inputs. Weights,
     * biases, gamma and beta are filled with NaN (an init strategy must set them all); BN running
     * statistics start at mean 0 and variance 1, as in PyTorch. Scalars and weight-norm g and v are
     * NaN too.
     */
    public static void materialize(Network net, NDManager manager) {
        Block b = net.block();
        b.setInitializer(new ConstantInitializer(Float.NaN), Parameter.Type.WEIGHT);
        b.setInitializer(new ConstantInitializer(Float.NaN), Parameter.Type.BIAS);
        b.setInitializer(new ConstantInitializer(Float.NaN), Parameter.Type.GAMMA);
        b.setInitializer(new ConstantInitializer(Float.NaN), Parameter.Type.BETA);
        b.setInitializer(new ConstantInitializer(0f), Parameter.Type.RUNNING_MEAN);
        b.setInitializer(new ConstantInitializer(1f), Parameter.Type.RUNNING_VAR);
        b.initialize(manager, DataType.FLOAT32, net.inputShape(2));
    }

    private static int scaled(int c, double width) {
        return Math.max(1, (int) Math.round(c * width));
    }

    /**
     * CIFAR ResNet-(6n+2), He et al. 2016, post-activation BasicBlocks, projection shortcuts
     * (1x1 conv stride 2 + BN, "option B") where the shape changes. Under {@link Norm#NONE},
     * Fixup's scalar biases and multiplier (see the class comment).
     */
    static Network resnet(String arch, int n, int inChannels, int numClasses, double width, Norm norm,
            boolean branchScalar) {
        LayerRecorder r = new LayerRecorder(norm);
        boolean fixup = norm == Norm.NONE;
        int[] widths = {scaled(16, width), scaled(32, width), scaled(64, width)};
        SequentialBlock net = new SequentialBlock();
        net.add(r.conv(Pos.OUTSIDE, Conv.of("conv1", Role.STEM, inChannels, widths[0])));
        r.batchNorm(net, Pos.OUTSIDE, "bn1", Role.STEM, "conv1", widths[0]);
        if (fixup) {
            net.add(r.scalarBias(Pos.OUTSIDE, "bias1", Role.STEM));
        }
        net.add(Activation.reluBlock());
        int in = widths[0];
        for (int s = 0; s < 3; s++) {
            for (int b = 0; b < n; b++) {
                int stride = (s > 0 && b == 0) ? 2 : 1;
                int out = widths[s];
                boolean projection = stride != 1 || in != out;
                String p = "layer" + (s + 1) + "." + b;
                Pos branch = new Pos(s, b, true);
                Block bias1a = fixup ? r.scalarBias(branch, p + ".bias1a", Role.BRANCH_FIRST) : null;
                SequentialBlock body = new SequentialBlock();
                if (fixup && !projection) {
                    body.add(bias1a);
                }
                body.add(r.conv(branch, Conv.of(p + ".conv1", Role.BRANCH_FIRST, in, out).stride(stride)));
                r.batchNorm(body, branch, p + ".bn1", Role.BRANCH_FIRST, p + ".conv1", out);
                if (fixup) {
                    body.add(r.scalarBias(branch, p + ".bias1b", Role.BRANCH_FIRST));
                }
                body.add(Activation.reluBlock());
                if (fixup) {
                    body.add(r.scalarBias(branch, p + ".bias2a", Role.BRANCH_LAST));
                }
                body.add(r.conv(branch, Conv.of(p + ".conv2", Role.BRANCH_LAST, out, out)));
                r.batchNorm(body, branch, p + ".bn2", Role.BRANCH_LAST, p + ".conv2", out);
                if (fixup) {
                    body.add(r.scale(branch, p + ".scale", Role.BRANCH_LAST));
                    body.add(r.scalarBias(branch, p + ".bias2b", Role.BRANCH_LAST));
                }
                if (branchScalar) {
                    body.add(r.branchScalar(branch, p + ".alpha", Role.BRANCH_LAST));
                }
                Block shortcut;
                if (projection) {
                    Pos sc = new Pos(s, b, false);
                    Conv conv = Conv.of(p + ".shortcut.0", Role.SHORTCUT, in, out).kernel(1).stride(stride);
                    SequentialBlock proj = new SequentialBlock().add(r.conv(sc, conv));
                    r.batchNorm(proj, sc, p + ".shortcut.1", Role.SHORTCUT, p + ".shortcut.0", out);
                    shortcut = proj;
                } else {
                    shortcut = Blocks.identityBlock();
                }
                Block sum = residual(body, shortcut);
                if (fixup && projection) {
                    // Fixup feeds x + bias1a to both the branch and the downsampling shortcut.
                    sum = new SequentialBlock().add(bias1a).add(sum);
                }
                net.add(new SequentialBlock().add(sum).add(Activation.reluBlock()));
                in = out;
            }
        }
        net.add(Pool.globalAvgPool2dBlock());
        net.add(Blocks.batchFlattenBlock());
        if (fixup) {
            net.add(r.scalarBias(Pos.OUTSIDE, "bias2", Role.CLASSIFIER));
        }
        net.add(r.linear("fc", in, numClasses));
        return new Network(arch, norm, inChannels, numClasses, width, 32, net, r.layers());
    }

    /**
     * VGG for 32x32 inputs (Simonyan and Zisserman 2015, CIFAR variant): 3x3 convs with bias, each
     * followed by BN (under {@link Norm#BN}) and ReLU; 2x2 max-pools; one Linear(512, classes)
     * classifier.
     */
    static Network vgg(String arch, int[] cfg, int inChannels, int numClasses, double width, Norm norm) {
        LayerRecorder r = new LayerRecorder(norm);
        SequentialBlock net = new SequentialBlock();
        int in = convStack(r, net, cfg, inChannels, width);
        net.add(Blocks.batchFlattenBlock());
        net.add(r.linear("classifier", in, numClasses));
        return new Network(arch, norm, inChannels, numClasses, width, 32, net, r.layers());
    }

    /**
     * A deep plain CNN without normalization, as in the CIFAR-10 study of seed 002: eight 3x3 convs
     * with bias and ReLU (32, 32, M, 64, 64, M, 128, 128, M, 256, 256, M), global average pool,
     * Linear(256, classes). Init matters most here: nothing rescales a badly scaled layer. Its own
     * norm is {@link Norm#NONE}; {@link Norm#WEIGHTNORM} weight-normalizes it; {@link Norm#BN} is
     * refused (a BN plain CNN would be another model, not this one with its norm named).
     */
    static Network plainCnn(int inChannels, int numClasses, double width, Norm norm) {
        if (norm == Norm.BN) {
            throw new BadInputException("plaincnn has no batch norm (it is the norm-free CNN of seed 002);"
                    + " valid norms for it: none, weightnorm");
        }
        LayerRecorder r = new LayerRecorder(norm);
        SequentialBlock net = new SequentialBlock();
        int in = convStack(r, net, PLAIN, inChannels, width);
        net.add(Pool.globalAvgPool2dBlock());
        net.add(Blocks.batchFlattenBlock());
        net.add(r.linear("classifier", in, numClasses));
        return new Network(PLAIN_CNN, norm, inChannels, numClasses, width, 32, net, r.layers());
    }

    /**
     * Adds to {@code net} the conv stack of VGG and plaincnn: per entry of {@code cfg} a 3x3 conv
     * with bias, its batch norm (only under {@link Norm#BN}) and ReLU, or a 2x2 max-pool for {@code
     * M}. Paths follow torchvision's {@code features.i}. Returns the output channels.
     */
    private static int convStack(LayerRecorder r, SequentialBlock net, int[] cfg, int inChannels, double width) {
        int in = inChannels;
        int stage = 0;
        int block = 0;
        int index = 0;
        for (int c : cfg) {
            if (c == M) {
                net.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
                stage++;
                block = 0;
                index++;
                continue;
            }
            int out = scaled(c, width);
            Pos pos = new Pos(stage, block, false);
            String conv = "features." + index;
            Role role = index == 0 ? Role.STEM : Role.PLAIN;
            net.add(r.conv(pos, Conv.of(conv, role, in, out).withBias()));
            r.batchNorm(net, pos, "features." + (index + 1), role, conv, out);
            net.add(Activation.reluBlock());
            index += r.norm() == Norm.BN ? 3 : 2;
            block++;
            in = out;
        }
        return in;
    }

    /**
     * MobileNetV2 (Sandler et al. 2018) for 32x32 inputs: torchvision's table with a stride-1 stem
     * and a stride-1 second stage; ReLU6; residual add only when stride 1 and in == out; 1x1 conv to
     * 1280, global pool, Linear(1280, classes); no dropout.
     */
    static Network mobilenetV2(int inChannels, int numClasses, double width, Norm norm, boolean branchScalar) {
        LayerRecorder r = new LayerRecorder(norm);
        SequentialBlock net = new SequentialBlock();
        int in = makeDivisible(32 * width);
        net.add(r.conv(Pos.OUTSIDE, Conv.of("stem.conv", Role.STEM, inChannels, in)));
        r.batchNorm(net, Pos.OUTSIDE, "stem.bn", Role.STEM, "stem.conv", in);
        net.add(new Relu6());
        int blockIndex = 0;
        for (int s = 0; s < MOBILENET_V2.length; s++) {
            int t = MOBILENET_V2[s][0];
            int out = makeDivisible(MOBILENET_V2[s][1] * width);
            for (int i = 0; i < MOBILENET_V2[s][2]; i++) {
                int stride = i == 0 ? MOBILENET_V2[s][3] : 1;
                boolean skip = stride == 1 && in == out;
                Pos pos = new Pos(s, i, skip);
                String p = "blocks." + blockIndex;
                int hidden = in * t;
                SequentialBlock body = new SequentialBlock();
                if (t != 1) {
                    body.add(r.conv(pos, Conv.of(p + ".expand.conv", Role.EXPAND, in, hidden).kernel(1)));
                    r.batchNorm(body, pos, p + ".expand.bn", Role.EXPAND, p + ".expand.conv", hidden);
                    body.add(new Relu6());
                }
                body.add(r.conv(pos,
                        Conv.of(p + ".dw.conv", Role.DEPTHWISE, hidden, hidden).stride(stride).groups(hidden)));
                r.batchNorm(body, pos, p + ".dw.bn", Role.DEPTHWISE, p + ".dw.conv", hidden);
                body.add(new Relu6());
                body.add(r.conv(pos, Conv.of(p + ".project.conv", Role.PROJECT, hidden, out).kernel(1)));
                r.batchNorm(body, pos, p + ".project.bn", Role.PROJECT, p + ".project.conv", out);
                if (skip && branchScalar) {
                    body.add(r.branchScalar(pos, p + ".alpha", Role.PROJECT));
                }
                net.add(skip ? residual(body, Blocks.identityBlock()) : body);
                in = out;
                blockIndex++;
            }
        }
        int last = makeDivisible(1280 * Math.max(1.0, width));
        net.add(r.conv(Pos.OUTSIDE, Conv.of("head.conv", Role.HEAD, in, last).kernel(1)));
        r.batchNorm(net, Pos.OUTSIDE, "head.bn", Role.HEAD, "head.conv", last);
        net.add(new Relu6());
        net.add(Pool.globalAvgPool2dBlock());
        net.add(Blocks.batchFlattenBlock());
        net.add(r.linear("classifier", last, numClasses));
        return new Network("mobilenetv2", norm, inChannels, numClasses, width, 32, net, r.layers());
    }

    /** torchvision's {@code _make_divisible(v, 8)}: round to a multiple of 8, never down by more than 10%. */
    static int makeDivisible(double v) {
        int divisor = 8;
        int nv = Math.max(divisor, (int) (v + divisor / 2.0) / divisor * divisor);
        if (nv < 0.9 * v) {
            nv += divisor;
        }
        return nv;
    }

    /** branch(x) + shortcut(x). */
    private static Block residual(Block branch, Block shortcut) {
        Function<List<NDList>, NDList> add =
                outs -> new NDList(outs.get(0).singletonOrThrow().add(outs.get(1).singletonOrThrow()));
        return new ParallelBlock(add, Arrays.asList(branch, shortcut));
    }
}
