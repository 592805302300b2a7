#!/usr/bin/python3
"""Eager-PyTorch throughput reference for `initbench bench --compare-torch`.

What it measures
    For each architecture, on random data of its dataset's shape (N x C x 32 x 32 Gaussian images,
    labels i % classes), the same training step as initbench's: train-mode forward, mean
    cross-entropy, loss.item() and the arg-max accuracy count, backward, torch.optim.SGD (momentum
    0.9, weight decay 5e-4 on every parameter); and the evaluation step (eval mode, no_grad, loss and
    accuracy count). Models are the twins in initbench_torch/models.py and the init
    (kaiming-normal, as the Java bench uses) is pytorch/torch_train_reference.py's, not duplicated here.

    With --precision bf16 the forward and the loss run under torch.autocast(device, dtype=torch.bfloat16)
    (PyTorch's own mixed precision: convolutions and linear layers in bf16 from fp32 weights, fp32
    gradients and optimizer), in both steps; fp32 (the default) runs without autocast.

    Warm-up steps are excluded; each rate is measured `--repeats` times over `--steps` steps and
    reported as median, min and max images/s. Threads: torch.set_num_threads(--threads), one
    inter-op thread.

Output
    One JSON document on stdout; progress on stderr.

How to run (Debian's python3-torch; the python3 first on PATH may lack torch)
    /usr/bin/python3 pytorch/torch_reference.py --arch resnet20,resnet56 --threads 2
"""
import argparse
import json
import os
import platform
import re
import resource
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from initbench_torch import models  # noqa: E402
from initbench_torch.models import DATASETS, param_count  # noqa: E402
from torch_train_reference import ARCHS, init_model  # noqa: E402

# The seed-000 benchmark cell of each arch, as `initbench bench` picks it.
SEED_DATASET = {"resnet56": "cifar100", "vgg16": "cifar100", "mobilenetv2": "fashion-mnist"}


def seed_dataset(arch):
    return SEED_DATASET.get(models.canonical_id(arch), "cifar10")


def rate_stats(rates):
    return {"median": statistics.median(rates), "min": min(rates), "max": max(rates),
            "repeats": len(rates)}


def measure(arch, dataset, args):
    in_ch, classes = DATASETS[dataset]
    torch.manual_seed(1)
    model = models.build(arch, in_ch, classes, args.width)
    init_model(model, "kaiming-normal")
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    x = torch.randn(args.batch_size, in_ch, 32, 32)
    y = torch.arange(args.batch_size) % classes

    def autocast():
        return torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.precision == "bf16")

    def train_step():
        model.train()
        with autocast():
            out = model(x)
            loss = F.cross_entropy(out, y)
        loss.item()
        (out.argmax(1) == y).sum().item()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    @torch.no_grad()
    def eval_step():
        model.eval()
        with autocast():
            out = model(x)
            F.cross_entropy(out, y).item()
        (out.argmax(1) == y).sum().item()

    def timed(step):
        rates = []
        for _ in range(args.repeats):
            t = time.perf_counter()
            for _ in range(args.steps):
                step()
            rates.append(args.steps * args.batch_size / (time.perf_counter() - t))
        return rate_stats(rates)

    for _ in range(args.warmup):
        train_step()
    train = timed(train_step)
    result = {"arch": arch, "dataset": dataset, "params": param_count(model),
              "batch_size": args.batch_size, "train": train}
    if not args.no_eval:
        for _ in range(args.warmup):
            eval_step()
        result["eval"] = timed(eval_step)
    return result


def blas_info():
    m = re.search(r"BLAS_INFO=([^,\s]+)", torch.__config__.show())
    return m.group(1) if m else "unknown"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--arch", default="resnet20,resnet56,vgg16,mobilenetv2",
                   help="comma-separated architectures")
    p.add_argument("--dataset", choices=list(DATASETS),
                   help="data shape for every arch; default each arch's seed-000 cell")
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--width", type=float, default=1.0, help="channel width multiplier (as initbench's --width)")
    p.add_argument("--no-eval", action="store_true", help="skip the evaluation step")
    p.add_argument("--precision", choices=["fp32", "bf16"], default="fp32",
                   help="bf16: forward and loss under torch.autocast(bfloat16), as initbench's --precision bf16")
    args = p.parse_args(argv)
    archs = [a for a in args.arch.split(",") if a]
    for a in archs:
        if a not in ARCHS:
            p.error(f"unknown arch {a}; known: {', '.join(ARCHS)}")
    if args.batch_size < 2 or args.steps < 1 or args.repeats < 1 or args.warmup < 0 or args.threads < 1:
        p.error("needs --batch-size >= 2, --steps >= 1, --repeats >= 1, --warmup >= 0, --threads >= 1")
    torch.set_num_interop_threads(1)
    torch.set_num_threads(args.threads)
    results = []
    for a in archs:
        print(f"torch_reference: measuring {a} ...", file=sys.stderr, flush=True)
        results.append(measure(a, args.dataset or seed_dataset(a), args))
    preload = os.environ.get("LD_PRELOAD", "")
    doc = {
        "environment": {
            "torch_version": torch.__version__, "python_version": platform.python_version(),
            "threads": torch.get_num_threads(), "interop_threads": torch.get_num_interop_threads(),
            "allocator": "tcmalloc" if "tcmalloc" in preload else "glibc",
            "mkldnn": torch.backends.mkldnn.is_available(),
            "blas": blas_info(),
            "precision": "bf16 (torch.autocast)" if args.precision == "bf16" else "fp32",
        },
        "config": {"batch_size": args.batch_size, "warmup": args.warmup, "steps": args.steps,
                   "repeats": args.repeats, "width": args.width, "precision": args.precision},
        "results": results,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }
    json.dump(doc, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
