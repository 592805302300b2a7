#!/usr/bin/env bash
# Runs (or resumes) the bf16 study's sweeps in the registered order (design.md); THREADS (default 2) is passed on;
# extra arguments name a subset. Runs live in docs/research/bf16/runs/ and finished ones are committed
# (checkpoints are not: .gitignore), so the study resumes in a later session on a fresh clone. RUNS (default
# docs/research/bf16/runs) is where the run folders go: runs of one machine stay together (log.md, third session).
set -euo pipefail
cd "$(dirname "$0")/../../.."
mini=$(mktemp -d)   # a data root holding only the demo's shipped subset
trap 'rm -rf "$mini"' EXIT
ln -s "$PWD/data/fashion-mnist-mini" "$mini/fashion-mnist"
ORDER=(equivalence-fp32 equivalence-bf16 demo-fp32 demo-bf16)
for name in "${@:-${ORDER[@]}}"; do
  data=()
  [[ $name == demo-* ]] && data=(--data-dir "$mini")
  ./initbench sweep "docs/research/bf16/sweeps/$name.yaml" --out "${RUNS:-docs/research/bf16/runs}/$name" --workers 1 \
    --threads "${THREADS:-2}" "${data[@]}"
done
