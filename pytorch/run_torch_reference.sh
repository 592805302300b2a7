#!/usr/bin/env bash
# Reference measurements with the independent eager-PyTorch implementation
# (pytorch/torch_train_reference.py) that the Java/DJL trainer is checked against.
#
#   (a) ResNet-20, full FashionMNIST (60k/10k), seed 42, 3 epochs, pytorch-default and kaiming-normal
#   (b) ResNet-20, class-balanced 6,000/2,000 subset, 8 epochs, pytorch-default, seeds 0-4
#
# Runs are sequential; a run whose JSON already exists is skipped (delete it to redo).
# Usage: pytorch/run_torch_reference.sh [OUT_DIR]   (default docs/results/torch-reference)
# Env:   PYTHON (default /usr/bin/python3, Debian's python3-torch), THREADS (default 2),
#        DATA_DIR (default /usr/share/datasets/fashion-mnist),
#        OMP_WAIT_POLICY (default PASSIVE: OpenMP threads sleep instead of spinning at barriers;
#        same numbers, but on a shared 2-core machine spinning made training ~4x slower)
set -euo pipefail
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
cd "$(dirname "$0")/.."
PY=${PYTHON:-/usr/bin/python3}
OUT=${1:-docs/results/torch-reference}
THREADS=${THREADS:-2}
DATA_DIR=${DATA_DIR:-/usr/share/datasets/fashion-mnist}
mkdir -p "$OUT"

run() {  # run NAME ARGS...
  local name=$1; shift
  if [[ -f "$OUT/$name.json" ]]; then echo "skip $name (done)"; return; fi
  echo "=== $name  $(date -Is)"
  "$PY" pytorch/torch_train_reference.py --arch resnet20 --dataset fashion-mnist \
      --data-dir "$DATA_DIR" --threads "$THREADS" --out "$OUT/$name.json" "$@" \
      2>&1 | tee "$OUT/$name.log"
}

for init in pytorch-default kaiming-normal; do
  run "a-resnet20-$init-s42" --init "$init" --seed 42 --epochs 3
done
for seed in 0 1 2 3 4; do
  run "b-resnet20-pytorch-default-s$seed" --init pytorch-default --seed "$seed" --epochs 8 \
      --train-subset 6000 --test-subset 2000
done
echo "=== all done $(date -Is)"
