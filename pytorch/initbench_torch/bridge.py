"""Runs a seed-style ``initialize_weights(model, config)`` on initbench's PyTorch twin (``torch:`` inits).

initbench's ``TorchInit`` extracts this package to a private directory and runs::

    python -B <dir>/initbench_torch/bridge.py WORK_DIR

``WORK_DIR/request.json`` holds ``file`` (the user's .py, absolute), ``arch``, ``norm``, ``in_channels``,
``num_classes``, ``width``, ``seed`` (an unsigned 64-bit integer), ``config`` (the dict passed to
``initialize_weights``) and, for a net with branch scalars (``--branch-scalar``), ``branch_scalar: true``.
The bridge

1. seeds torch (and Python's ``random`` and numpy's legacy generator) with the seed, then builds the twin with
   ``models.build``, so every parameter starts at PyTorch's module default, as in the seed benchmark;
2. imports the file under the module name ``initbench_torch_user_init`` (not ``__main__``, so an argparse
   ``main()`` guarded by ``if __name__ == "__main__":`` does not run), with the file's directory on ``sys.path``;
3. calls ``initialize_weights(model, config)``;
4. writes every ``state_dict`` entry (``num_batches_tracked`` excepted) as float32 to
   ``WORK_DIR/params.safetensors`` and ``{"ok": true, "torch": VERSION, ...}`` to ``WORK_DIR/result.json``.

A failure writes ``{"ok": false, "error": ONE_LINE}`` instead, e.g. ``my_init.py:12: ValueError: bad gain``
(the innermost frame in the user's file), or ``{"ok": false, "no_torch": true}`` when torch does not import.
What the user's code prints goes to the process' stderr, never into the result.
"""

import contextlib
import importlib.util
import json
import os
import random
import struct
import sys
import traceback

USER_MODULE = "initbench_torch_user_init"
MAX_MESSAGE = 400


def _one_line(text):
    """Whitespace (newlines included) collapsed to single spaces, cut to MAX_MESSAGE characters."""
    line = " ".join(str(text).split())
    return line if len(line) <= MAX_MESSAGE else line[:MAX_MESSAGE - 3] + "..."


def _summary(exc, user_file):
    """``name.py:LINE: Type: message`` for the innermost frame in ``user_file``, else ``Type: message``."""
    where = None
    real = os.path.realpath(user_file)
    for frame in traceback.extract_tb(exc.__traceback__):
        if os.path.realpath(frame.filename) == real:
            where = frame.lineno
    if where is None and isinstance(exc, SyntaxError) and exc.filename \
            and os.path.realpath(exc.filename) == real:
        where = exc.lineno
    if isinstance(exc, SyntaxError):
        message = exc.msg
    else:
        message = str(exc)
    head = f"{os.path.basename(user_file)}:{where}: " if where is not None else ""
    text = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    return _one_line(head + text)


def _load_user_module(path):
    """Imports the user's file by path under USER_MODULE, its directory first on sys.path."""
    directory = os.path.dirname(path)
    if directory not in sys.path:
        sys.path.insert(0, directory)
    spec = importlib.util.spec_from_file_location(USER_MODULE, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[USER_MODULE] = module
    spec.loader.exec_module(module)
    return module


def _float32_bytes(tensor):
    """The tensor's values as little-endian float32, row-major."""
    t = tensor.detach().to("cpu").float().contiguous()
    try:
        import numpy
        return t.numpy().astype("<f4", copy=False).tobytes()
    except ImportError:
        values = t.view(-1).tolist()
        return struct.pack(f"<{len(values)}f", *values)


def _write_safetensors(path, named):
    """Writes (name, tensor) pairs as a safetensors file of F32 tensors."""
    header, blobs, offset = {}, [], 0
    for name, tensor in named:
        blob = _float32_bytes(tensor)
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(encoded)))
        out.write(encoded)
        for blob in blobs:
            out.write(blob)


def _seed_all(seed, torch):
    torch.manual_seed(seed)
    random.seed(seed)
    try:
        import numpy
        numpy.random.seed(seed % 2**32)
    except ImportError:
        pass


def run(request):
    """Builds, initializes and exports; returns the result dict."""
    try:
        import torch
    except Exception:  # noqa: BLE001 - any failure to import torch means "no torch"
        return {"ok": False, "no_torch": True}
    from initbench_torch import models

    user_file = request["file"]
    _seed_all(int(request["seed"]), torch)
    model = models.build(request["arch"], request["in_channels"], request["num_classes"], request["width"],
                         request["norm"], bool(request.get("branch_scalar", False)))
    config = request["config"]
    if models.depth(model) != config["depth"]:
        raise RuntimeError(f"twin depth {models.depth(model)} != initbench's {config['depth']}")
    with contextlib.redirect_stdout(sys.stderr):
        try:
            module = _load_user_module(user_file)
        except BaseException as e:  # noqa: BLE001 - SystemExit and KeyboardInterrupt too: report, do not die
            return {"ok": False, "error": "cannot be imported: " + _summary(e, user_file)}
        init = getattr(module, "initialize_weights", None)
        if not callable(init):
            return {"ok": False, "error": "defines no function initialize_weights(model, config)"}
        try:
            init(model, config)
        except BaseException as e:  # noqa: BLE001
            return {"ok": False, "error": "raised " + _summary(e, user_file)}
    named = [(k, v) for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")]
    _write_safetensors(os.path.join(request["work_dir"], "params.safetensors"), named)
    return {"ok": True, "torch": torch.__version__, "python": sys.executable,
            "python_version": sys.version.split()[0]}


def main():
    # run as a script: the package's parent replaces the package directory on sys.path, so `import models` in
    # the user's code finds the user's own module, not the twins
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    sys.path.insert(0, os.path.dirname(here))
    work_dir = sys.argv[1]
    with open(os.path.join(work_dir, "request.json"), encoding="utf-8") as f:
        request = json.load(f)
    request["work_dir"] = work_dir
    try:
        result = run(request)
    except BaseException as e:  # noqa: BLE001 - the bridge's own failure, still one line
        result = {"ok": False, "error": "bridge failed: " + _one_line(f"{type(e).__name__}: {e}")}
        traceback.print_exc()
    with open(os.path.join(work_dir, "result.json"), "w", encoding="utf-8") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
