#!/usr/bin/python3
"""Independent eager-PyTorch reference for initbench's training recipe.

What it is
    A single-file PyTorch implementation of the benchmark recipe of the initbench design
    (§3 models, §4 data, §5 training), written independently of the Java/DJL code. Its numbers
    (parameter counts, accuracy after a fixed budget) are the yardstick the Java
    implementation is checked against.

Recipe
    Models  the twins of initbench's architectures, initbench_torch/models.py (beside this
            script): resnet20/32/44/56/110 (CIFAR ResNet-6n+2, projection "option B" shortcuts),
            vgg11/13/16/19 (conv with bias + BN + ReLU, one Linear(512, classes); aliases
            vgg11bn..vgg19bn), mobilenetv2 (torchvision table, stride-1 stem and stage 2, no
            dropout), plaincnn; --norm as initbench's (default the arch's own), --branch-scalar too.
            BN eps 1e-5, momentum 0.1; all convs bias-free except VGG's and plaincnn's.
    Init    pytorch-default: the modules' own reset_parameters(), nothing else.
            kaiming-normal: every Conv2d/Linear weight kaiming_normal_(fan_out, relu),
            biases 0, BN weight 1 / bias 0. torch.manual_seed(seed) before building.
    Data    IDX .gz (fashion-mnist, mnist) or CIFAR binary, read with gzip + numpy.
            Per-channel mean/std (population) of pixels/255 over the FULL training split as
            stored (28x28 for the IDX sets). 28x28 images zero-padded (raw 0) to 32x32.
            --train-subset/--test-subset N: class-balanced (N/classes per class, remainder to
            the lowest classes), drawn with numpy default_rng(seed).
            Train augmentation (vectorized per batch): RandomCrop(32, padding 4, raw-0 fill)
            + horizontal flip p=0.5, then (x/255 - mean)/std. Shuffle every epoch. The last
            partial batch is kept unless it holds exactly one image.
            Shuffle/augmentation use default_rng(seed + 1), so the subset draw is separate.
    Train   mean cross-entropy; SGD(lr, momentum 0.9, weight_decay 5e-4 on every parameter,
            nesterov optional); CosineAnnealingLR(T_max=epochs) stepped once per epoch
            (lr_e = lr0 (1 + cos(pi e / E)) / 2). Evaluation on the test split (or subset)
            after every epoch, eval mode, no_grad, batch 256. NaN/Inf loss -> status
            "diverged".

How to run (Debian's python3-torch; the python3 first on PATH may lack torch)
    /usr/bin/python3 pytorch/torch_train_reference.py --arch resnet20 --init kaiming-normal \\
        --seed 42 --epochs 3 --out result.json
    /usr/bin/python3 pytorch/torch_train_reference.py --print-params
"""
import argparse
import gzip
import json
import math
import os
import resource
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from initbench_torch import models  # noqa: E402  (the twins of initbench's architectures)
from initbench_torch.models import param_count  # noqa: E402

ARCHS = models.ARCHS + list(models.ALIASES)
DATASETS = models.DATASETS


def init_model(model, scheme):
    """Apply an init scheme in place ('pytorch-default' leaves the modules' own reset)."""
    if scheme == "pytorch-default":
        return
    if scheme != "kaiming-normal":
        raise ValueError(f"unknown init {scheme}")
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            if hasattr(m, "weight_v"):
                raise ValueError("kaiming-normal here sets plain weights; use --norm bn or none")
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)


# ----------------------------------------------------------------------------- data
def read_idx(path):
    """Read an IDX file (.gz or raw): big-endian magic (0,0,dtype,ndim), ndim u32 dims."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    assert raw[0] == 0 and raw[1] == 0 and raw[2] == 0x08, f"{path}: not an unsigned-byte IDX"
    ndim = raw[3]
    dims = np.frombuffer(raw, dtype=">u4", count=ndim, offset=4).astype(int)
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def find_file(root, name):
    for cand in (name + ".gz", name):
        if os.path.exists(os.path.join(root, cand)):
            return os.path.join(root, cand)
    raise FileNotFoundError(f"{name}(.gz) not found in {root}")


def load_split(dataset, root, train):
    """Return (images uint8 N x C x H x W, labels int64) for one split, as stored."""
    if dataset in ("fashion-mnist", "mnist"):
        pre = "train" if train else "t10k"
        x = read_idx(find_file(root, f"{pre}-images-idx3-ubyte"))[:, None]
        y = read_idx(find_file(root, f"{pre}-labels-idx1-ubyte"))
        return x, y.astype(np.int64)
    if dataset == "cifar10":
        names = [f"data_batch_{i}.bin" for i in range(1, 6)] if train else ["test_batch.bin"]
        recs = np.concatenate([np.fromfile(os.path.join(root, "cifar-10-batches-bin", n),
                                           np.uint8).reshape(-1, 3073) for n in names])
        return recs[:, 1:].reshape(-1, 3, 32, 32), recs[:, 0].astype(np.int64)
    if dataset == "cifar100":  # record = coarse label, fine label, 3072 pixels
        recs = np.fromfile(os.path.join(root, "cifar-100-binary",
                                        "train.bin" if train else "test.bin"), np.uint8)
        recs = recs.reshape(-1, 3074)
        return recs[:, 2:].reshape(-1, 3, 32, 32), recs[:, 1].astype(np.int64)
    raise ValueError(f"unknown dataset {dataset}")


def channel_stats(x):
    """Per-channel mean and population std of x/255, exact, via a 256-bin histogram."""
    v = np.arange(256, dtype=np.float64) / 255.0
    mean, std = [], []
    for c in range(x.shape[1]):
        counts = np.bincount(x[:, c].ravel(), minlength=256).astype(np.float64)
        m = (counts * v).sum() / counts.sum()
        mean.append(m)
        std.append(math.sqrt((counts * (v - m) ** 2).sum() / counts.sum()))
    return np.array(mean, np.float32), np.array(std, np.float32)


def balanced_subset(labels, n, classes, rng):
    """Indices of a class-balanced subset of size n (remainder to the lowest classes)."""
    idx = []
    for c in range(classes):
        k = n // classes + (1 if c < n % classes else 0)
        pool = np.flatnonzero(labels == c)
        if k > len(pool):
            raise ValueError(f"class {c} has only {len(pool)} images, {k} requested")
        idx.append(rng.choice(pool, size=k, replace=False))
    return np.sort(np.concatenate(idx))


def pad_to_32(x):
    """Zero-pad (raw pixel 0) H x W images, centered, to 32 x 32."""
    ph, pw = 32 - x.shape[2], 32 - x.shape[3]
    if ph == 0 and pw == 0:
        return x
    return np.pad(x, ((0, 0), (0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2)))


def augment(batch, rng, pad=4):
    """RandomCrop(32, padding=pad, fill 0) + horizontal flip p=0.5, vectorized (uint8 in/out)."""
    b, c, h, w = batch.shape
    padded = np.pad(batch, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oy = rng.integers(0, 2 * pad + 1, size=b)
    ox = rng.integers(0, 2 * pad + 1, size=b)
    flip = rng.random(b) < 0.5
    rows = oy[:, None] + np.arange(h)                                  # b x h
    cols = ox[:, None] + np.arange(w)                                  # b x w
    cols = np.where(flip[:, None], cols[:, ::-1], cols)                # flip = reversed columns
    return padded[np.arange(b)[:, None, None, None], np.arange(c)[None, :, None, None],
                  rows[:, None, :, None], cols[:, None, None, :]]


def to_tensor(batch, mean, std):
    x = batch.astype(np.float32) / 255.0
    return torch.from_numpy((x - mean[None, :, None, None]) / std[None, :, None, None])


# ----------------------------------------------------------------------------- train / eval
def train_epoch(model, opt, x, y, mean, std, batch_size, rng):
    """One epoch; returns (mean loss, accuracy, images seen, seconds, diverged)."""
    model.train()
    perm = rng.permutation(len(y))
    loss_sum, correct, seen = 0.0, 0, 0
    t0 = time.perf_counter()
    for start in range(0, len(perm), batch_size):
        idx = perm[start:start + batch_size]
        if len(idx) == 1:  # a 1-image batch breaks train-mode BN: drop it
            continue
        inp = to_tensor(augment(x[idx], rng), mean, std)
        tgt = torch.from_numpy(y[idx])
        out = model(inp)
        loss = F.cross_entropy(out, tgt)
        lv = loss.item()
        if not math.isfinite(lv):
            return float("nan"), correct / max(seen, 1), seen, time.perf_counter() - t0, True
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        loss_sum += lv * len(idx)
        correct += (out.argmax(1) == tgt).sum().item()
        seen += len(idx)
    return loss_sum / seen, correct / seen, seen, time.perf_counter() - t0, False


@torch.no_grad()
def evaluate(model, x, y, mean, std, batch_size=256):
    model.eval()
    loss_sum, correct = 0.0, 0
    for start in range(0, len(y), batch_size):
        inp = to_tensor(x[start:start + batch_size], mean, std)
        tgt = torch.from_numpy(y[start:start + batch_size])
        out = model(inp)
        loss_sum += F.cross_entropy(out, tgt, reduction="sum").item()
        correct += (out.argmax(1) == tgt).sum().item()
    return loss_sum / len(y), correct / len(y)


def run(args):
    in_ch, classes = DATASETS[args.dataset]
    t_start = time.perf_counter()
    xtr, ytr = load_split(args.dataset, args.data_dir, True)
    xte, yte = load_split(args.dataset, args.data_dir, False)
    mean, std = channel_stats(xtr)                            # full train split, as stored
    sub_rng = np.random.default_rng(args.seed)
    if args.train_subset:
        keep = balanced_subset(ytr, args.train_subset, classes, sub_rng)
        xtr, ytr = xtr[keep], ytr[keep]
    if args.test_subset:
        keep = balanced_subset(yte, args.test_subset, classes, sub_rng)
        xte, yte = xte[keep], yte[keep]
    xtr, xte = pad_to_32(xtr), pad_to_32(xte)
    data_rng = np.random.default_rng(args.seed + 1)

    torch.manual_seed(args.seed)
    model = models.build(args.arch, in_ch, classes, args.width, args.norm, args.branch_scalar)
    init_model(model, args.init)
    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, weight_decay=5e-4,
                          nesterov=args.nesterov)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.epochs)
    print(f"{args.arch} {args.dataset} init={args.init} seed={args.seed} "
          f"train={len(ytr)} test={len(yte)} params={param_count(model)} "
          f"mean={mean.tolist()} std={std.tolist()}", flush=True)

    epochs, best, status = [], 0.0, "completed"
    for e in range(args.epochs):
        t0 = time.perf_counter()
        lr = opt.param_groups[0]["lr"]
        tr_loss, tr_acc, seen, tr_s, diverged = train_epoch(
            model, opt, xtr, ytr, mean, std, args.batch_size, data_rng)
        if diverged:
            status = "diverged"
            print(f"epoch {e + 1}: non-finite loss, stopping (diverged)", flush=True)
            break
        te_loss, te_acc = evaluate(model, xte, yte, mean, std)
        sched.step()
        best = max(best, te_acc)
        rec = {"epoch": e + 1, "lr": lr, "train_loss": tr_loss, "train_acc": tr_acc,
               "test_loss": te_loss, "test_acc": te_acc, "best_test_acc": best,
               "epoch_s": time.perf_counter() - t0, "train_img_s": seen / tr_s}
        epochs.append(rec)
        print(f"epoch {e + 1:3d}/{args.epochs} lr {lr:.4f} train loss {tr_loss:.4f} "
              f"acc {tr_acc:.4f} | test loss {te_loss:.4f} acc {te_acc:.4f} best {best:.4f} "
              f"| {rec['epoch_s']:.1f}s {rec['train_img_s']:.0f} img/s", flush=True)

    result = {
        "args": vars(args), "torch_version": torch.__version__, "numpy_version": np.__version__,
        "threads": torch.get_num_threads(), "interop_threads": torch.get_num_interop_threads(),
        "params": param_count(model), "depth": models.depth(model),
        "train_size": int(len(ytr)), "test_size": int(len(yte)),
        "norm_mean": mean.tolist(), "norm_std": std.tolist(),
        "epochs": epochs, "status": status, "best_test_acc": best,
        "final_test_acc": epochs[-1]["test_acc"] if epochs else None,
        "median_train_img_s": statistics.median(r["train_img_s"] for r in epochs) if epochs
        else None,
        "total_wall_s": time.perf_counter() - t_start,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w") as f:
            json.dump(result, f, indent=2)
    print(f"status {status} best {best:.4f} final {result['final_test_acc']} "
          f"wall {result['total_wall_s']:.0f}s peak RSS {result['peak_rss_mib']:.0f} MiB",
          flush=True)
    return result


PARAM_TABLE = [("resnet20", "cifar10", "bn"), ("resnet32", "cifar10", "bn"), ("resnet44", "cifar10", "bn"),
               ("resnet56", "cifar10", "bn"), ("resnet56", "cifar100", "bn"), ("resnet110", "cifar10", "bn"),
               ("vgg11", "cifar10", "bn"), ("vgg16", "cifar10", "bn"), ("vgg16", "cifar100", "bn"),
               ("vgg19", "cifar100", "bn"), ("mobilenetv2", "fashion-mnist", "bn"),
               ("mobilenetv2", "cifar10", "bn"), ("resnet20", "fashion-mnist", "bn"),
               ("resnet56", "cifar100", "none"), ("resnet56", "cifar100", "weightnorm"),
               ("vgg16", "cifar100", "none"), ("plaincnn", "cifar10", "none"),
               ("plaincnn", "cifar10", "weightnorm")]


def print_params():
    print("# generated by pytorch/torch_train_reference.py --print-params "
          f"(torch {torch.__version__})")
    print("# width multiplier 1.0; params = trainable parameters; depth = #Conv2d + #Linear")
    print(f"{'arch':<12} {'norm':<10} {'dataset':<14} {'in_ch':>5} {'classes':>7} {'params':>11} {'depth':>5}")
    for arch, ds, norm in PARAM_TABLE:
        in_ch, classes = DATASETS[ds]
        m = models.build(arch, in_ch, classes, 1.0, norm)
        print(f"{arch:<12} {norm:<10} {ds:<14} {in_ch:>5} {classes:>7} {param_count(m):>11} "
              f"{models.depth(m):>5}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--arch", choices=ARCHS, default="resnet20")
    p.add_argument("--dataset", choices=list(DATASETS), default="fashion-mnist")
    p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist",
                   help="IDX files for (fashion-)mnist; the folder holding "
                        "cifar-10-batches-bin / cifar-100-binary for CIFAR")
    p.add_argument("--init", choices=["pytorch-default", "kaiming-normal"],
                   default="pytorch-default")
    p.add_argument("--norm", choices=models.NORMS, help="norm variant; default the arch's own")
    p.add_argument("--branch-scalar", action="store_true",
                   help="a learned alpha at the end of every residual branch (initbench's --branch-scalar;"
                        " both inits here leave it at 1)")
    p.add_argument("--width", type=float, default=1.0, help="channel width multiplier (as initbench's --width)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--epochs", type=int, default=200)
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--nesterov", action="store_true")
    p.add_argument("--train-subset", type=int, default=0, help="0 = full training split")
    p.add_argument("--test-subset", type=int, default=0, help="0 = full test split")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--out", help="write the result JSON here")
    p.add_argument("--print-params", action="store_true",
                   help="print the reference parameter-count table and exit")
    args = p.parse_args(argv)
    torch.set_num_interop_threads(1)
    torch.set_num_threads(args.threads)
    if args.print_params:
        print_params()
        return 0
    run(args)  # a diverged run is a result (status "diverged"), not a failure
    return 0


if __name__ == "__main__":
    sys.exit(main())
