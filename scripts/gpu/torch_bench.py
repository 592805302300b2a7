"""Eager PyTorch reference for `initbench bench --device gpu`: the same CIFAR ResNet-6n+2 (projection
shortcuts, option B), the same train step (train-mode BN, mean cross-entropy, SGD momentum 0.9,
weight decay 5e-4), fp32, NCHW, batch 128 of random data, on one GPU; warm-up excluded, a sync
only at the end of each repetition. Prints one JSON object.

usage: python3 torch_bench.py [--arch resnet20,resnet56] [--batch-size 128] [--warmup 20]
                              [--steps 100] [--repeats 3] [--device cuda] [--cudnn-benchmark]
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Basic(nn.Module):
    def __init__(self, cin, c, stride):
        super().__init__()
        self.c1 = nn.Conv2d(cin, c, 3, stride, 1, bias=False)
        self.b1 = nn.BatchNorm2d(c)
        self.c2 = nn.Conv2d(c, c, 3, 1, 1, bias=False)
        self.b2 = nn.BatchNorm2d(c)
        self.sc = None
        if stride != 1 or cin != c:
            self.sc = nn.Sequential(nn.Conv2d(cin, c, 1, stride, 0, bias=False), nn.BatchNorm2d(c))

    def forward(self, x):
        y = F.relu(self.b1(self.c1(x)))
        y = self.b2(self.c2(y))
        return F.relu(y + (x if self.sc is None else self.sc(x)))


def resnet(depth, classes):
    n = (depth - 2) // 6
    layers = [nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU()]
    cin = 16
    for s, c in enumerate([16, 32, 64]):
        for b in range(n):
            layers.append(Basic(cin, c, 2 if (s > 0 and b == 0) else 1))
            cin = c
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, classes)]
    return nn.Sequential(*layers)


# The seed's cells, as `initbench bench` chooses them: resnet56 on CIFAR-100, resnet20 on CIFAR-10.
MODELS = {"resnet20": (20, 10), "resnet32": (32, 10), "resnet44": (44, 10), "resnet56": (56, 100),
          "resnet110": (110, 10)}


def measure(arch, a, dev):
    depth, classes = MODELS[arch]
    model = resnet(depth, classes).to(dev).train()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    x = torch.randn(a.batch_size, 3, 32, 32, device=dev)
    y = torch.arange(a.batch_size, device=dev) % classes

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    for _ in range(a.warmup):
        step()
    torch.cuda.synchronize() if dev.type == "cuda" else None
    rates = []
    for _ in range(a.repeats):
        t = time.perf_counter()
        for _ in range(a.steps):
            loss = step()
        loss.item()  # waits for the last step
        rates.append(a.steps * a.batch_size / (time.perf_counter() - t))
    return {"arch": arch, "train": {"median": statistics.median(rates), "min": min(rates), "max": max(rates),
                                    "repeats": a.repeats}}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--arch", default="resnet20,resnet56")
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--device", default="cuda")
    p.add_argument("--cudnn-benchmark", action="store_true")
    a = p.parse_args()
    archs = a.arch.split(",")
    unknown = [x for x in archs if x not in MODELS]
    if unknown:
        p.error("unknown arch %s (known: %s)" % (",".join(unknown), ",".join(MODELS)))
    dev = torch.device(a.device)
    if dev.type == "cuda" and not torch.cuda.is_available():
        p.error("--device cuda: this torch sees no GPU")
    torch.backends.cudnn.benchmark = a.cudnn_benchmark
    env = {"torch": torch.__version__, "cuda": torch.version.cuda,
           "cudnn": torch.backends.cudnn.version() if dev.type == "cuda" else None,
           "device": torch.cuda.get_device_name(dev) if dev.type == "cuda" else "cpu",
           "cudnn_benchmark": a.cudnn_benchmark, "threads": torch.get_num_threads()}
    print(json.dumps({"environment": env, "config": vars(a), "results": [measure(x, a, dev) for x in archs]},
                     indent=1))


if __name__ == "__main__":
    main()
