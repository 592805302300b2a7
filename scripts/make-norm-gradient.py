"""Writes initbench-core/src/main/resources/org/initbench/init/builtin/norm-gradient.pt, the TorchScript
module that org.initbench.init.builtin.SecondOrder runs for GradInit's gradient-norm constraint: the
gradient g of a loss with its graph (create_graph), ‖g‖, and, when ‖g‖ exceeds a bound, ∂‖g‖/∂θ = H·g/‖g‖
by double backward, as the reference code (zhuchen03/gradinit, gradinit_utils.py) computes it. It uses
torch.autograd.grad for both derivatives, which writes no .grad field: DJL 0.35.1's own double backward
(backward with create_graph) leaves a differentiable .grad on each leaf, a reference cycle DJL cannot break.
Run with any Python that has torch:

    /usr/bin/python3 scripts/make-norm-gradient.py

The committed file was written by torch 1.13.1 (Debian's python3-torch) and loads in libtorch 2.7.1.
"""
from typing import List

import torch


class NormGradient(torch.nn.Module):
    def forward(self, xs: List[torch.Tensor]) -> List[torch.Tensor]:
        """xs = [loss, gamma, θ_1, ..., θ_n]: a scalar loss with its autograd graph, a bound, the leaves the
        loss was computed from. Returns [‖g‖, g_1, ..., g_n] (g = ∇_θ loss, detached) and, only when
        ‖g‖ > gamma, then ∂‖g‖/∂θ_1, ..., ∂‖g‖/∂θ_n (an unused leaf gets zeros)."""
        loss = xs[0]
        gamma = xs[1]
        params = xs[2:]
        grads = torch.autograd.grad([loss], params, create_graph=True, allow_unused=True)
        g: List[torch.Tensor] = []
        for i in range(len(params)):
            gi = grads[i]
            if gi is None:
                g.append(torch.zeros_like(params[i]))
            else:
                g.append(gi)
        sq = torch.zeros([], dtype=loss.dtype, device=loss.device)
        for gi in g:
            sq = sq + gi.square().sum()
        gnorm = sq.sqrt()
        out: List[torch.Tensor] = [gnorm.detach()]
        for gi in g:
            out.append(gi.detach())
        if bool(gnorm > gamma):
            hg = torch.autograd.grad([gnorm], params, allow_unused=True)
            for i in range(len(params)):
                hi = hg[i]
                if hi is None:
                    out.append(torch.zeros_like(params[i]))
                else:
                    out.append(hi)
        return out


torch.jit.script(NormGradient()).save("initbench-core/src/main/resources/org/initbench/init/builtin/norm-gradient.pt")
