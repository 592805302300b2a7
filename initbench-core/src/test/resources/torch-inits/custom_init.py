"""A stand-in for the seed benchmark's custom_init.py: the same shape (imports, a model helper,
initialize_weights, an argparse main under the __main__ guard), with the seed's kaiming_normal baseline.

Usage (never by initbench, which imports the file and calls initialize_weights only):
    python custom_init.py --arch resnet20 --dataset cifar10 --seed 42
"""

import argparse
import math
import os

import torch
import torch.nn as nn


def build_model(arch, num_classes):
    """The seed builds its models here; initbench builds its own twin instead and never calls this."""
    raise RuntimeError(f"build_model({arch!r}, {num_classes}) must not run under initbench")


def initialize_weights(model, config):
    """kaiming_normal_ (fan_out, relu) on every Conv2d; BN weight 1, bias 0; Linear N(0, 0.01), bias 0."""
    assert config["depth"] == sum(isinstance(m, (nn.Conv2d, nn.Linear)) for m in model.modules())
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0, 0.01)
            nn.init.zeros_(m.bias)


def main():
    parser = argparse.ArgumentParser(description="CV weight initialization benchmark")
    parser.add_argument("--arch", required=True)
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--data-dir", default=os.environ.get("DATA_DIR", "/data"))
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    model = build_model(args.arch, 100 if args.dataset == "cifar100" else 10)
    initialize_weights(model, {"arch": args.arch, "num_classes": 10, "depth": math.inf})


if __name__ == "__main__":
    main()
