#!/usr/bin/python3
"""Independent eager-PyTorch reference for initbench's training recipe.

What it is
    A single-file PyTorch implementation of the benchmark recipe of the initbench design
    (§3 models, §4 data, §5 training), written independently of the Java/DJL code. Its numbers
    (parameter counts, accuracy after a fixed budget) are the yardstick the Java
    implementation is checked against.

Recipe
    Models  resnet20/32/44/56/110 (CIFAR ResNet-6n+2, projection "option B" shortcuts),
            vgg11bn/13bn/16bn/19bn (conv with bias + BN + ReLU, one Linear(512, classes)),
            mobilenetv2 (torchvision table, stride-1 stem and stage 2, no dropout).
            BN eps 1e-5, momentum 0.1; all convs bias-free except VGG's.
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
    /usr/bin/python3 bench/torch_train_reference.py --arch resnet20 --init kaiming-normal \\
        --seed 42 --epochs 3 --out result.json
    /usr/bin/python3 bench/torch_train_reference.py --print-params
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

DATASETS = {  # name -> (in_channels, classes)
    "fashion-mnist": (1, 10), "mnist": (1, 10), "cifar10": (3, 10), "cifar100": (3, 100)}
VGG_CFG = {
    "vgg11bn": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "vgg13bn": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "vgg16bn": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M",
                512, 512, 512, "M"],
    "vgg19bn": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M",
                512, 512, 512, 512, "M"],
}
RESNET_DEPTHS = {"resnet20": 20, "resnet32": 32, "resnet44": 44, "resnet56": 56, "resnet110": 110}
ARCHS = list(RESNET_DEPTHS) + list(VGG_CFG) + ["mobilenetv2"]


# ----------------------------------------------------------------------------- models
class BasicBlock(nn.Module):
    """conv3x3-BN-ReLU-conv3x3-BN + shortcut, ReLU; 1x1 conv + BN shortcut on shape change."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                          nn.BatchNorm2d(cout))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class CifarResNet(nn.Module):
    """ResNet-(6n+2) for 32x32 inputs (He et al. 2016), projection shortcuts (option B)."""

    def __init__(self, depth, in_ch, classes):
        super().__init__()
        assert (depth - 2) % 6 == 0
        n = (depth - 2) // 6
        self.stem = nn.Sequential(nn.Conv2d(in_ch, 16, 3, 1, 1, bias=False),
                                  nn.BatchNorm2d(16), nn.ReLU(inplace=True))
        blocks, cin = [], 16
        for cout, stride in ((16, 1), (32, 2), (64, 2)):
            for i in range(n):
                blocks.append(BasicBlock(cin, cout, stride if i == 0 else 1))
                cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(64, classes)

    def forward(self, x):
        x = self.blocks(self.stem(x))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class VGGBN(nn.Module):
    """VGG-BN for CIFAR: conv3x3 (bias) - BN - ReLU, 2x2 max-pools, one Linear(512, classes)."""

    def __init__(self, cfg, in_ch, classes):
        super().__init__()
        layers, cin = [], in_ch
        for v in cfg:
            if v == "M":
                layers.append(nn.MaxPool2d(2, 2))
            else:
                layers += [nn.Conv2d(cin, v, 3, 1, 1, bias=True), nn.BatchNorm2d(v),
                           nn.ReLU(inplace=True)]
                cin = v
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(512, classes)

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


def make_divisible(v, divisor=8, min_value=None):
    """torchvision's _make_divisible: round to a multiple of divisor, never below 90% of v."""
    min_value = min_value or divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


def conv_bn(cin, cout, k, stride, groups=1, act=True):
    layers = [nn.Conv2d(cin, cout, k, stride, (k - 1) // 2, groups=groups, bias=False),
              nn.BatchNorm2d(cout)]
    return layers + [nn.ReLU6(inplace=True)] if act else layers


class InvertedResidual(nn.Module):
    """[1x1 expand-BN-ReLU6] - 3x3 depthwise-BN-ReLU6 - 1x1 project-BN; add iff s=1, in=out."""

    def __init__(self, cin, cout, stride, t):
        super().__init__()
        hidden = int(round(cin * t))
        layers = conv_bn(cin, hidden, 1, 1) if t != 1 else []
        layers += conv_bn(hidden, hidden, 3, stride, groups=hidden)
        layers += conv_bn(hidden, cout, 1, 1, act=False)
        self.conv = nn.Sequential(*layers)
        self.use_res = stride == 1 and cin == cout

    def forward(self, x):
        return x + self.conv(x) if self.use_res else self.conv(x)


class MobileNetV2(nn.Module):
    """torchvision MobileNetV2 adapted to 32x32: stem stride 1, stage (6,24,2) stride 1."""

    SETTINGS = [(1, 16, 1, 1), (6, 24, 2, 1), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
                (6, 160, 3, 2), (6, 320, 1, 1)]

    def __init__(self, in_ch, classes, width=1.0):
        super().__init__()
        cin = make_divisible(32 * width)
        last = make_divisible(1280 * max(1.0, width))
        layers = conv_bn(in_ch, cin, 3, 1)
        for t, c, n, s in self.SETTINGS:
            cout = make_divisible(c * width)
            for i in range(n):
                layers.append(InvertedResidual(cin, cout, s if i == 0 else 1, t))
                cin = cout
        layers += conv_bn(cin, last, 1, 1)
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(last, classes)

    def forward(self, x):
        x = F.adaptive_avg_pool2d(self.features(x), 1)
        return self.classifier(torch.flatten(x, 1))


def build_model(arch, in_ch, classes, width=1.0):
    if arch in RESNET_DEPTHS:
        return CifarResNet(RESNET_DEPTHS[arch], in_ch, classes)
    if arch in VGG_CFG:
        return VGGBN(VGG_CFG[arch], in_ch, classes)
    if arch == "mobilenetv2":
        return MobileNetV2(in_ch, classes, width)
    raise ValueError(f"unknown arch {arch}")


def init_model(model, scheme):
    """Apply an init scheme in place ('pytorch-default' leaves the modules' own reset)."""
    if scheme == "pytorch-default":
        return
    if scheme != "kaiming-normal":
        raise ValueError(f"unknown init {scheme}")
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)


def param_count(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def model_depth(model):
    return sum(isinstance(m, (nn.Conv2d, nn.Linear)) for m in model.modules())


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
    model = build_model(args.arch, in_ch, classes, args.width)
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
        "params": param_count(model), "depth": model_depth(model),
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


PARAM_TABLE = [("resnet20", "cifar10"), ("resnet32", "cifar10"), ("resnet44", "cifar10"),
               ("resnet56", "cifar10"), ("resnet56", "cifar100"), ("resnet110", "cifar10"),
               ("vgg11bn", "cifar10"), ("vgg16bn", "cifar10"), ("vgg16bn", "cifar100"),
               ("vgg19bn", "cifar100"), ("mobilenetv2", "fashion-mnist"),
               ("mobilenetv2", "cifar10"), ("resnet20", "fashion-mnist")]


def print_params():
    print("# generated by bench/torch_train_reference.py --print-params "
          f"(torch {torch.__version__})")
    print(f"# width multiplier 1.0; params = trainable parameters; depth = #Conv2d + #Linear")
    print(f"{'arch':<12} {'dataset':<14} {'in_ch':>5} {'classes':>7} {'params':>11} {'depth':>5}")
    for arch, ds in PARAM_TABLE:
        in_ch, classes = DATASETS[ds]
        m = build_model(arch, in_ch, classes)
        print(f"{arch:<12} {ds:<14} {in_ch:>5} {classes:>7} {param_count(m):>11} "
              f"{model_depth(m):>5}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--arch", choices=ARCHS, default="resnet20")
    p.add_argument("--dataset", choices=list(DATASETS), default="fashion-mnist")
    p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist",
                   help="IDX files for (fashion-)mnist; the folder holding "
                        "cifar-10-batches-bin / cifar-100-binary for CIFAR")
    p.add_argument("--init", choices=["pytorch-default", "kaiming-normal"],
                   default="pytorch-default")
    p.add_argument("--width", type=float, default=1.0, help="MobileNetV2 width multiplier")
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
