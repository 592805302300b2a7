"""Runs the GradInit of the authors' code (zhuchen03/gradinit: `gradinit` of gradinit_utils.py with its
RescaleAdam), imported unchanged from a checkout whose path is given on the command line (nothing of it is
in this repository), on initbench's PyTorch twin, started from the weights of an `initbench export` of the
base init; prints the authors' last log line and writes each tensor's scale α = ‖θ_after‖ / ‖θ_before‖ as
JSON (docs/init-strategies.md, "Checked against the authors' code", has what it gave). CPU only: their
get_batch moves batches with .cuda(), which this script makes the identity.

    /usr/bin/python3 scripts/gradinit-reference.py --authors CHECKOUT --repo . --base base.npz \
        --pool pool.npz --iters 100 --seed 1 [--data pool|pool3|poolidx|stream] [--idx idx.i32] [--jitter] \
        [--gamma 1] --out alpha.json [--weights w.npz]

--base: `initbench export --init kaiming-normal --arch resnet20 --width 0.5 --dataset fashion-mnist
--seed S --out base.npz` (the base gradinit starts from with seed S). The twin is resnet20, width 0.5,
1 channel, 10 classes (FashionMNIST). --pool: an .npz with `images` (N, 1, 32, 32 float32) and `labels`
(N int64), the sample batch initbench gives a data-dependent init: `initbench export --init gradinit ...
--seed S --sample-batch pool.npz` writes it.
--data pool: the authors' DataLoader (batch 64, shuffle) over the pool; pool3: A, B the halves of a fresh
permutation of the pool and C half of another, as initbench draws them (objective steps only); poolidx:
initbench's own draws from --idx (--jitter reorders the images inside each batch: only rounding changes);
stream: their DataLoader over all FashionMNIST training images (Debian's dataset-fashion-mnist),
preprocessed as initbench's BatchLoader does (normalize, zero-pad to 32, RandomCrop(32, 4) with raw-0 fill,
flip), the paper's regime. Settings: the authors' launch/run_gradinit.sh for a BN ResNet (sgd, eta 0.1,
normalized gradient, min scale 0.01, gradient clip 1, lr 1e-3) and train_cifar.py (halves of 64); gamma by
--gamma.
"""
import argparse, contextlib, gzip, io, json, os, sys, tempfile, time
import numpy as np
import torch

p = argparse.ArgumentParser()
p.add_argument("--authors", required=True)
p.add_argument("--repo", required=True)
p.add_argument("--base", required=True)
p.add_argument("--pool", required=True)
p.add_argument("--iters", type=int, default=390)
p.add_argument("--seed", type=int, default=0)
p.add_argument("--data", default="pool", choices=["pool", "pool3", "poolidx", "stream"])
p.add_argument("--out", required=True)
p.add_argument("--weights")
p.add_argument("--gamma", type=float, default=1.0)
p.add_argument("--idx")
p.add_argument("--jitter", action="store_true")
a = p.parse_args()

torch.set_num_threads(1)
torch.manual_seed(a.seed)
np.random.seed(a.seed)
torch.Tensor.cuda = lambda self, *args, **kw: self  # the authors' get_batch calls .cuda(); run on the CPU
sys.path.insert(0, os.path.abspath(a.authors))
sys.path.insert(0, os.path.join(os.path.abspath(a.repo), "pytorch"))
import gradinit_utils  # noqa: E402  (the authors' module, unchanged)
from initbench_torch.models import build  # noqa: E402
from load_export import read_state_dict  # noqa: E402

net = build("resnet20", 1, 10, 0.5, "bn")
net.load_state_dict(read_state_dict(a.base), strict=True)
theta0 = {k: v.detach().clone().double() for k, v in net.named_parameters()}

pool = np.load(a.pool)
px = torch.from_numpy(pool["images"]).float()
py = torch.from_numpy(pool["labels"]).long()
if a.data == "pool":
    ds = torch.utils.data.TensorDataset(px, py)
else:
    root = "/usr/share/datasets/fashion-mnist"
    with gzip.open(f"{root}/train-images-idx3-ubyte.gz") as f:
        imgs = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)
    with gzip.open(f"{root}/train-labels-idx1-ubyte.gz") as f:
        labs = np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)
    x01 = imgs.astype(np.float64) / 255.0
    mean, std = x01.mean(), x01.std()
    norm = ((x01 - mean) / std).astype(np.float32)
    fill = np.float32((0 - mean) / std)

    class Stream(torch.utils.data.Dataset):
        def __len__(self):
            return len(norm)

        def __getitem__(self, i):
            big = np.full((40, 40), fill, np.float32)
            big[6:34, 6:34] = norm[i]  # pad 2 to 32, then RandomCrop padding 4
            dy, dx = np.random.randint(0, 9, 2)
            im = big[dy:dy + 32, dx:dx + 32]
            if np.random.rand() < 0.5:
                im = im[:, ::-1]
            return torch.from_numpy(im.copy())[None], int(labs[i])
    ds = Stream()
loader = torch.utils.data.DataLoader(ds, batch_size=64, shuffle=True)  # train_cifar.py: batchsize 128 / 2
if a.data == "pool3":
    class Triples:
        """initbench's draw for objective steps: A, B the halves of one permutation of the pool, C the first
        half of another (only meaningful when every step is an objective step: 3 batches an iteration)."""
        def __iter__(self):
            while True:
                p1, p2 = torch.randperm(len(px)), torch.randperm(len(px))
                for idx in (p1[:64], p1[64:], p2[:64]):
                    yield px[idx], py[idx]
    loader = Triples()
IDX = os.path.abspath(a.idx) if a.idx else None
if a.data == "poolidx":
    class Exact:
        """initbench's own draws: --idx holds GradInit.fit's A, B, C of each iteration (int32 pool indices,
        64 each); all-objective runs only (gamma above every gradient norm: 3 batches an iteration)."""
        def __iter__(self):
            idx = torch.from_numpy(np.fromfile(IDX, "<i4").astype(np.int64)).view(-1, 64)
            for row in idx:
                if a.jitter:  # the same images in another order: only float rounding changes
                    row = row[torch.randperm(len(row))]
                yield px[row], py[row]
    loader = Exact()

args = argparse.Namespace(  # launch/run_gradinit.sh (BN ResNet: glr 1e-3) and train_cifar.py defaults
    gradinit_resume="", gradinit_alg="sgd", gradinit_eta=0.1, gradinit_gamma=a.gamma, gradinit_normalize_grad=True,
    gradinit_lr=1e-3, gradinit_min_scale=0.01, gradinit_iters=a.iters, gradinit_grad_clip=1.0,
    batch_no_overlap=False, expname="ref")
buf = io.StringIO()
t0 = time.time()
with tempfile.TemporaryDirectory() as tmp:
    cwd = os.getcwd()
    os.chdir(tmp)  # gradinit() saves chks/ref_init.pth in the working directory
    try:
        with contextlib.redirect_stdout(buf):
            gradinit_utils.gradinit(net, loader, args)
    finally:
        os.chdir(cwd)
secs = time.time() - t0
log = buf.getvalue().strip().splitlines()
alpha = {}
for k, v in net.named_parameters():
    n0 = theta0[k].norm().item()
    alpha[k] = None if n0 == 0 else v.detach().double().norm().item() / n0
out = {"iters": a.iters, "seed": a.seed, "data": a.data, "seconds": secs, "torch": torch.__version__,
       "log_last": log[-1] if log else None, "log": log, "alpha": alpha}
with open(a.out, "w") as f:
    json.dump(out, f, indent=1)
if a.weights:
    np.savez(a.weights, **{k: v.detach().numpy() for k, v in net.state_dict().items()})
print(log[-1] if log else "", f"[{secs:.0f} s]")
