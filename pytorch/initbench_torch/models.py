"""PyTorch twins of initbench's architectures (org.initbench.model.Models).

Each twin has initbench's layer inventory: the same module paths (``layer1.0.conv1``,
``features.3``, ``blocks.4.dw.conv``, ...), in the same order, with the same shapes, so a
parameter ``<path>.weight`` here is the layer ``<path>`` of ``initbench inspect`` and of
``Network.layers()``. Trainable parameter counts equal initbench's (``initbench models``; pinned by
ModelsTest and reference_param_counts.txt).

Ids: resnet20/32/44/56/110, vgg11/13/16/19, mobilenetv2, plaincnn; vgg11bn..vgg19bn are aliases
of vgg11..vgg19 (the ids of earlier versions). Norm variants (``norm=``):

* ``bn``: batch norm after every conv (the default; plaincnn has none and refuses it).
* ``none``: no batch norm. ResNets become Fixup's architecture: scalar ``bias1`` after the stem
  conv and ``bias2`` before ``fc``; per block ``bias1a`` before conv1 (and before the projection
  shortcut), ``bias1b`` after conv1, ``bias2a`` before conv2, multiplier ``scale`` and ``bias2b``
  after conv2. Each scalar is a module holding ``bias`` (or ``weight`` for ``scale``), as in
  initbench's inventory. VGG keeps its conv biases; MobileNetV2's convs stay bias-free.
* ``weightnorm``: no batch norm; every conv and linear weight-normalized per output row
  (``weight_g``, ``weight_v``) and given a bias.

Branch scalar (``branch_scalar=True``, initbench's ``--branch-scalar``), under any norm: one learned
scalar ``alpha`` (a ``Scale``, parameter ``alpha.weight``, initially 1) at the end of every residual
branch, so a block computes ``shortcut(x) + alpha * F(x)`` (SkipInit, De & Smith 2020; ReZero,
Bachlechner et al. 2020): ``layerS.B.alpha`` after bn2 (after ``scale`` and ``bias2b`` under none)
in the ResNets, ``blocks.i.alpha`` after the projection of each MobileNetV2 block with a skip.
VGG and plaincnn have no residual branch and refuse it.

Building draws the initial values with PyTorch's own ``reset_parameters`` in module order, which
for ``bn`` is the order of the earlier single-file reference, so a seed gives the same draws.

Usage (Debian's python3-torch): ``sys.path`` holding ``pytorch/``, then
``from initbench_torch.models import build; net = build("resnet20", 3, 10)``.
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

DATASETS = {  # name -> (in_channels, classes)
    "fashion-mnist": (1, 10), "mnist": (1, 10), "cifar10": (3, 10), "cifar100": (3, 100)}

M = "M"
VGG_CFG = {
    "vgg11": [64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M],
    "vgg13": [64, 64, M, 128, 128, M, 256, 256, M, 512, 512, M, 512, 512, M],
    "vgg16": [64, 64, M, 128, 128, M, 256, 256, 256, M, 512, 512, 512, M, 512, 512, 512, M],
    "vgg19": [64, 64, M, 128, 128, M, 256, 256, 256, 256, M, 512, 512, 512, 512, M,
              512, 512, 512, 512, M],
}
PLAIN_CFG = [32, 32, M, 64, 64, M, 128, 128, M, 256, 256, M]
RESNET_DEPTHS = {"resnet20": 20, "resnet32": 32, "resnet44": 44, "resnet56": 56, "resnet110": 110}
# MobileNetV2 inverted-residual table (t, c, n, s), stage 2 stride 1 for 32x32 inputs.
MOBILENET_V2 = [(1, 16, 1, 1), (6, 24, 2, 1), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
                (6, 160, 3, 2), (6, 320, 1, 1)]

ARCHS = list(RESNET_DEPTHS) + list(VGG_CFG) + ["mobilenetv2", "plaincnn"]
RESIDUAL_ARCHS = list(RESNET_DEPTHS) + ["mobilenetv2"]  # the archs that take branch_scalar
ALIASES = {vgg + "bn": (vgg, "bn") for vgg in VGG_CFG}  # alias -> (canonical id, its norm)
NORMS = ("bn", "none", "weightnorm")


def canonical_id(arch):
    """The canonical id: lower-cased, an alias replaced (vgg16bn -> vgg16)."""
    a = arch.strip().lower()
    return ALIASES[a][0] if a in ALIASES else a


def default_norm(arch):
    """The norm an arch is published with: none for plaincnn, else bn (an alias: the norm it names)."""
    a = arch.strip().lower()
    if a in ALIASES:
        return ALIASES[a][1]
    return "none" if a == "plaincnn" else "bn"


def scaled(c, width):
    """Channels times width, rounded half up, at least 1 (initbench's Models.scaled)."""
    return max(1, int(math.floor(c * width + 0.5)))


def make_divisible(v, divisor=8):
    """torchvision's _make_divisible: round to a multiple of divisor, never below 90% of v."""
    new_v = max(divisor, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


class _Layers:
    """Makes the convs, linears and norms of one norm variant (initbench's LayerRecorder)."""

    def __init__(self, norm):
        if norm not in NORMS:
            raise ValueError(f"unknown norm '{norm}'; valid: {', '.join(NORMS)}")
        self.norm = norm

    def conv(self, cin, cout, k, stride=1, groups=1, bias=False):
        wn = self.norm == "weightnorm"
        c = nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=bias or wn)
        return nn.utils.weight_norm(c, dim=0) if wn else c

    def linear(self, fin, fout):
        lin = nn.Linear(fin, fout)
        return nn.utils.weight_norm(lin, dim=0) if self.norm == "weightnorm" else lin

    def bn(self, channels):
        """A batch norm under bn (eps 1e-5, momentum 0.1), else None (no module, no parameters)."""
        return nn.BatchNorm2d(channels) if self.norm == "bn" else None


def _maybe(module, x):
    return x if module is None else module(x)


class ScalarBias(nn.Module):
    """A learned scalar added to the activation (Fixup), parameter ``bias``, initially 0."""

    def __init__(self):
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        return x + self.bias


class Scale(nn.Module):
    """A learned scalar multiplier (Fixup's ``scale``), parameter ``weight``, initially 1."""

    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(1))

    def forward(self, x):
        return x * self.weight


class BasicBlock(nn.Module):
    """Post-activation block: conv3x3-BN-ReLU-conv3x3-BN + shortcut, ReLU (Fixup scalars under none)."""

    def __init__(self, lay, cin, cout, stride, branch_scalar=False):
        super().__init__()
        fixup = lay.norm == "none"
        self.projection = stride != 1 or cin != cout
        self.bias1a = ScalarBias() if fixup else None
        self.conv1 = lay.conv(cin, cout, 3, stride)
        self.bn1 = lay.bn(cout)
        self.bias1b = ScalarBias() if fixup else None
        self.bias2a = ScalarBias() if fixup else None
        self.conv2 = lay.conv(cout, cout, 3)
        self.bn2 = lay.bn(cout)
        self.scale = Scale() if fixup else None
        self.bias2b = ScalarBias() if fixup else None
        self.alpha = Scale() if branch_scalar else None
        self.shortcut = nn.Sequential()
        if self.projection:
            parts = [lay.conv(cin, cout, 1, stride)]
            if lay.norm == "bn":
                parts.append(lay.bn(cout))
            self.shortcut = nn.Sequential(*parts)

    def forward(self, x):
        xb = _maybe(self.bias1a, x)
        out = F.relu(_maybe(self.bias1b, _maybe(self.bn1, self.conv1(xb))))
        out = _maybe(self.bn2, self.conv2(_maybe(self.bias2a, out)))
        out = _maybe(self.alpha, _maybe(self.bias2b, _maybe(self.scale, out)))
        # Fixup feeds x + bias1a to the projection shortcut; an identity shortcut gets x
        return F.relu(out + self.shortcut(xb if self.projection else x))


class CifarResNet(nn.Module):
    """ResNet-(6n+2) for 32x32 inputs (He et al. 2016), projection shortcuts (option B)."""

    def __init__(self, depth, in_ch, classes, width=1.0, norm="bn", branch_scalar=False):
        super().__init__()
        assert (depth - 2) % 6 == 0
        n = (depth - 2) // 6
        lay = _Layers(norm)
        widths = [scaled(c, width) for c in (16, 32, 64)]
        self.conv1 = lay.conv(in_ch, widths[0], 3)
        self.bn1 = lay.bn(widths[0])
        self.bias1 = ScalarBias() if norm == "none" else None
        cin = widths[0]
        for s, cout in enumerate(widths):
            blocks = []
            for b in range(n):
                blocks.append(BasicBlock(lay, cin, cout, 2 if s > 0 and b == 0 else 1, branch_scalar))
                cin = cout
            self.add_module(f"layer{s + 1}", nn.Sequential(*blocks))
        self.bias2 = ScalarBias() if norm == "none" else None
        self.fc = lay.linear(cin, classes)

    def forward(self, x):
        x = F.relu(_maybe(self.bias1, _maybe(self.bn1, self.conv1(x))))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(_maybe(self.bias2, torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)))


def _conv_stack(lay, cfg, in_ch, width):
    """VGG's and plaincnn's features: conv3x3 (bias) [- BN] - ReLU per entry, 2x2 max-pool per M."""
    layers, cin = [], in_ch
    for v in cfg:
        if v == M:
            layers.append(nn.MaxPool2d(2, 2))
            continue
        cout = scaled(v, width)
        layers.append(lay.conv(cin, cout, 3, bias=True))
        if lay.norm == "bn":
            layers.append(lay.bn(cout))
        layers.append(nn.ReLU(inplace=True))
        cin = cout
    return nn.Sequential(*layers), cin


class VGG(nn.Module):
    """VGG for CIFAR: conv3x3 (bias) [- BN] - ReLU, 2x2 max-pools, one Linear(512, classes)."""

    def __init__(self, cfg, in_ch, classes, width=1.0, norm="bn"):
        super().__init__()
        lay = _Layers(norm)
        self.features, cin = _conv_stack(lay, cfg, in_ch, width)
        self.classifier = lay.linear(cin, classes)

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


class PlainCNN(nn.Module):
    """Eight conv3x3 (bias) - ReLU, four max-pools, global average pool, Linear(256, classes)."""

    def __init__(self, in_ch, classes, width=1.0, norm="none"):
        super().__init__()
        if norm == "bn":
            raise ValueError("plaincnn has no batch norm; valid norms for it: none, weightnorm")
        lay = _Layers(norm)
        self.features, cin = _conv_stack(lay, PLAIN_CFG, in_ch, width)
        self.classifier = lay.linear(cin, classes)

    def forward(self, x):
        x = F.adaptive_avg_pool2d(self.features(x), 1)
        return self.classifier(torch.flatten(x, 1))


class ConvNorm(nn.Module):
    """``conv`` then ``bn`` (under bn) then ReLU6 unless ``act`` is False."""

    def __init__(self, lay, cin, cout, k, stride=1, groups=1, act=True):
        super().__init__()
        self.conv = lay.conv(cin, cout, k, stride, groups)
        self.bn = lay.bn(cout)
        self.act = act

    def forward(self, x):
        x = _maybe(self.bn, self.conv(x))
        return F.relu6(x) if self.act else x


class InvertedResidual(nn.Module):
    """[1x1 expand-BN-ReLU6] - 3x3 depthwise-BN-ReLU6 - 1x1 project-BN; add iff stride 1, in = out."""

    def __init__(self, lay, cin, cout, stride, t, branch_scalar=False):
        super().__init__()
        hidden = cin * t
        self.expand = ConvNorm(lay, cin, hidden, 1) if t != 1 else None
        self.dw = ConvNorm(lay, hidden, hidden, 3, stride, groups=hidden)
        self.project = ConvNorm(lay, hidden, cout, 1, act=False)
        self.use_res = stride == 1 and cin == cout
        self.alpha = Scale() if branch_scalar and self.use_res else None

    def forward(self, x):
        out = self.project(self.dw(_maybe(self.expand, x)))
        return x + _maybe(self.alpha, out) if self.use_res else out


class MobileNetV2(nn.Module):
    """torchvision's MobileNetV2 adapted to 32x32: stem stride 1, stage (6, 24, 2) stride 1, no dropout."""

    def __init__(self, in_ch, classes, width=1.0, norm="bn", branch_scalar=False):
        super().__init__()
        lay = _Layers(norm)
        cin = make_divisible(32 * width)
        last = make_divisible(1280 * max(1.0, width))
        self.stem = ConvNorm(lay, in_ch, cin, 3)
        blocks = []
        for t, c, n, s in MOBILENET_V2:
            cout = make_divisible(c * width)
            for i in range(n):
                blocks.append(InvertedResidual(lay, cin, cout, s if i == 0 else 1, t, branch_scalar))
                cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.head = ConvNorm(lay, cin, last, 1)
        self.classifier = lay.linear(last, classes)

    def forward(self, x):
        x = F.adaptive_avg_pool2d(self.head(self.blocks(self.stem(x))), 1)
        return self.classifier(torch.flatten(x, 1))


def build(arch, in_channels, num_classes, width=1.0, norm=None, branch_scalar=False):
    """The twin of ``Models.build(arch, in_channels, num_classes, width, norm, branchScalar)``; norm None: the
    arch's own."""
    norm = default_norm(arch) if norm is None else norm
    a = canonical_id(arch)
    if branch_scalar and a not in RESIDUAL_ARCHS:
        raise ValueError(f"--branch-scalar needs a residual net ({', '.join(RESIDUAL_ARCHS)}); "
                         f"{a} has no residual branches")
    if a in RESNET_DEPTHS:
        return CifarResNet(RESNET_DEPTHS[a], in_channels, num_classes, width, norm, branch_scalar)
    if a in VGG_CFG:
        return VGG(VGG_CFG[a], in_channels, num_classes, width, norm)
    if a == "mobilenetv2":
        return MobileNetV2(in_channels, num_classes, width, norm, branch_scalar)
    if a == "plaincnn":
        return PlainCNN(in_channels, num_classes, width, norm)
    raise ValueError(f"unknown arch '{arch}'; valid: {', '.join(ARCHS)} (aliases: {', '.join(ALIASES)})")


def param_count(model):
    """Trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def depth(model):
    """Config depth: #Conv2d + #Linear."""
    return sum(isinstance(m, (nn.Conv2d, nn.Linear)) for m in model.modules())
