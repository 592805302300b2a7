"""Eager PyTorch reference for `initbench bench --device gpu`: the same models (the twins in
initbench_torch/models.py, beside this script), the same train step (train-mode BN, mean
cross-entropy, SGD momentum 0.9, weight decay 5e-4), fp32, NCHW, batch 128 of random data, on one GPU; warm-up excluded, a sync
only at the end of each repetition. Prints one JSON object.

usage: python3 torch_bench_gpu.py [--arch resnet20,resnet56] [--batch-size 128] [--warmup 20]
                              [--steps 100] [--repeats 3] [--device cuda] [--cudnn-benchmark]
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from initbench_torch import models  # noqa: E402  (the twins of initbench's architectures)

# The seed's cells, as `initbench bench` chooses them: resnet56 and vgg16 on CIFAR-100, mobilenetv2 on
# Fashion-MNIST, the others on CIFAR-10.
SEED_DATASET = {"resnet56": "cifar100", "vgg16": "cifar100", "mobilenetv2": "fashion-mnist"}


def measure(arch, a, dev):
    in_ch, classes = models.DATASETS[SEED_DATASET.get(models.canonical_id(arch), "cifar10")]
    model = models.build(arch, in_ch, classes).to(dev).train()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    x = torch.randn(a.batch_size, in_ch, 32, 32, device=dev)
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
    unknown = [x for x in archs if models.canonical_id(x) not in models.ARCHS]
    if unknown:
        p.error("unknown arch %s (known: %s)" % (",".join(unknown), ",".join(models.ARCHS)))
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
