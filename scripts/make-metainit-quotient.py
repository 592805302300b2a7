"""Writes initbench-core/src/main/resources/org/initbench/init/builtin/metainit-quotient.pt, the TorchScript
module that org.initbench.init.builtin.MetaInit runs for its derivatives. DJL 0.35.1 has no
torch.autograd.grad, and its only double backward (JniUtils.backward with create_graph) leaves each
parameter's differentiable .grad in a reference cycle with the graph. A loss that DJL ops computed (inside
a GradientCollector) lives in libtorch's autograd graph, so these methods, called through DJL's TorchScript
forward in training mode, take derivatives of it with torch.autograd.grad, which writes no .grad at all.
Run with any Python that has torch:

    python3 scripts/make-metainit-quotient.py

The committed file was written by torch 1.13.1 (Debian's python3-torch) and loads in libtorch 2.7.1.
"""
from typing import List, Optional

import torch


def _filled(grads: List[Optional[torch.Tensor]], like: List[torch.Tensor]) -> List[torch.Tensor]:
    """A parameter the output does not depend on gets a zero derivative."""
    out: List[torch.Tensor] = []
    for i in range(len(like)):
        g = grads[i]
        out.append(torch.zeros_like(like[i]) if g is None else g)
    return out


class Quotient(torch.nn.Module):
    @torch.jit.export
    def hessian_gradient(self, xs: List[torch.Tensor]) -> List[torch.Tensor]:
        """xs = [loss, θ_1..θ_n] -> [g_1..g_n, (Hg)_1..(Hg)_n], g = dL/dθ, Hg = d(|g|²/2)/dθ."""
        loss = xs[0]
        params = xs[1:]
        g = _filled(torch.autograd.grad([loss], params, create_graph=True, allow_unused=True), params)
        half = torch.stack([(gi * gi).sum() for gi in g]).sum() / 2
        hg = _filled(torch.autograd.grad([half], params, allow_unused=True), params)
        return [gi.detach() for gi in g] + hg

    @torch.jit.export
    def quotient(self, xs: List[torch.Tensor]) -> List[torch.Tensor]:
        """xs = [loss, eps, θ_1..θ_n] -> [GQ, dGQ/dθ_1..dGQ/dθ_n], the gradient quotient of MetaInit's listing:
        GQ = Σ|(g − Hg)/(g + eps·sign(g)) − 1| / N, sign(0) = +1 and held constant, N = number of elements."""
        loss = xs[0]
        eps = xs[1]
        params = xs[2:]
        g = _filled(torch.autograd.grad([loss], params, create_graph=True, allow_unused=True), params)
        half = torch.stack([(gi * gi).sum() for gi in g]).sum() / 2
        hg = _filled(torch.autograd.grad([half], params, create_graph=True, allow_unused=True), params)
        n = 0
        terms: List[torch.Tensor] = []
        for i in range(len(params)):
            gi = g[i]
            sign = ((gi >= 0).to(gi.dtype) * 2 - 1).detach()
            terms.append(((gi - hg[i]) / (gi + eps * sign) - 1).abs().sum())
            n += gi.numel()
        gq = torch.stack(terms).sum() / n
        grads = _filled(torch.autograd.grad([gq], params, allow_unused=True), params)
        return [gq.detach()] + grads


torch.jit.script(Quotient()).save("initbench-core/src/main/resources/org/initbench/init/builtin/metainit-quotient.pt")
