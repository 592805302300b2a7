#!/usr/bin/env bash
# Builds DJL's PyTorch JNI (libdjl_torch.so, DJL 0.35.1 sources) against a given torch, installs it
# where DJL looks for it, and writes the environment that points DJL at that torch.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: build-jni.sh [--python PY | --torch-dir DIR] [--djl-src DIR] [--jdk-include DIR] [--cache DIR]
                    [--env-file FILE] [--cpu]

  --python PY        use the torch that PY imports (default: python3)
  --torch-dir DIR    a torch package or libtorch folder (has lib/ and share/cmake/Torch); give
                     --torch-version and --flavor with it, or they are read from DIR/../version.py
  --torch-version V  e.g. 2.11.0 (default: from torch)
  --flavor F         e.g. cu130 or cpu (default: from torch)
  --djl-src DIR      DJL v0.35.1 sources: engines/pytorch/pytorch-native and api/src/main/native,
                     with the JNI header in engines/pytorch/pytorch-native/build/include
                     (package.sh puts them in the kit's djlsrc/; default: <kit>/djlsrc)
  --jdk-include DIR  a JDK's include/ folder (default: <kit>/djlsrc/jdkinclude, else $JAVA_HOME/include)
  --cache DIR        DJL engine cache that receives the library (default: <kit>/engine)
  --env-file FILE    where to write the environment (default: <kit>/torch.env, read by bin/initbench)
  --cpu              build without CUDA (a CPU torch)
Needs cmake >= 3.18, a C++17 compiler, ninja or make, and nvcc for CUDA builds. Measured: about 40 s
with gcc 13, cmake 4.4, nvcc 13.0 against pip torch 2.11.0+cu130 (docs/gpu.md).
USAGE
}

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# In the kit this script sits in <kit>/scripts; in the repository in scripts/gpu.
if [[ -d "$HERE/../djlsrc" ]]; then KIT="$(cd "$HERE/.." && pwd)"; else KIT="$PWD"; fi
PY=python3; TORCH_DIR=""; TORCH_VERSION=""; FLAVOR=""; USE_CUDA=1
DJL_SRC="$KIT/djlsrc"; JDK_INCLUDE=""; CACHE="$KIT/engine"; ENV_FILE="$KIT/torch.env"
DJL_VERSION=0.35.1

while [[ $# -gt 0 ]]; do
  case "$1" in
    --python) PY="$2"; shift 2 ;;
    --torch-dir) TORCH_DIR="$2"; shift 2 ;;
    --torch-version) TORCH_VERSION="$2"; shift 2 ;;
    --flavor) FLAVOR="$2"; shift 2 ;;
    --djl-src) DJL_SRC="$2"; shift 2 ;;
    --jdk-include) JDK_INCLUDE="$2"; shift 2 ;;
    --cache) CACHE="$2"; shift 2 ;;
    --env-file) ENV_FILE="$2"; shift 2 ;;
    --cpu) USE_CUDA=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "build-jni.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done

die() { echo "build-jni.sh: $*" >&2; exit 2; }

if [[ -z $TORCH_DIR ]]; then
  TORCH_DIR=$("$PY" -c 'import torch, os; print(os.path.dirname(torch.__file__))') \
    || die "$PY cannot import torch; give --python or --torch-dir"
  [[ -n $TORCH_VERSION ]] || TORCH_VERSION=$("$PY" -c 'import torch; print(torch.__version__.split("+")[0])')
  if [[ -z $FLAVOR ]]; then
    FLAVOR=$("$PY" -c 'import torch; c = torch.version.cuda; print("cu" + c.replace(".", "") if c else "cpu")')
  fi
fi
[[ -d $TORCH_DIR/lib && -f $TORCH_DIR/lib/libtorch.so ]] || die "no lib/libtorch.so under $TORCH_DIR"
[[ -d $TORCH_DIR/share/cmake/Torch ]] || die "no share/cmake/Torch under $TORCH_DIR (a torch without its CMake files)"
[[ -n $TORCH_VERSION && -n $FLAVOR ]] || die "give --torch-version and --flavor with --torch-dir"
[[ $FLAVOR == cpu ]] && USE_CUDA=0

NATIVE="$DJL_SRC/engines/pytorch/pytorch-native"
[[ -f $NATIVE/CMakeLists.txt ]] || die "no DJL sources at $DJL_SRC (run package.sh, or give --djl-src)"
[[ -f $DJL_SRC/api/src/main/native/djl/utils.h ]] || die "missing $DJL_SRC/api/src/main/native/djl/utils.h"
[[ -f $NATIVE/build/include/ai_djl_pytorch_jni_PyTorchLibrary.h ]] \
  || die "missing the JNI header in $NATIVE/build/include (package.sh makes it with javac -h)"
if [[ -z $JDK_INCLUDE ]]; then
  if [[ -d $DJL_SRC/jdkinclude ]]; then JDK_INCLUDE="$DJL_SRC/jdkinclude"; else JDK_INCLUDE="${JAVA_HOME:-}/include"; fi
fi
[[ -f $JDK_INCLUDE/jni.h ]] || die "no jni.h in $JDK_INCLUDE (give --jdk-include)"

# FindJNI wants a libjvm; the library does not link it.
JVM_LIB=NotNeeded
[[ -f $KIT/jre/lib/server/libjvm.so ]] && JVM_LIB="$KIT/jre/lib/server/libjvm.so"
BUILD=$(mktemp -d "${TMPDIR:-/tmp}/djl-jni.XXXXXX")
trap 'rm -rf "$BUILD"' EXIT
GEN=(); command -v ninja >/dev/null && GEN=(-G Ninja)
CFG=(-S "$NATIVE" -B "$BUILD" "${GEN[@]}" -DCMAKE_BUILD_TYPE=Release
  -DCMAKE_PREFIX_PATH="$TORCH_DIR/share/cmake"
  -DJAVA_INCLUDE_PATH="$JDK_INCLUDE" -DJAVA_INCLUDE_PATH2="$JDK_INCLUDE/linux"
  -DJAVA_JVM_LIBRARY="$JVM_LIB" -DJAVA_AWT_LIBRARY=NotNeeded -DJAVA_AWT_INCLUDE_PATH=NotNeeded
  -DCMAKE_POLICY_VERSION_MINIMUM=3.5)
if [[ $USE_CUDA == 1 ]]; then
  NVCC=$(command -v nvcc) || die "nvcc not found (CUDA build); add the CUDA toolkit's bin to PATH or use --cpu"
  CFG+=(-DUSE_CUDA=1 -DCMAKE_CUDA_COMPILER="$NVCC" -DCUDAToolkit_ROOT="$(dirname "$(dirname "$(readlink -f "$NVCC")")")")
fi
echo "build-jni.sh: torch $TORCH_VERSION ($FLAVOR) at $TORCH_DIR"
cmake "${CFG[@]}" > "$BUILD/configure.log" 2>&1 || { tail -40 "$BUILD/configure.log" >&2; die "cmake configure failed"; }
cmake --build "$BUILD" -j "$(nproc)" > "$BUILD/build.log" 2>&1 || { grep -E "error" "$BUILD/build.log" | head -40 >&2; die "build failed"; }

CLASSIFIER=linux-$(uname -m)
DEST="$CACHE/pytorch/$TORCH_VERSION-$FLAVOR-$CLASSIFIER"
mkdir -p "$DEST"
install -m 0644 "$BUILD/libdjl_torch.so" "$DEST/$DJL_VERSION-libdjl_torch.so"

# Load only torch's core libraries from its lib/ (not its tests, libtorch_python or libshm).
KEEP='^(libc10\.so|libc10_cuda\.so|libtorch\.so|libtorch_cpu\.so|libtorch_cuda\.so|libcaffe2_nvrtc\.so|libgomp.*)$'
EXCLUSION=$(find "$TORCH_DIR/lib" -maxdepth 1 -type f -printf '%f\n' | grep -v -E "$KEEP" | sort | paste -sd, -)
JNA=""
SITE=$(dirname "$TORCH_DIR")
CUDART=$(find "$SITE/nvidia" -name 'libcudart.so*' 2>/dev/null | head -1 || true)
[[ -n $CUDART ]] && JNA=$(dirname "$CUDART")
{
  echo "# written by build-jni.sh $(date -u +%Y-%m-%dT%H:%MZ): torch $TORCH_VERSION ($FLAVOR)"
  echo "export PYTORCH_LIBRARY_PATH='$TORCH_DIR/lib'"
  echo "export PYTORCH_VERSION='$TORCH_VERSION'"
  echo "export PYTORCH_FLAVOR='$FLAVOR'"
  echo "export PYTORCH_LIBRARY_EXCLUSION='$EXCLUSION'"
  echo "export ENGINE_CACHE_DIR='$CACHE'"
  echo "INITBENCH_JNA_PATH='$JNA'"
} > "$ENV_FILE"
echo "build-jni.sh: installed $DEST/$DJL_VERSION-libdjl_torch.so; environment in $ENV_FILE"
