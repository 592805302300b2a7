#!/usr/bin/env bash
# Copies a study's finished runs (those with result.json) from a working clone into this checkout's
# docs/research/<study>/runs/, without checkpoints, so they can be committed and a later session resumes the study.
# Usage: scripts/keep-study-runs.sh /path/to/clone <study>     e.g. scripts/keep-study-runs.sh /work/study2 bf16
set -euo pipefail
src="$1/docs/research/$2/runs"
dst="$(cd "$(dirname "$0")/.." && pwd)/docs/research/$2/runs"
[[ -d $src ]] || { echo "no runs under $src" >&2; exit 2; }
# every sweep folder (one holding sweep.json) under runs/, also nested ones such as runs/<machine>/<sweep>/
find "$src" -name sweep.json -printf '%h\n' | sort | while read -r dir; do
  sweep="$dir/"
  name=${dir#"$src"/}
  mkdir -p "$dst/$name"
  cp -p "$sweep/sweep.json" "$dst/$name/"
  [[ -d $sweep/init-files ]] && cp -rp "$sweep/init-files" "$dst/$name/"
  for run in "$sweep"*/; do
    [[ -f $run/result.json ]] || continue
    mkdir -p "$dst/$name/$(basename "$run")"
    find "$run" -maxdepth 1 -type f ! -name checkpoint.bin ! -name .lock -exec cp -p {} "$dst/$name/$(basename "$run")/" \;
  done
done
