#!/usr/bin/python3
"""Cut the shipped Fashion-MNIST subset from the full dataset.

Rule: from each split keep, for every class 0..9, the first K images of that class in file order
(K = 600 for train, 200 for t10k), preserving their relative file order (so classes stay
interleaved as in the original). Output: the official IDX format and file names, gzip level 9 with
mtime 0 and no embedded file name, so a re-run produces byte-identical files.

Usage: /usr/bin/python3 make_mini.py [SOURCE_DIR [OUT_DIR]]
  SOURCE_DIR defaults to /usr/share/datasets/fashion-mnist (Debian package dataset-fashion-mnist),
  OUT_DIR to the directory of this script.
"""
import gzip
import hashlib
import os
import struct
import sys

import numpy as np

PER_CLASS = {"train": 600, "t10k": 200}


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    if path.endswith(".gz"):
        data = gzip.decompress(data)
    magic, count = struct.unpack(">II", data[:8])
    if magic == 2051:
        rows, cols = struct.unpack(">II", data[8:16])
        arr = np.frombuffer(data, np.uint8, offset=16)
        assert arr.size == count * rows * cols, path
        return arr.reshape(count, rows, cols)
    assert magic == 2049, path
    arr = np.frombuffer(data, np.uint8, offset=8)
    assert arr.size == count, path
    return arr


def write_gz(path, payload):
    with open(path, "wb") as raw:
        # filename="" and mtime=0: no name, no timestamp in the gzip header -> reproducible bytes
        with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw, mtime=0) as f:
            f.write(payload)


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.dirname(os.path.abspath(__file__))
    for split, k in PER_CLASS.items():
        images = read_idx(os.path.join(src, f"{split}-images-idx3-ubyte.gz"))
        labels = read_idx(os.path.join(src, f"{split}-labels-idx1-ubyte.gz"))
        keep = np.zeros(labels.size, dtype=bool)
        for c in range(10):
            idx = np.flatnonzero(labels == c)
            assert idx.size >= k, (split, c, idx.size)
            keep[idx[:k]] = True
        im, lb = images[keep], labels[keep]
        n, rows, cols = im.shape
        write_gz(os.path.join(out, f"{split}-images-idx3-ubyte.gz"),
                 struct.pack(">IIII", 2051, n, rows, cols) + im.tobytes())
        write_gz(os.path.join(out, f"{split}-labels-idx1-ubyte.gz"), struct.pack(">II", 2049, n) + lb.tobytes())
        print(f"{split}: {n} images, per class {np.bincount(lb, minlength=10).tolist()}")
    for name in sorted(os.listdir(out)):
        if name.endswith(".gz"):
            with open(os.path.join(out, name), "rb") as f:
                print(hashlib.sha256(f.read()).hexdigest(), name)


if __name__ == "__main__":
    main()
