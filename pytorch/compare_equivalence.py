#!/usr/bin/env python3
"""Tables for docs/results/training-equivalence.md from both sides' run files.

PyTorch side: docs/results/torch-reference/<name>.json (pytorch/torch_train_reference.py --out).
Java side:    docs/results/training-equivalence/java/<name>/{metrics.jsonl,result.json} (initbench train --out).
Run: /usr/bin/python3 pytorch/compare_equivalence.py  (plain python3 works too: no third-party modules).
"""
import json
import math
import os
import statistics

ROOT = os.path.join(os.path.dirname(__file__), "..", "docs", "results")
TORCH = os.path.join(ROOT, "torch-reference")
JAVA = os.path.join(ROOT, "training-equivalence", "java")


def torch_run(name):
    with open(os.path.join(TORCH, name + ".json")) as f:
        r = json.load(f)
    return {
        "test_acc": [e["test_acc"] for e in r["epochs"]],
        "train_loss": [e["train_loss"] for e in r["epochs"]],
        "best": r["best_test_acc"],
        "final": r["final_test_acc"],
        "img_s": r["median_train_img_s"],
        "rss": r["peak_rss_mib"],
    }


def java_run(name):
    d = os.path.join(JAVA, name)
    with open(os.path.join(d, "metrics.jsonl")) as f:
        ms = [json.loads(line) for line in f if line.strip()]
    with open(os.path.join(d, "result.json")) as f:
        r = json.load(f)
    return {
        "test_acc": [m["testAcc"] for m in ms],
        "train_loss": [m["trainLoss"] for m in ms],
        "best": r["bestTestAcc"],
        "final": r["finalTestAcc"],
        "img_s": r["trainImagesPerSecond"],
        "rss": r["peakRssMib"],
    }


def pct(x):
    return f"{100 * x:.2f}"


def table_a():
    print("| init | side | train loss per epoch | test acc per epoch (%) | best (%) | train img/s | peak RSS (MiB) |")
    print("|---|---|---|---|---|---|---|")
    for init in ("pytorch-default", "kaiming-normal"):
        name = f"a-resnet20-{init}-s42"
        for side, load in (("PyTorch", torch_run), ("initbench", java_run)):
            r = load(name)
            print(f"| {init} | {side} | {' / '.join(f'{v:.4f}' for v in r['train_loss'])} | "
                  f"{' / '.join(pct(v) for v in r['test_acc'])} | {pct(r['best'])} | {r['img_s']:.0f} | {r['rss']:.0f} |")


def table_b():
    seeds = range(5)
    t = [torch_run(f"b-resnet20-pytorch-default-s{s}") for s in seeds]
    j = [java_run(f"b-resnet20-pytorch-default-s{s}") for s in seeds]
    print("| seed | PyTorch best (%) | initbench best (%) |")
    print("|---|---|---|")
    for s, a, b in zip(seeds, t, j):
        print(f"| {s} | {pct(a['best'])} | {pct(b['best'])} |")
    tb = [100 * r["best"] for r in t]
    jb = [100 * r["best"] for r in j]
    mt, mj = statistics.mean(tb), statistics.mean(jb)
    st, sj = statistics.stdev(tb), statistics.stdev(jb)
    se = math.sqrt(st ** 2 / len(tb) + sj ** 2 / len(jb))
    bound = max(1.5, 2.5 * se)
    print(f"| mean ± std | {mt:.2f} ± {st:.2f} | {mj:.2f} ± {sj:.2f} |")
    print()
    print(f"Difference of means (initbench − PyTorch): {mj - mt:+.2f} points; pooled standard error "
          f"{se:.2f}; criterion max(1.5, 2.5 × SE) = {bound:.2f} points: "
          f"{'**agree**' if abs(mj - mt) <= bound else '**DISAGREE**'}.")
    print(f"Median train img/s over the 5 runs: PyTorch {statistics.median(r['img_s'] for r in t):.0f}, "
          f"initbench {statistics.median(r['img_s'] for r in j):.0f}; peak RSS (MiB): PyTorch "
          f"{max(r['rss'] for r in t):.0f}, initbench {max(r['rss'] for r in j):.0f}.")


if __name__ == "__main__":
    print("### (a) Full FashionMNIST, ResNet-20, seed 42, 3 epochs\n")
    table_a()
    print("\n### (b) 6,000 / 2,000 class-balanced subsets, ResNet-20, pytorch-default, 8 epochs, 5 seeds\n")
    table_b()
