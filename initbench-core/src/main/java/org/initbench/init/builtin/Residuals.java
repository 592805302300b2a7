package org.initbench.init.builtin;

import org.initbench.model.Layer;
import org.initbench.model.Role;

/** Where a residual branch ends, for the schemes that treat it specially. */
final class Residuals {
    private Residuals() {}

    /**
     * Whether the conv ends a residual branch (ResNet conv2, MobileNetV2 projection of a block with a
     * skip), or the norm normalizes such a conv (a norm carries its conv's role). Shortcut
     * projections and the projections of blocks without a skip are not branch ends.
     */
    static boolean endsBranch(Layer layer) {
        return layer.residual() && (layer.role() == Role.BRANCH_LAST || layer.role() == Role.PROJECT);
    }
}
