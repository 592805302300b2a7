"""Summarizes an ONEDNN_VERBOSE=1 log (oneDNN 2.x or 3.x lines): per primitive, implementation and
direction, the number of calls and their logged time, the activation layouts the convolutions ran on, and the
reorders' share of the logged convolution + reorder time. Used to compare the kernels initbench (libtorch 2.7.1)
and eager PyTorch pick on one machine (docs/performance.md):

    ONEDNN_VERBOSE=1 ./initbench bench --arch resnet20 --steps 1 --repeats 1 --warmup 1 --inits "" \\
        | grep ^onednn_verbose > java.csv
    python3 scripts/onednn-summary.py java.csv
"""
import collections
import re
import sys


def rows(path):
    for line in open(path):
        f = line.rstrip("\n").split(",")
        if "exec" not in f[:4]:
            continue
        f = f[f.index("exec") + 1:]
        # engine, primitive, implementation, prop_kind, memory descriptors, attributes, [aux,] problem, time
        yield {"primitive": f[1], "impl": f[2], "prop": f[3], "mds": f[4], "ms": float(f[-1])}


def main(path):
    calls = collections.Counter()
    time = collections.Counter()
    layouts = collections.Counter()
    for r in rows(path):
        key = (r["primitive"], r["impl"], r["prop"])
        calls[key] += 1
        time[key] += r["ms"]
        if r["primitive"] == "convolution":
            m = re.search(r"src[_:](\w+)::blocked:(\w+)", r["mds"])
            if m:
                layouts[f"{m.group(1)} {m.group(2)}"] += 1
    total = sum(time.values())
    print(f"{path}: {sum(calls.values())} primitive calls, {total:.1f} ms logged")
    print("| primitive | implementation | direction | calls | ms | % of logged |")
    print("|---|---|---|---|---|---|")
    for key, ms in time.most_common():
        print(f"| {key[0]} | {key[1]} | {key[2]} | {calls[key]} | {ms:.1f} | {100 * ms / total:.0f} |")
    conv = sum(v for k, v in time.items() if k[0] == "convolution")
    reorder = sum(v for k, v in time.items() if k[0] == "reorder")
    n_reorder = sum(v for k, v in calls.items() if k[0] == "reorder")
    if conv + reorder:
        print(f"reorders: {n_reorder} calls, {100 * reorder / (conv + reorder):.0f}% of conv + reorder time")
    print("conv source layouts:", dict(layouts))


if __name__ == "__main__":
    for p in sys.argv[1:]:
        main(p)
        print()
