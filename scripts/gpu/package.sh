#!/usr/bin/env bash
# Packages initbench for a GPU machine without Maven or a JDK: a small JRE (jlink), the CLI's jars,
# the DJL v0.35.1 JNI sources with their JNI header and the JDK's include/ (to build libdjl_torch.so
# there against its torch), the launcher and the GPU bench, in one tarball.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: scripts/gpu/package.sh [--out FILE] [--djl-git URL_OR_DIR] [--no-djl-src] [--skip-build]

  --out FILE         the tarball (default: target/initbench-gpu.tar.gz)
  --djl-git SRC      a DJL git repository, URL or local clone (default:
                     https://github.com/deepjavalibrary/djl.git); tag v0.35.1 is exported
  --no-djl-src       leave the JNI sources out (a kit that runs on the CPU engine only)
  --skip-build       use the jars already in initbench-cli/target
On the GPU machine:  tar xzf initbench-gpu.tar.gz && cd initbench-gpu
                     scripts/build-jni.sh            # against the torch that python3 imports
                     bin/initbench train --device gpu ...   |   bench/bench.sh
USAGE
}

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$ROOT/target/initbench-gpu.tar.gz"; DJL_GIT=https://github.com/deepjavalibrary/djl.git
DJL_TAG=v0.35.1; WITH_SRC=1; BUILD=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --djl-git) DJL_GIT="$2"; shift 2 ;;
    --no-djl-src) WITH_SRC=0; shift ;;
    --skip-build) BUILD=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "package.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done
die() { echo "package.sh: $*" >&2; exit 2; }

JAVAC=$(readlink -f "$(command -v javac)") || die "needs a JDK 17+ (javac, jlink, jdeps)"
JDK="$(dirname "$(dirname "$JAVAC")")"
CLI="$ROOT/initbench-cli/target"
if [[ $BUILD == 1 ]]; then (cd "$ROOT" && ./mvnw -q -B -DskipTests package); fi
JAR=$(find "$CLI" -maxdepth 1 -name 'initbench-cli-*.jar' ! -name '*-tests.jar' | head -1)
[[ -n $JAR && -d $CLI/lib ]] || die "no CLI jar in $CLI (run without --skip-build)"

STAGE=$(mktemp -d "${TMPDIR:-/tmp}/initbench-gpu.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
KIT="$STAGE/initbench-gpu"
mkdir -p "$KIT/lib" "$KIT/bin" "$KIT/scripts" "$KIT/bench"
cp "$JAR" "$KIT/lib/"
cp "$CLI"/lib/*.jar "$KIT/lib/"

# The modules the jars need (jdeps), plus those DJL loads reflectively.
MODULES=$("$JDK/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release 17 \
  --class-path "$CLI/lib/*" "$JAR" 2>/dev/null || true)
MODULES=$(echo "${MODULES:+$MODULES,}java.base,java.logging,java.management,jdk.unsupported,java.compiler" | tr , "\n" | sort -u | paste -sd, -)
"$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages --compress=2 \
  --output "$KIT/jre" 2> >(grep -v 'compress.*deprecated' >&2)

if [[ $WITH_SRC == 1 ]]; then
  SRC="$KIT/djlsrc"
  mkdir -p "$SRC"
  if [[ -d $DJL_GIT ]]; then GITDIR=$DJL_GIT; else
    GITDIR="$STAGE/djl.git"
    git clone -q --bare --depth 1 --branch "$DJL_TAG" "$DJL_GIT" "$GITDIR" || die "cannot clone $DJL_GIT"
  fi
  GD=$(git -C "$GITDIR" rev-parse --absolute-git-dir) || die "$GITDIR is not a git repository"
  git --git-dir="$GD" archive "$DJL_TAG" \
      engines/pytorch/pytorch-native api/src/main/native \
      engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java | tar -x -C "$SRC"
  mkdir -p "$STAGE/classes" "$SRC/engines/pytorch/pytorch-native/build/include"
  "$JDK/bin/javac" -h "$SRC/engines/pytorch/pytorch-native/build/include" -d "$STAGE/classes" \
    -cp "$CLI/lib/*" "$SRC/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java"
  cp -r "$JDK/include" "$SRC/jdkinclude"
  cp "$ROOT/scripts/gpu/build-jni.sh" "$KIT/scripts/"
fi
cp "$ROOT/scripts/gpu/initbench-kit" "$KIT/bin/initbench"
cp "$ROOT/scripts/gpu/bench.sh" "$ROOT/pytorch/torch_bench_gpu.py" "$KIT/bench/"
cp -r "$ROOT/pytorch/initbench_torch" "$KIT/bench/"  # the model twins torch_bench_gpu.py imports
find "$KIT/bench" -name __pycache__ -prune -exec rm -rf {} +
chmod +x "$KIT/bin/initbench" "$KIT/bench/bench.sh"
git -C "$ROOT" rev-parse HEAD > "$KIT/COMMIT" 2>/dev/null || echo unknown > "$KIT/COMMIT"

mkdir -p "$(dirname "$OUT")"
tar -czf "$OUT" -C "$STAGE" initbench-gpu
echo "package.sh: $OUT ($(du -h "$OUT" | cut -f1); JRE $(du -sh "$KIT/jre" | cut -f1), modules $MODULES)"
