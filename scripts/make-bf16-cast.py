"""Writes initbench-core/src/main/resources/org/initbench/model/bf16-cast.pt, the TorchScript module
that org.initbench.model.Bf16 runs for its dtype casts (DJL 0.35.1's PyTorch JNI has no bf16 dtype and
its own cast, NDArray.toType, runs under NoGradGuard). Run with any Python that has torch:

    python3 scripts/make-bf16-cast.py

The committed file was written by torch 1.13.1 (Debian's python3-torch) and loads in libtorch 2.7.1.
"""
from typing import List

import torch


class Cast(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dtype == torch.float32:
            return x.to(torch.bfloat16)
        return x.to(torch.float32)

    @torch.jit.export
    def to_bf16(self, xs: List[torch.Tensor]) -> List[torch.Tensor]:
        """All of a step's weight casts in one call (one trip through JNI and the interpreter)."""
        return [x.to(torch.bfloat16) for x in xs]


torch.jit.script(Cast()).save("initbench-core/src/main/resources/org/initbench/model/bf16-cast.pt")
