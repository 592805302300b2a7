#!/usr/bin/env bash
# The Java side of docs/results/training-equivalence.md: the same runs as pytorch/run_torch_reference.sh,
# trained by initbench. Usage: pytorch/run_java_equivalence.sh [THREADS]  (default 2)
# Runs from a snapshot of the built CLI so that editing sources meanwhile does not trigger a rebuild.
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS="${1:-2}"
OUT=docs/results/training-equivalence/java
SNAP="$(mktemp -d)"
./mvnw -q -B -DskipTests package
cp -r initbench-cli/target/initbench-cli-0.1.0-SNAPSHOT.jar initbench-cli/target/lib "$SNAP/"
TCMALLOC=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4
[ -f "$TCMALLOC" ] && export LD_PRELOAD="$TCMALLOC"
ib() { java -Dai.djl.offline=true -Dinitbench.home="$PWD" -jar "$SNAP/initbench-cli-0.1.0-SNAPSHOT.jar" "$@"; }
mkdir -p "$OUT"
for init in pytorch-default kaiming-normal; do
  ib train --arch resnet20 --dataset fashion-mnist --data-dir /usr/share/datasets --seed 42 --epochs 3 \
     --init "$init" --threads "$THREADS" --out "$OUT/a-resnet20-$init-s42" --force > "$OUT/a-resnet20-$init-s42.log" 2>&1
done
for seed in 0 1 2 3 4; do
  ib train --arch resnet20 --dataset fashion-mnist --data-dir /usr/share/datasets --seed "$seed" --epochs 8 \
     --train-subset 6000 --test-subset 2000 --init pytorch-default --threads "$THREADS" \
     --out "$OUT/b-resnet20-pytorch-default-s$seed" --force > "$OUT/b-resnet20-pytorch-default-s$seed.log" 2>&1
done
rm -rf "$SNAP"
