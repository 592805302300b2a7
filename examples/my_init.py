"""The seed benchmark's custom_init.py, reduced to what initbench runs: ``initialize_weights``.

Run it with ``./initbench train --init torch:examples/my_init.py ...`` (or ``sweep``, ``inspect``,
``export``). initbench builds the PyTorch twin of the run's model (so every parameter starts at
PyTorch's default), seeds torch with the run's init seed, imports this file without running its
``main``, calls ``initialize_weights(model, config)`` and loads every parameter into its own model.
This is the seed's baseline rule: He normal with fan_out on convs, BN weight 1 and bias 0, the
classifier N(0, 0.01^2) with zero bias.
"""

import argparse
import os

import torch
import torch.nn as nn


def initialize_weights(model, config):
    """Initialize every parameter of ``model``.

    config: {"arch": str, "num_classes": int, "depth": int (number of Conv2d + Linear layers)}.
    """
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0.0, 0.01)
            nn.init.zeros_(m.bias)


def main():
    """The seed's own entry point; initbench never runs it."""
    parser = argparse.ArgumentParser(description="CV weight initialization benchmark")
    parser.add_argument("--arch", default="resnet20")
    parser.add_argument("--dataset", default="cifar10")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    raise SystemExit(f"this file holds only initialize_weights; train {args.arch} on {args.dataset} with"
                     f" initbench: ./initbench train --arch {args.arch} --dataset {args.dataset}"
                     f" --init torch:{os.path.basename(__file__)} --seed {args.seed}")


if __name__ == "__main__":
    main()
