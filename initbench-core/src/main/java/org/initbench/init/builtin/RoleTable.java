package org.initbench.init.builtin;

import static java.util.Map.entry;

import java.util.Map;
import org.initbench.init.Fans;
import org.initbench.init.Nonlinearity;
import org.initbench.model.Layer;
import org.initbench.model.Role;

/**
 * role-aware's rule as data: for each {@link Role}, the gain of what consumes the layer's output, the fan whose
 * variance its conv keeps in a BN net, and the factor it takes on top. It is the table of {@code
 * docs/research/role-aware/design.md} §7, row for row; {@link RoleAwareOptions} holds the ablations that
 * change a column.
 */
final class RoleTable {
    private RoleTable() {}

    /** √2: a ReLU (ReLU6) consumes the output, directly or after the residual add (He et al. 2015). */
    static final double RELU = Fans.gain(Nonlinearity.RELU, 0);
    /** 1: the output stays linear (MobileNetV2's linear bottlenecks, the logits). */
    static final double LINEAR = Fans.gain(Nonlinearity.LINEAR, 0);

    /** The fan whose variance a conv of a BN net keeps: gain²/fan_in, or gain²/fan_out (PyTorch's fan_out). */
    enum Fan {
        IN,
        OUT
    }

    /** What a layer takes on top of its gain. */
    enum Factor {
        /** Nothing. */
        NONE,
        /** Stem and shortcut: gain 1 instead of √2 in a net without any normalization. */
        TRUNK,
        /** Inside a residual branch of a norm-free net: Fixup's depth factor d, d³ without any normalization. */
        DEPTH,
        /**
         * Ends a residual branch (a block with a skip): the branch starts at zero; BN nets: gain 1 × L^(−1/2) and
         * BN γ = 0 (Goyal et al. 2017); norm-free nets: W = 0 (Fixup, SkipInit).
         */
        BRANCH_END,
        /** The classifier: W = 0, b = 0 (Fixup's rule 1). */
        ZERO
    }

    /**
     * One row of the table.
     *
     * @param gain the gain of what consumes the output ({@link #RELU} or {@link #LINEAR})
     * @param fan the fan whose variance the conv keeps in a BN net
     * @param factor the factor on top
     */
    record Row(double gain, Fan fan, Factor factor) {}

    /** The table. A branch end's gain is that of what follows the add, used where the branch starts live. */
    static final Map<Role, Row> RULE = Map.ofEntries(
            entry(Role.STEM, new Row(RELU, Fan.IN, Factor.TRUNK)),
            entry(Role.PLAIN, new Row(RELU, Fan.IN, Factor.NONE)),
            entry(Role.HEAD, new Row(RELU, Fan.IN, Factor.NONE)),
            entry(Role.BRANCH_FIRST, new Row(RELU, Fan.IN, Factor.DEPTH)),
            entry(Role.BRANCH_INNER, new Row(RELU, Fan.IN, Factor.DEPTH)),
            entry(Role.EXPAND, new Row(RELU, Fan.IN, Factor.DEPTH)),
            entry(Role.DEPTHWISE, new Row(RELU, Fan.OUT, Factor.DEPTH)),
            entry(Role.SHORTCUT, new Row(RELU, Fan.IN, Factor.TRUNK)),
            entry(Role.BRANCH_LAST, new Row(RELU, Fan.IN, Factor.BRANCH_END)),
            entry(Role.PROJECT, new Row(LINEAR, Fan.IN, Factor.BRANCH_END)),
            entry(Role.CLASSIFIER, new Row(LINEAR, Fan.IN, Factor.ZERO)));

    /** The row of a layer's role (a norm layer carries the role of its conv). */
    static Row row(Layer layer) {
        return RULE.get(layer.role());
    }

    /**
     * The factor that applies to this layer: its row's, except that {@link Factor#DEPTH} and {@link
     * Factor#BRANCH_END} apply only on a residual branch (MobileNetV2's blocks without a skip have none).
     */
    static Factor factor(Layer layer) {
        Factor f = row(layer).factor();
        boolean branchOnly = f == Factor.DEPTH || f == Factor.BRANCH_END;
        return branchOnly && !layer.residual() ? Factor.NONE : f;
    }
}
