#!/usr/bin/env bash
# Runs (or resumes) the new-methods study's sweeps in the registered order (design.md); THREADS (default 1) and
# WORKERS (default 2) are passed on; extra arguments name a subset. Runs live in docs/research/new-methods/runs/,
# finished ones are committed (checkpoints are not), so the study resumes on a fresh clone. The baselines are
# the fidelity study's rungs resnet56-r3-long, mobilenetv2-long and vgg16-long (docs/research/fidelity/run.sh).
set -euo pipefail
cd "$(dirname "$0")/../../.."
ORDER=(resnet56-long mobilenetv2-long vgg16-long resnet56-alpha-long resnet56-alpha-none-long mobilenetv2-alpha-long
  resnet56-learned-long mobilenetv2-learned-long vgg16-learned-long)
for name in "${@:-${ORDER[@]}}"; do
  ./initbench sweep "docs/research/new-methods/sweeps/$name.yaml" --out "docs/research/new-methods/runs/$name" \
    --workers "${WORKERS:-2}" --threads "${THREADS:-1}"
done
