package org.initbench.init;

import org.initbench.model.Network;

/**
 * What the seed's {@code initialize_weights(model, config)} receives besides the model.
 *
 * @param arch architecture id
 * @param numClasses number of classes
 * @param depth number of Conv2d plus Linear layers
 * @param inChannels input image channels
 * @param residualBlocks number of residual blocks (Fixup's L; 0 for plain nets)
 */
public record InitConfig(String arch, int numClasses, int depth, int inChannels, int residualBlocks) {

    public static InitConfig of(Network net) {
        return new InitConfig(net.arch(), net.numClasses(), net.depth(), net.inChannels(),
                net.residualBlockCount());
    }
}
