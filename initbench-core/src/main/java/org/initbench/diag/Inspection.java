package org.initbench.diag;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.initbench.Seeds;
import org.initbench.data.BatchLoader;
import org.initbench.data.ChannelStats;
import org.initbench.data.DatasetLocator;
import org.initbench.data.DatasetName;
import org.initbench.data.HostBatch;
import org.initbench.data.LoadedDataset;
import org.initbench.diag.InspectReport.InitResult;
import org.initbench.diag.InspectReport.LayerStats;
import org.initbench.diag.InspectReport.NetworkStats;
import org.initbench.diag.InspectReport.ParamStats;
import org.initbench.diag.InspectReport.ResidualStats;
import org.initbench.init.InitContext;
import org.initbench.init.InitRegistry;
import org.initbench.init.ResolvedInit;
import org.initbench.init.SampleBatch;
import org.initbench.init.builtin.AutoInitPropagation;
import org.initbench.model.Bf16;
import org.initbench.model.Layer;
import org.initbench.model.ModelGraph;
import org.initbench.model.ModelGraph.Leaf;
import org.initbench.model.ModelGraph.Node;
import org.initbench.model.ModelGraph.Op;
import org.initbench.model.ModelGraph.Sequence;
import org.initbench.model.ModelGraph.Sum;
import org.initbench.model.Models;
import org.initbench.model.Moments;
import org.initbench.model.Network;
import org.initbench.model.Norm;
import org.initbench.train.MixedPrecisionStore;
import org.initbench.train.Precision;
import org.initbench.train.TrainStep;

/**
 * Signal propagation at init, the engine of {@code initbench inspect}: for each init, a fresh model
 * is built, materialized and initialized as {@code initbench train} would ({@code hash(seed,
 * "init")}; data-dependent inits get the training run's {@code init-batch}), then one training-mode
 * forward pass through {@link ModelGraph} (which shows every intermediate output) and one backward
 * pass of the mean cross-entropy give the statistics of {@link InspectReport}. Nothing is updated:
 * this is the state the first SGD step of the run starts from.
 *
 * <p>The AutoInit cross-check reuses {@link AutoInitPropagation}: for {@code autoinit} its own
 * prediction with the spec's options; with {@link InspectConfig#predict()} every other init gets
 * {@link AutoInitPropagation#predictGiven} on its realized parameters, from the measured moments of
 * the input batch. Must run on the thread that loaded the engine, as training does.
 *
 * <p>Longer than the project's 300-line guide, on purpose: the probe's hooks, the per-layer and per-add
 * statistics and the AutoInit cross-check all read the state of the one forward/backward pass, and
 * splitting them would pass that state around instead of reading it in one place.
 */
public final class Inspection {
    private final InspectConfig config;
    private final DatasetName dataset;
    private final Supplier<Network> models;
    private final List<ResolvedInit> inits;
    private final InitRegistry registry;

    private Inspection(InspectConfig config, DatasetName dataset, Supplier<Network> models, List<ResolvedInit> inits,
            InitRegistry registry) {
        this.config = config;
        this.dataset = dataset;
        this.models = models;
        this.inits = inits;
        this.registry = registry;
    }

    /**
     * Validates everything that can be bad input (dataset, arch, norm, branch scalar, every init spec) before any
     * work; throws {@link org.initbench.BadInputException} naming the first problem.
     */
    public static Inspection prepare(InspectConfig config, InitRegistry registry) {
        DatasetName name = DatasetName.parse(config.dataset());
        Norm norm = config.norm() == null ? Models.defaultNorm(config.arch()) : Norm.parse(config.norm());
        Models.build(config.arch(), name.channels(), name.numClasses(), config.width(), norm, config.branchScalar());
        return of(config, name, () -> Models.build(config.arch(), name.channels(), name.numClasses(), config.width(),
                norm, config.branchScalar()), registry);
    }

    /** An inspection of the networks {@code models} builds (a fresh one per init), for tests of custom nets. */
    static Inspection of(InspectConfig config, DatasetName dataset, Supplier<Network> models, InitRegistry registry) {
        List<ResolvedInit> inits = config.inits().stream().map(registry::resolve).toList();
        return new Inspection(config, dataset, models, inits, registry);
    }

    /** The batch: images, labels and where they came from. */
    record Batch(HostBatch images, SampleBatch initBatch, String source) {}

    /** Loads the batch (the dataset for {@link InspectConfig.Input#DATA}) and inspects every init. */
    public InspectReport run(DatasetLocator locator, Consumer<String> notices) {
        return run(loadBatch(locator, notices));
    }

    InspectReport run(Batch batch) {
        List<InitResult> results = new ArrayList<>();
        String norm = null;
        boolean branchScalar = false;
        for (ResolvedInit init : inits) {
            Network net = models.get();
            norm = net.norm().id();
            branchScalar = net.branchScalar();
            results.add(inspect(net, init, batch));
        }
        return new InspectReport(InspectReport.SCHEMA, Models.canonicalId(config.arch()), dataset.id(), norm,
                branchScalar, config.width(), config.input().id(), batch.source(), batch.images().size(), config.seed(),
                results);
    }

    Batch loadBatch(DatasetLocator locator, Consumer<String> notices) {
        int c = dataset.channels();
        if (config.input() == InspectConfig.Input.GAUSSIAN) {
            long seed = Seeds.derive(config.seed(), "inspect-input");
            SampleBatch g = SampleBatch.gaussian(config.batch(), c, seed);
            SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, "labels"));
            int[] labels = new int[config.batch()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = rng.nextInt(dataset.numClasses());
            }
            return new Batch(new HostBatch(g.images(), labels, g.size(), c),
                    SampleBatch.gaussian(config.batch(), c, Seeds.derive(config.seed(), "init-batch")),
                    "N(0,1) pixels and uniform labels, seed " + seed);
        }
        LoadedDataset data = locator.load(dataset, notices);
        ChannelStats stats = ChannelStats.of(data.train());
        HostBatch first;
        try (BatchLoader loader = BatchLoader.training(data.train(), stats, config.batch(),
                Seeds.derive(config.seed(), "data"), 0)) {
            first = loader.next();
        }
        SampleBatch init;
        try (BatchLoader loader = BatchLoader.training(data.train(), stats, config.batch(),
                Seeds.derive(config.seed(), "init-batch"), 0)) {
            HostBatch b = loader.next();
            init = new SampleBatch(b.images(), b.labels(), b.size(), b.channels(), HostBatch.SIDE, HostBatch.SIDE);
        }
        return new Batch(first, init, "first training batch of epoch 1, " + data.source());
    }

    /** Moments of one probed output; {@code dead} only for ReLU and ReLU6 outputs. */
    record NodeStats(double mean, double variance, Double dead) {
        Double std() {
            return InspectReport.finite(Math.sqrt(variance));
        }
    }

    private InitResult inspect(Network net, ResolvedInit init, Batch batch) {
        ModelGraph graph = ModelGraph.of(net);
        Structure structure = Structure.of(graph);
        HostBatch b = batch.images();
        try (NDManager root = NDManager.newBaseManager()) {
            Models.materialize(net, root);
            boolean dataDependent = init.dataDependent();
            InitContext.apply(net, init.strategy(), Seeds.derive(config.seed(), "init"),
                    dataDependent ? batch.initBatch() : null);
            Map<String, Moments> predicted = null;
            String prediction = null;
            Map<Node, NodeStats> stats = new IdentityHashMap<>();
            NodeStats input;
            double loss;
            NodeStats logits;
            boolean bf16 = Precision.parse(config.precision()) == Precision.BF16;
            ParameterStore ps = bf16 ? new MixedPrecisionStore(net, root) : new ParameterStore(root, false);
            try (NDManager step = root.newSubManager()) {
                NDArray x = step.create(FloatBuffer.wrap(b.images()), net.inputShape(b.size()));
                input = measure(x, false);
                if (init.id().equals("autoinit")) {
                    prediction = "autoinit";
                    predicted = autoInitPrediction(net, init);
                } else if (config.predict()) {
                    prediction = "given-weights";
                    predicted = AutoInitPropagation.predictGiven(net, new Moments(input.mean(), input.variance()),
                            true, Inspection::layerParams);
                }
                long[] y = new long[b.size()];
                for (int i = 0; i < y.length; i++) {
                    y[i] = b.labels()[i];
                }
                NDArray labels = step.create(y).toType(DataType.INT64, false);
                NDArray out;
                NDArray lossArray;
                // the weight casts inside the collector, so that gradients flow through them to the fp32 weights
                try (GradientCollector gc = Engine.getInstance().newGradientCollector();
                        MixedPrecisionStore.Scope casts = bf16 ? ((MixedPrecisionStore) ps).scope(step) : () -> { }) {
                    out = graph.forward(ps, bf16 ? Bf16.toBf16(x, step) : x, true, (node, o) -> {
                        boolean relu = node instanceof Leaf l && (l.op() == Op.RELU || l.op() == Op.RELU6);
                        stats.put(node, measure(Bf16.toFloat32(o, step), relu));
                        return true;
                    });
                    out = Bf16.toFloat32(out, step); // the loss in fp32, as autocast computes it
                    lossArray = TrainStep.crossEntropy(out, labels, net.numClasses());
                    gc.backward(lossArray);
                }
                loss = lossArray.getFloat();
                logits = measure(out, false);
            }
            List<ParamStats> params = new ArrayList<>();
            Map<String, ParamStats> weightOf = new java.util.HashMap<>();
            for (Layer layer : net.layers()) {
                for (Map.Entry<String, Parameter> e : layer.parameters().entrySet()) {
                    if (!e.getValue().requiresGradient()) {
                        continue;
                    }
                    ParamStats p = paramStats(layer.path(), e.getKey(), e.getValue().getArray());
                    params.add(p);
                    if (layer.kind().weighted() && (e.getKey().equals("weight") || e.getKey().equals("weight_v"))) {
                        weightOf.put(layer.path(), p);
                    }
                }
            }
            List<LayerStats> layers = layerStats(structure, stats, predicted, weightOf, net);
            List<ResidualStats> residuals = residualStats(structure, stats, predicted);
            Double ratio = layers.isEmpty() ? null
                    : InspectReport.ratio(layers.get(0).weightGradNorm(),
                            layers.get(layers.size() - 1).weightGradNorm());
            NetworkStats network = new NetworkStats(InspectReport.finite(input.mean()), input.std(),
                    logits.std(), InspectReport.finite(loss), Math.log(net.numClasses()), ratio,
                    layers.isEmpty() ? null : layers.get(0).path(),
                    layers.isEmpty() ? null : layers.get(layers.size() - 1).path());
            return new InitResult(init.spec(), prediction, network, layers, residuals, params);
        }
    }

    private static Map<String, Moments> autoInitPrediction(Network net, ResolvedInit init) {
        Map<String, String> o = init.options();
        Moments in = new Moments(Double.parseDouble(o.get("input-mean")), Double.parseDouble(o.get("input-var")));
        return AutoInitPropagation.run(net, in, "compensate".equals(o.get("padding")),
                "sampled".equals(o.get("moments")), (layer, v) -> { });
    }

    /** Mean, variance and (optionally) the dead fraction of {@code a}, in double precision. */
    static NodeStats measure(NDArray a, boolean relu) {
        try (NDManager m = a.getManager().newSubManager()) {
            NDArray d = a.stopGradient();
            d.attach(m);
            NDArray dd = d.toType(DataType.FLOAT64, false);
            double mean = dd.mean().getDouble();
            double var = dd.sub(mean).square().mean().getDouble();
            Double dead = null;
            if (relu) {
                dead = d.max(new int[] {0}).eq(0).toType(DataType.FLOAT64, false).mean().getDouble();
            }
            return new NodeStats(mean, var, dead);
        }
    }

    /** Intermediate arrays stay on the parameter's manager, which the caller closes with the model. */
    private static ParamStats paramStats(String path, String name, NDArray value) {
        NDArray vd = value.stopGradient().toType(DataType.FLOAT64, false);
        double mean = vd.mean().getDouble();
        double std = Math.sqrt(vd.sub(mean).square().mean().getDouble());
        double norm = Math.sqrt(vd.square().sum().getDouble());
        double gradNorm = Math.sqrt(value.getGradient().toType(DataType.FLOAT64, false).square().sum().getDouble());
        Double n = InspectReport.finite(norm);
        Double g = InspectReport.finite(gradNorm);
        return new ParamStats(path, name, value.getShape().size(), InspectReport.finite(mean),
                InspectReport.finite(std), n, g, InspectReport.ratio(g, n));
    }

    /** Realized moments of a layer's parameters for {@link AutoInitPropagation#predictGiven}. */
    static AutoInitPropagation.LayerParams layerParams(Layer layer) {
        Map<String, Parameter> p = layer.parameters();
        double wms;
        if (layer.weightNormalized()) {
            // effective w = g·v/‖v‖ per output row: each row's squared norm is g².
            float[] g = p.get("weight_g").getArray().toFloatArray();
            double s = 0;
            for (float v : g) {
                s += (double) v * v;
            }
            wms = s / layer.weightShape().size();
        } else {
            wms = meanSquare(p.get("weight").getArray().toFloatArray());
        }
        Parameter bias = p.get("bias");
        if (bias == null) {
            return new AutoInitPropagation.LayerParams(wms, 0, 0);
        }
        float[] bv = bias.getArray().toFloatArray();
        double mean = 0;
        for (float v : bv) {
            mean += v;
        }
        mean /= bv.length;
        return new AutoInitPropagation.LayerParams(wms, mean, Math.max(0, meanSquare(bv) - mean * mean));
    }

    private static double meanSquare(float[] x) {
        double s = 0;
        for (float v : x) {
            s += (double) v * v;
        }
        return s / x.length;
    }

    private static List<LayerStats> layerStats(Structure s, Map<Node, NodeStats> stats, Map<String, Moments> predicted,
            Map<String, ParamStats> weightOf, Network net) {
        List<LayerStats> out = new ArrayList<>();
        int depth = 0;
        for (Leaf leaf : s.weighted()) {
            Layer layer = leaf.layer();
            NodeStats o = stats.get(leaf);
            Structure.Activation act = s.activationOf(leaf);
            NodeStats pre = act == null ? null : stats.get(act.input());
            NodeStats post = act == null ? null : stats.get(act.nonlinearity());
            ParamStats w = weightOf.get(layer.path());
            Double weightStd = w == null ? null : w.std();
            if (layer.weightNormalized()) {
                weightStd = effectiveWeightStd(layer);
            }
            out.add(new LayerStats(++depth, layer.path(), layer.kind().name().toLowerCase(java.util.Locale.ROOT),
                    layer.role().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), layer.stage(),
                    layer.block(), InspectReport.finite(o.mean()), o.std(),
                    act == null ? null : act.nonlinearity().op().name().toLowerCase(java.util.Locale.ROOT),
                    pre == null ? null : InspectReport.finite(pre.mean()), pre == null ? null : pre.std(),
                    post == null ? null : InspectReport.finite(post.mean()), post == null ? null : post.std(),
                    post == null ? null : post.dead(), weightStd, w == null ? null : w.gradNorm(),
                    w == null ? null : w.gradToWeight(),
                    predictedVar(predicted, leaf), act == null ? null : predictedVar(predicted, act.nonlinearity())));
        }
        return out;
    }

    private static Double effectiveWeightStd(Layer layer) {
        Map<String, Parameter> p = layer.parameters();
        float[] w = InitContext.effectiveWeight(p.get("weight_v").getArray().toFloatArray(),
                p.get("weight_g").getArray().toFloatArray());
        double s = 0;
        double s2 = 0;
        for (float x : w) {
            s += x;
            s2 += (double) x * x;
        }
        double mean = s / w.length;
        return InspectReport.finite(Math.sqrt(Math.max(0, s2 / w.length - mean * mean)));
    }

    private static List<ResidualStats> residualStats(Structure s, Map<Node, NodeStats> stats,
            Map<String, Moments> predicted) {
        List<ResidualStats> out = new ArrayList<>();
        for (Structure.Residual r : s.residuals()) {
            NodeStats branch = stats.get(r.branchEnd());
            NodeStats shortcut = stats.get(r.shortcutEnd());
            NodeStats sum = stats.get(r.sum());
            Double bv = InspectReport.finite(branch.variance());
            Double sv = InspectReport.finite(shortcut.variance());
            out.add(new ResidualStats(r.label(), r.stage(), r.index(), bv, sv, InspectReport.finite(sum.variance()),
                    InspectReport.ratio(bv, sv), predictedVar(predicted, r.sum())));
        }
        return out;
    }

    private static Double predictedVar(Map<String, Moments> predicted, Node node) {
        if (predicted == null) {
            return null;
        }
        Moments m = predicted.get(node.name());
        return m == null ? null : InspectReport.finite(m.variance());
    }

    /** The shape of a {@link ModelGraph} as the statistics need it: rows, nonlinearities, adds. */
    record Structure(List<Leaf> weighted, Map<Leaf, Activation> activations, List<Residual> residuals) {

        /** The nonlinearity a layer's output reaches, and the node whose output feeds it. */
        record Activation(Node input, Leaf nonlinearity) {}

        /** A residual add: the nodes whose outputs are the branch's and the shortcut's. */
        record Residual(Sum sum, Node branchEnd, Node shortcutEnd, String label, int stage, int index) {}

        Activation activationOf(Leaf leaf) {
            return activations.get(leaf);
        }

        static Structure of(ModelGraph graph) {
            Map<Node, Node> parent = new IdentityHashMap<>();
            List<Sum> sums = new ArrayList<>();
            index(graph.root(), null, parent, sums);
            List<Leaf> weighted = new ArrayList<>();
            Map<Leaf, Activation> acts = new IdentityHashMap<>();
            for (Leaf leaf : graph.leaves()) {
                if (leaf.op() != Op.CONV && leaf.op() != Op.LINEAR) {
                    continue;
                }
                weighted.add(leaf);
                Node prev = leaf;
                Node n = consumer(leaf, parent);
                while (n != null) {
                    if (n instanceof Leaf l && (l.op() == Op.RELU || l.op() == Op.RELU6)) {
                        acts.put(leaf, new Activation(prev, l));
                        break;
                    }
                    if (n instanceof Leaf l && (l.op() == Op.CONV || l.op() == Op.LINEAR)) {
                        break;
                    }
                    prev = n;
                    n = consumer(n, parent);
                }
            }
            List<Residual> residuals = new ArrayList<>();
            for (Sum sum : sums) {
                if (sum.branches().size() != 2) {
                    continue;
                }
                List<Layer> layers = new ArrayList<>();
                collectLayers(sum.branches().get(0), layers);
                String label = layers.isEmpty() ? sum.name() : commonPrefix(layers);
                int stage = layers.isEmpty() ? -1 : layers.get(0).stage();
                int index = layers.isEmpty() ? -1 : layers.get(0).block();
                residuals.add(new Residual(sum, end(sum.branches().get(0)), end(sum.branches().get(1)), label, stage,
                        index));
            }
            return new Structure(List.copyOf(weighted), acts, List.copyOf(residuals));
        }

        private static void index(Node node, Node parentNode, Map<Node, Node> parent, List<Sum> sums) {
            if (parentNode != null) {
                parent.put(node, parentNode);
            }
            if (node instanceof Sequence s) {
                s.children().forEach(c -> index(c, s, parent, sums));
            } else if (node instanceof Sum s) {
                s.branches().forEach(c -> index(c, s, parent, sums));
                sums.add(s); // post-order: sums in the order their outputs appear
            }
        }

        /** The node that receives {@code node}'s output, or null (end of the model, or a residual block's input). */
        private static Node consumer(Node node, Map<Node, Node> parent) {
            Node p = parent.get(node);
            if (p == null) {
                return null;
            }
            if (p instanceof Sum) {
                return p;
            }
            List<Node> siblings = ((Sequence) p).children();
            int i = indexOf(siblings, node);
            return i == siblings.size() - 1 ? consumer(p, parent) : entry(siblings.get(i + 1));
        }

        /** The first node a value entering {@code node} meets; null for a residual block (several). */
        private static Node entry(Node node) {
            if (node instanceof Sequence s) {
                return s.children().isEmpty() ? null : entry(s.children().get(0));
            }
            return node instanceof Sum ? null : node;
        }

        /** The node whose output is {@code node}'s output. */
        private static Node end(Node node) {
            if (node instanceof Sequence s && !s.children().isEmpty()) {
                return end(s.children().get(s.children().size() - 1));
            }
            return node;
        }

        private static int indexOf(List<Node> nodes, Node node) {
            for (int i = 0; i < nodes.size(); i++) {
                if (nodes.get(i) == node) {
                    return i;
                }
            }
            throw new IllegalStateException("node not among its parent's children: " + node.name());
        }

        private static void collectLayers(Node node, List<Layer> out) {
            if (node instanceof Leaf l && l.layer() != null) {
                out.add(l.layer());
            } else if (node instanceof Sequence s) {
                s.children().forEach(c -> collectLayers(c, out));
            } else if (node instanceof Sum s) {
                s.branches().forEach(c -> collectLayers(c, out));
            }
        }

        /** The longest common dot-separated prefix of the layers' paths, e.g. {@code layer2.0}. */
        private static String commonPrefix(List<Layer> layers) {
            String[] first = layers.get(0).path().split("\\.");
            int n = first.length - (layers.size() == 1 ? 1 : 0);
            for (Layer l : layers) {
                String[] p = l.path().split("\\.");
                int k = 0;
                while (k < Math.min(n, p.length) && p[k].equals(first[k])) {
                    k++;
                }
                n = k;
            }
            return n == 0 ? layers.get(0).path() : String.join(".", java.util.Arrays.copyOf(first, n));
        }
    }
}
