#!/usr/bin/env bash
# Runs (or resumes) the bf16 study's sweeps in the registered order (design.md); THREADS (default 2) is passed on.
set -euo pipefail
cd "$(dirname "$0")/../../.."
mkdir -p runs/bf16/mini-root
ln -sfn "$PWD/data/fashion-mnist-mini" runs/bf16/mini-root/fashion-mnist   # the demo's shipped subset
for name in equivalence-fp32 equivalence-bf16 demo-fp32 demo-bf16; do
  data=()
  [[ $name == demo-* ]] && data=(--data-dir runs/bf16/mini-root)
  ./initbench sweep "docs/research/bf16/sweeps/$name.yaml" --out "runs/bf16/$name" --workers 1 \
    --threads "${THREADS:-2}" "${data[@]}"
done
