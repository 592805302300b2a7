"""The bf16 study's registered statistics (design.md) from a report's results.csv:

    python3 docs/research/bf16/stats.py docs/research/bf16/results/zen5/results.csv

Equivalence cell (width 0.5, 8 epochs): mean best test accuracy per precision, their difference, the pooled SE
sqrt(s_fp32^2/n + s_bf16^2/n) and the bar max(1, 2.5 SE); the paired differences by seed with their 95% t
interval; how many seeds land within 1 point. Demo grid (width 1, 3 epochs): each precision's ranking of the
inits and every pair whose order differs, with the fp32 means and spreads that say whether a flip is noise.
"""
import csv
import math
import statistics
import sys
from collections import defaultdict

T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262}


def main(path):
    best = defaultdict(dict)  # (cell, init, precision) -> {seed: best}
    for r in csv.DictReader(open(path)):
        if r["status"] != "done":
            continue
        cell = "equivalence" if r["epochs"] == "8" else "demo"
        prec = "bf16" if "precision=bf16" in r["column"] else "fp32"
        best[(cell, r["init_id"], prec)][int(r["seed"])] = float(r["best_test_acc_pct"])
    eq32, eq16 = best[("equivalence", "kaiming-normal", "fp32")], best[("equivalence", "kaiming-normal", "bf16")]
    n32, n16 = len(eq32), len(eq16)
    if n32 > 1 and n16 > 1:
        m32, m16 = statistics.mean(eq32.values()), statistics.mean(eq16.values())
        s32, s16 = statistics.stdev(eq32.values()), statistics.stdev(eq16.values())
        se = math.sqrt(s32 ** 2 / n32 + s16 ** 2 / n16)
        bar = max(1.0, 2.5 * se)
        diff = m16 - m32
        print(f"equivalence: fp32 {m32:.2f} ± {s32:.2f} (n={n32}), bf16 {m16:.2f} ± {s16:.2f} (n={n16})")
        print(f"  mean bf16 - fp32 = {diff:+.2f} pp; SE {se:.2f}; bar max(1, 2.5 SE) = {bar:.2f};"
              f" {'holds' if abs(diff) <= bar else 'FAILS'}")
        seeds = sorted(set(eq32) & set(eq16))
        d = [eq16[s] - eq32[s] for s in seeds]
        if len(d) > 1:
            md, sd = statistics.mean(d), statistics.stdev(d)
            h = T975[len(d) - 1] * sd / math.sqrt(len(d))
            print(f"  paired by seed {seeds}: " + ", ".join(f"{x:+.2f}" for x in d)
                  + f"; mean {md:+.2f}, 95% t interval [{md - h:+.2f}, {md + h:+.2f}];"
                  + f" within 1 pp: {sum(abs(x) <= 1 for x in d)} of {len(d)}")
    for prec in ("fp32", "bf16"):
        rows = [(statistics.mean(v.values()), init, v) for (cell, init, p), v in best.items()
                if cell == "demo" and p == prec and v]
        rows.sort(reverse=True)
        print(f"demo {prec}: " + " > ".join(
            f"{init} {m:.2f}" + (f" ± {statistics.stdev(v.values()):.2f}" if len(v) > 1 else "")
            + f" (n={len(v)})" for m, init, v in rows))
    rank = {}
    for prec in ("fp32", "bf16"):
        means = {init: statistics.mean(v.values()) for (c, init, p), v in best.items() if c == "demo" and p == prec}
        rank[prec] = means
    inits = sorted(set(rank["fp32"]) & set(rank["bf16"]))
    for i, a in enumerate(inits):
        for b in inits[i + 1:]:
            f = rank["fp32"][a] - rank["fp32"][b]
            g = rank["bf16"][a] - rank["bf16"][b]
            if f * g < 0:
                sa = statistics.stdev(best[("demo", a, "fp32")].values())
                sb = statistics.stdev(best[("demo", b, "fp32")].values())
                print(f"  order differs: {a} vs {b}: fp32 {f:+.2f} pp (sds {sa:.2f}, {sb:.2f}), bf16 {g:+.2f} pp;"
                      + (" within the fp32 spread: noise" if abs(f) <= max(sa, sb) else " beyond the spread: a change"))


if __name__ == "__main__":
    main(sys.argv[1])
