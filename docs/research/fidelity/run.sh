#!/usr/bin/env bash
# Runs (or resumes) the fidelity study's sweeps in the registered order (design.md, "Budget"); each sweep resumes
# where it stopped. THREADS (default 2) and WORKERS (default 1) are passed on; extra arguments name a subset.
# Runs live in docs/research/fidelity/runs/ and finished ones are committed (checkpoints are not: .gitignore),
# so the study resumes in a later session on a fresh clone.
set -euo pipefail
cd "$(dirname "$0")/../../.."
ORDER=(resnet56-r1-demo resnet56-r2-proxy resnet56-r3-long resnet56-r4-long-w1 vgg16-long vgg16-long-w1
  mobilenetv2-long mobilenetv2-long-w1 resnet56-r5-top)
for name in "${@:-${ORDER[@]}}"; do
  ./initbench sweep "docs/research/fidelity/sweeps/$name.yaml" --out "docs/research/fidelity/runs/$name" \
    --workers "${WORKERS:-1}" --threads "${THREADS:-2}"
done
