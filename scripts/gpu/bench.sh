#!/usr/bin/env bash
# GPU throughput in one call: `initbench bench --device gpu` and eager PyTorch on the same GPU, then
# the ratio initbench / eager per arch. Run it from the GPU kit (bench/bench.sh) after
# scripts/build-jni.sh, or from the repository with INITBENCH pointing at a launcher.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: bench.sh [--arch resnet20,resnet56] [--batch-size 128] [--steps 100] [--repeats 3]
                [--warmup 20] [--out DIR] [--python PY] [--device gpu|cpu]

Writes DIR/initbench.json, DIR/initbench.md, DIR/torch.json and DIR/summary.md (default DIR:
bench-gpu-<date>). Env: INITBENCH (the launcher; default: the kit's bin/initbench, else ./initbench).
--device cpu runs both sides on the CPU (a check of the tooling on a machine without a GPU).
USAGE
}

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ARCH=resnet20,resnet56; BATCH=128; STEPS=100; REPEATS=3; WARMUP=20; PY=python3; DEVICE=gpu
OUT="bench-gpu-$(date -u +%Y%m%dT%H%M%SZ)"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --arch) ARCH="$2"; shift 2 ;;
    --batch-size) BATCH="$2"; shift 2 ;;
    --steps) STEPS="$2"; shift 2 ;;
    --repeats) REPEATS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --python) PY="$2"; shift 2 ;;
    --device) DEVICE="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done
if [[ -z ${INITBENCH:-} ]]; then
  if [[ -x $HERE/../bin/initbench ]]; then INITBENCH="$HERE/../bin/initbench"; else INITBENCH=./initbench; fi
fi
TORCH_DEVICE=cuda; [[ $DEVICE == cpu ]] && TORCH_DEVICE=cpu
mkdir -p "$OUT"

command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader \
  | tee "$OUT/gpu.txt"
echo "== initbench bench --device $DEVICE ($ARCH, batch $BATCH)"
"$INITBENCH" bench --device "$DEVICE" --arch "$ARCH" --batch-size "$BATCH" --warmup "$WARMUP" --steps "$STEPS" \
  --repeats "$REPEATS" --inits "" --json "$OUT/initbench.json" --markdown "$OUT/initbench.md"
echo "== eager PyTorch on $TORCH_DEVICE"
TORCH_BENCH="$HERE/torch_bench_gpu.py"  # in the kit: beside this script; in the repository: pytorch/
[[ -f $TORCH_BENCH ]] || TORCH_BENCH="$HERE/../../pytorch/torch_bench_gpu.py"
"$PY" "$TORCH_BENCH" --arch "$ARCH" --batch-size "$BATCH" --warmup "$WARMUP" --steps "$STEPS" \
  --repeats "$REPEATS" --device "$TORCH_DEVICE" > "$OUT/torch.json"

"$PY" - "$OUT" <<'PY'
import json, sys
out = sys.argv[1]
ib = json.load(open(out + "/initbench.json"))
pt = json.load(open(out + "/torch.json"))
torch_rate = {r["arch"]: r["train"] for r in pt["results"]}
lines = ["| arch | initbench train img/s | eager PyTorch img/s | ratio (medians) |", "|---|---|---|---|"]
for r in ib["results"]:
    a, t = r["train"], torch_rate.get(r["arch"])
    if t is None:
        continue
    lines.append("| %s | %.0f [%.0f–%.0f] | %.0f [%.0f–%.0f] | %.2f× |" % (
        r["arch"], a["median"], a["min"], a["max"], t["median"], t["min"], t["max"], a["median"] / t["median"]))
env = "initbench: %s; PyTorch: %s" % (json.dumps(ib["environment"]), json.dumps(pt["environment"]))
text = "\n".join(lines) + "\n\n" + env + "\n"
open(out + "/summary.md", "w").write(text)
print(text)
PY
