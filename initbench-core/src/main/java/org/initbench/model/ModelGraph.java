package org.initbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The computation structure of a {@link Network}, derived from its DJL block tree: a {@link
 * Sequence} for a {@code SequentialBlock}, a {@link Sum} for a {@code ParallelBlock} (every block
 * {@link Models} builds joins its branches by elementwise addition: the residual add), and a
 * {@link Leaf} for everything else. Leaves are the recorded layers (matched by {@link
 * Layer#djlBlock()} identity), DJL's lambda blocks identified by their names in DJL 0.35.1 ({@code
 * ReLU}, {@code ReLU6}, {@code maxPool2d}, {@code globalAvgPool2d}, {@code batchFlatten}, {@code
 * identity}), and custom blocks implementing {@link MomentRule}; any other block fails naming it.
 *
 * <p>Each node knows its input and output shape (batch 1). {@link #forward} runs the model node by
 * node and shows every leaf's and sum's output to a {@link Probe}: AutoInit's checks, LSUV and the
 * diagnostics see intermediate activations through it.
 */
public final class ModelGraph {
    /** What a leaf computes. */
    public enum Op { CONV, LINEAR, BATCH_NORM, RELU, RELU6, MAX_POOL, GLOBAL_AVG_POOL, FLATTEN, IDENTITY, CUSTOM }

    /** A node of the graph; {@code name} is the layer path for recorded layers, else {@code #position:kind}. */
    public sealed interface Node permits Sequence, Sum, Leaf {
        String name();

        Shape inputShape();

        Shape outputShape();
    }

    /** Children applied one after the other. */
    public record Sequence(String name, List<Node> children, Shape inputShape, Shape outputShape) implements Node {}

    /** Branches applied to the same input, outputs added elementwise. */
    public record Sum(String name, List<Node> branches, Shape inputShape, Shape outputShape) implements Node {}

    /** One block; {@code layer} is its inventory entry for conv, linear and norm layers, else null. */
    public record Leaf(String name, Op op, Block block, Layer layer, Shape inputShape, Shape outputShape)
            implements Node {}

    /** Sees intermediate outputs during {@link #forward}; returns false to stop the pass there. */
    @FunctionalInterface
    public interface Probe {
        boolean observe(Node node, NDArray output);
    }

    private static final Map<String, Op> LAMBDAS = Map.of("ReLU", Op.RELU, "ReLU6", Op.RELU6,
            "maxPool2d", Op.MAX_POOL, "globalAvgPool2d", Op.GLOBAL_AVG_POOL, "batchFlatten", Op.FLATTEN,
            "identity", Op.IDENTITY);

    private final Node root;
    private final List<Leaf> leaves = new ArrayList<>();

    private ModelGraph(Network net) {
        Map<Block, Layer> layers = new IdentityHashMap<>();
        net.layers().forEach(l -> layers.put(l.djlBlock(), l));
        root = walk(net.block(), "", net.inputShape(1), layers);
    }

    /** Derives the graph of {@code net}; fails naming the first block it cannot interpret. */
    public static ModelGraph of(Network net) {
        return new ModelGraph(net);
    }

    public Node root() {
        return root;
    }

    /** Every leaf in forward (depth) order. */
    public List<Leaf> leaves() {
        return List.copyOf(leaves);
    }

    private Node walk(Block b, String pos, Shape in, Map<Block, Layer> layers) {
        Layer layer = layers.get(b);
        if (layer != null) {
            Op op = switch (layer.kind()) {
                case CONV -> Op.CONV;
                case LINEAR -> Op.LINEAR;
                case BATCH_NORM -> Op.BATCH_NORM;
                default -> b instanceof MomentRule ? Op.CUSTOM : null;
            };
            if (op == null) {
                throw new IllegalArgumentException("ModelGraph: layer " + layer.path() + " of kind "
                        + layer.kind() + " needs its block to implement " + MomentRule.class.getName());
            }
            return leaf(layer.path(), op, b, layer, in);
        }
        if (b instanceof MomentRule) {
            return leaf("#" + pos + ":" + b.getClass().getSimpleName(), Op.CUSTOM, b, null, in);
        }
        if (b instanceof SequentialBlock) {
            List<Node> children = new ArrayList<>();
            Shape s = in;
            for (Block c : b.getChildren().values()) {
                Node n = walk(c, child(pos, children.size()), s, layers);
                children.add(n);
                s = n.outputShape();
            }
            return new Sequence("#" + pos, List.copyOf(children), in, s);
        }
        if (b instanceof ParallelBlock) {
            List<Node> branches = new ArrayList<>();
            for (Block c : b.getChildren().values()) {
                branches.add(walk(c, child(pos, branches.size()), in, layers));
            }
            Shape out = branches.get(0).outputShape();
            for (Node n : branches) {
                if (!n.outputShape().equals(out)) {
                    throw new IllegalArgumentException("ModelGraph: branches of #" + pos + " disagree: "
                            + out + " vs " + n.outputShape());
                }
            }
            return new Sum("#" + pos + ":add", List.copyOf(branches), in, out);
        }
        if (b instanceof Relu6) {
            return leaf("#" + pos + ":" + Relu6.NAME, Op.RELU6, b, null, in);
        }
        if (b instanceof LambdaBlock lambda && LAMBDAS.containsKey(lambda.getName())) {
            return leaf("#" + pos + ":" + lambda.getName(), LAMBDAS.get(lambda.getName()), b, null, in);
        }
        String what = b instanceof LambdaBlock lambda ? "LambdaBlock '" + lambda.getName() + "'"
                : b.getClass().getName();
        throw new IllegalArgumentException("ModelGraph: unknown block " + what + " at #" + pos
                + "; a custom block must implement " + MomentRule.class.getName());
    }

    private Leaf leaf(String name, Op op, Block b, Layer layer, Shape in) {
        Leaf leaf = new Leaf(name, op, b, layer, in, b.getOutputShapes(new Shape[] {in})[0]);
        leaves.add(leaf);
        return leaf;
    }

    private static String child(String pos, int index) {
        return pos.isEmpty() ? Integer.toString(index) : pos + "." + index;
    }

    /**
     * Runs the model on {@code input} leaf by leaf (each block's own {@code forward}), composing
     * sequences and sums here, and shows the output of every leaf and sum to {@code probe} in forward
     * order. Intermediate arrays live on {@code input}'s manager: give it a sub-manager per pass.
     *
     * @param training true for train-mode batch norm (batch statistics; running stats updated)
     * @return the model's output, or null if the probe stopped the pass
     */
    public NDArray forward(ParameterStore ps, NDArray input, boolean training, Probe probe) {
        return run(root, input, ps, training, probe);
    }

    private NDArray run(Node node, NDArray x, ParameterStore ps, boolean training, Probe probe) {
        if (node instanceof Sequence s) {
            NDArray y = x;
            for (Node c : s.children()) {
                y = run(c, y, ps, training, probe);
                if (y == null) {
                    return null;
                }
            }
            return y;
        }
        NDArray y = null;
        if (node instanceof Sum s) {
            for (Node branch : s.branches()) {
                NDArray out = run(branch, x, ps, training, probe);
                if (out == null) {
                    return null;
                }
                y = y == null ? out : y.add(out);
            }
        } else {
            y = ((Leaf) node).block().forward(ps, new NDList(x), training).singletonOrThrow();
        }
        return probe.observe(node, y) ? y : null;
    }
}
