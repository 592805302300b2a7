"""Loads a file of ``initbench export`` (.safetensors or .npz) into the PyTorch twin.

As a library (``sys.path`` holding this ``pytorch/`` folder)::

    from initbench_torch.models import build
    from load_export import read_state_dict
    net = build("resnet20", 3, 10, 1.0, "bn")
    net.load_state_dict(read_state_dict("init.safetensors"), strict=True)

``read_state_dict`` needs numpy and torch only: a .safetensors file is parsed by hand when the
``safetensors`` package is missing (8-byte little-endian header length, JSON header, raw data).

As a script (what initbench's round-trip tests run)::

    python3 load_export.py load FILE ARCH IN_CHANNELS NUM_CLASSES WIDTH NORM [alpha]
        builds the twin, loads FILE with strict=True, then prints one JSON line per entry of the
        twin's state_dict: key, dtype, shape and the SHA-256 of its little-endian bytes
    python3 load_export.py keys ARCH:IN_CHANNELS:NUM_CLASSES:WIDTH:NORM[:alpha] ...
        prints one JSON line per model: the twin's state_dict keys, in order, with shapes and dtypes

A trailing ``alpha`` builds the twin with ``branch_scalar=True`` (initbench's ``--branch-scalar``).
"""

import hashlib
import json
import os
import struct
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from initbench_torch.models import build  # noqa: E402

_SAFETENSORS_DTYPES = {
    "F64": np.float64, "F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32,
    "I16": np.int16, "I8": np.int8, "U8": np.uint8, "BOOL": np.bool_}


def _read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    body = data[8 + n:]
    out = {}
    for key, entry in header.items():
        if key == "__metadata__":
            continue
        start, end = entry["data_offsets"]
        dtype = np.dtype(_SAFETENSORS_DTYPES[entry["dtype"]]).newbyteorder("<")
        arr = np.frombuffer(body[start:end], dtype=dtype).reshape(entry["shape"])
        out[key] = torch.from_numpy(arr.astype(arr.dtype.newbyteorder("="), copy=True))
    return out


def read_state_dict(path):
    """The tensors of an export file by state_dict key, in the file's order."""
    if str(path).endswith(".npz"):
        with np.load(path, allow_pickle=False) as z:
            return {k: torch.from_numpy(np.array(z[k])) for k in z.files}
    try:
        from safetensors.torch import load_file
    except ImportError:
        return _read_safetensors(path)
    return load_file(str(path))


def _entry(key, t):
    a = t.detach().cpu().contiguous().numpy()
    data = a.astype(a.dtype.newbyteorder("<"), copy=False).tobytes()
    return {"key": key, "dtype": str(a.dtype), "shape": list(a.shape), "sha256": hashlib.sha256(data).hexdigest()}


def _branch_scalar(rest):
    """The optional last field: ``alpha`` for a twin with branch scalars, nothing for one without."""
    if rest not in ([], ["alpha"]):
        sys.exit(f"expected nothing or 'alpha' after the norm, got {rest}")
    return rest == ["alpha"]


def _load(path, arch, in_channels, classes, width, norm, *rest):
    model = build(arch, int(in_channels), int(classes), float(width), norm, _branch_scalar(list(rest)))
    model.load_state_dict(read_state_dict(path), strict=True)
    for key, t in model.state_dict().items():
        print(json.dumps(_entry(key, t)))


def _keys(specs):
    for spec in specs:
        arch, in_channels, classes, width, norm, *rest = spec.split(":")
        model = build(arch, int(in_channels), int(classes), float(width), norm, _branch_scalar(rest))
        print(json.dumps({"model": spec, "entries": [
            {"key": k, "dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape)}
            for k, t in model.state_dict().items()]}))


if __name__ == "__main__":
    if len(sys.argv) in (8, 9) and sys.argv[1] == "load":
        _load(*sys.argv[2:])
    elif len(sys.argv) > 2 and sys.argv[1] == "keys":
        _keys(sys.argv[2:])
    else:
        sys.exit(__doc__)
