"""torch.nn.init.orthogonal_ as initbench's orthogonal: gain 1, every Conv2d and Linear; biases 0; BN 1/0."""
import torch.nn as nn


def initialize_weights(model, config):
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.orthogonal_(m.weight, gain=1.0)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
