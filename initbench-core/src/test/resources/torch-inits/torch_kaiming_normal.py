"""torch.nn.init.kaiming_normal_ as initbench's kaiming-normal: fan_out, relu, every Conv2d and Linear; biases 0; BN 1/0."""
import torch.nn as nn


def initialize_weights(model, config):
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
