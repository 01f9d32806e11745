"""Stage 2: text encoder + diffusion transformer on the autoencoder's latents (rectified flow).

/usr/bin/python3 training/train_dit.py --data DIR --steps 12000
Resumes from its checkpoint; writes a fp16 EMA snapshot into training/snapshots/ at milestones.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from common import CACHE, EMA, SNAPSHOTS, Log, load, load_snapshot, save, setup_threads  # noqa: E402
from data import Split  # noqa: E402
from models import DiT, TextEncoder, dit_depth, grow_depth  # noqa: E402
from tok import PAD, Tokenizer, build_tokenizer_json  # noqa: E402


def build(vocab, depth, known=False):
    return TextEncoder(vocab), DiT(depth=depth, known=known)


def known_mask(rng, b, frames, share, later=None):
    """Which latent frames are given, per clip: none on 1 − share of the clips; otherwise the first
    frame (image-to-video), the first K (continuation, K in 2..12) or the first and the last
    (in-betweening). A clip from later in a simulation (later[i]) always gets its first K: the prompt
    describes how the scene began, so only its given frames say where the scene is now."""
    m = torch.zeros(b, frames)
    for i in range(b):
        if later is not None and later[i]:
            m[i, : rng.integers(1, 13)] = 1
            continue
        if rng.random() >= share:
            continue
        r = rng.random()
        if r < 0.35:
            m[i, 0] = 1
        elif r < 0.75:
            m[i, : rng.integers(2, 13)] = 1
        else:
            m[i, 0] = m[i, -1] = 1
    return m


def add_known_input(ck, dit):
    """A checkpoint of a DiT without the known-frames input, given it at its initial (zero) weights
    in the model and the EMA, so it starts computing exactly what it did."""
    fresh = {k: v for k, v in dit.state_dict().items() if k.startswith("known_embed.")}
    if all(k in ck["dit"] for k in fresh):
        return False
    for key in ("dit", "ema_dit"):
        ck[key] = {**ck[key], **{k: v.clone() for k, v in fresh.items()}}
    ck.pop("opt", None)  # its parameter order no longer matches
    ck["warm_from"] = ck["step"]
    return True


def grow(ck, te, dit):
    """A checkpoint of a shallower DiT, made as deep as `dit` in place (see models.grow_depth). The
    Adam state follows each old parameter to its new place; the new blocks start with none."""
    old, depth = dit_depth(ck["dit"]), len(dit.blocks)
    ck["dit"], source = grow_depth(ck["dit"], depth)
    # the EMA follows the same map; its new blocks start as the trained model's, each a tensor of its own
    ema = ck["ema_dit"]
    ck["ema_dit"] = {k: ema[src] if src else ck["dit"][k].clone() for k, src in source.items()}
    te_names = [f"te.{n}" for n, _ in te.named_parameters()]
    where = {n: i for i, n in enumerate(te_names + [f"dit.{n}" for n, _ in DiT(depth=old).named_parameters()])}
    # for each parameter of the grown pair, in optimizer order, the old parameter it came from
    sources = te_names + [source[n] and f"dit.{source[n]}" for n, _ in dit.named_parameters()]
    opt = ck.get("opt")
    if opt:
        opt["state"] = {i: opt["state"][where[src]] for i, src in enumerate(sources) if src and where[src] in opt["state"]}
        opt["param_groups"][0]["params"] = list(range(len(sources)))
    added = sorted({int(k.split(".")[1]) for k, src in source.items() if src is None})
    print(f"grew the DiT from {old} to {depth} blocks (new at {added})", flush=True)


def average_snapshot(ck, path, lead):
    """Starts from the mean of the snapshot's weights and another snapshot's (the shipped pack is the
    mean of two EMA snapshots of one run)."""
    other = load_snapshot(os.path.basename(path)) if os.path.dirname(os.path.abspath(path)) == os.path.abspath(SNAPSHOTS) else load(path)
    o_te, o_dit = (other["ema_te"], other["ema_dit"]) if "ema_dit" in other else (other["te"], other["dit"])
    mean = lambda a, b: {k: (v.float() + b[k].float()) / 2 if v.dtype.is_floating_point else v for k, v in a.items()}  # noqa: E731
    te, dit = mean(ck["te"], o_te), mean(ck["dit"], o_dit)
    if lead:
        print(f"averaged with {path} (step {other['step']})", flush=True)
    return {**ck, "te": te, "dit": dit, "ema_te": te, "ema_dit": dit}


def from_snapshot(tj, lead):
    """A run started on a fresh machine from the committed EMA snapshot: its weights become both the
    model and the EMA, the step count goes on from the snapshot's, and the optimizer starts empty
    (so the learning rate warms up again, see learning_rate)."""
    snap = load_snapshot("dit-ema.fp16.pt")
    if snap["tokenizer"] != tj:
        sys.exit("--from-snapshot: the snapshot's tokenizer differs from the one built from --data's words.json")
    if lead:
        print(f"starting from training/snapshots/dit-ema.fp16.pt (step {snap['step']}), optimizer state fresh", flush=True)
    # the same tensors serve as model and EMA: train() loads the one and clones the other
    return {"te": snap["te"], "dit": snap["dit"], "ema_te": snap["te"], "ema_dit": snap["dit"],
            "step": snap["step"], "wall": snap["wall"], "warm_from": snap["step"]}


def load_tokenizer(data):
    with open(os.path.join(data, "words.json")) as f:
        tj = build_tokenizer_json(json.load(f))
    return tj, Tokenizer(tj)


class Batches:
    """Normalised latents, prompt ids and simulation masks, all in memory or memory-mapped."""

    def __init__(self, data, name, tokenizer):
        self.split = Split(os.path.join(data, name))
        with open(os.path.join(data, "latent-stats.json")) as f:
            st = json.load(f)
        mean = np.array(st["mean"], dtype=np.float32).reshape(1, -1, 1, 1, 1)
        std = np.array(st["std"], dtype=np.float32).reshape(1, -1, 1, 1, 1)
        self.latents = ((np.load(os.path.join(data, f"latents-{name}.npy")).astype(np.float32) - mean) / std).astype(np.float16)
        # Only the clips that were encoded (the first N of the split) are used.
        self.ids = np.array([tokenizer.encode(p) for p in self.split.prompts[: self.latents.shape[0]]], dtype=np.int64)
        self.counts = np.array([m["description"]["count"] for m in self.split.meta[: self.latents.shape[0]]])
        # Clips that start later in a longer simulation (`npm run dataset -- --later`): always continued.
        self.later = np.array([m.get("offset", 0) > 0 for m in self.split.meta[: self.latents.shape[0]]])

    def draw(self, rng, size, count_weights):
        """Clip indices for one batch; count_weights[k] weighs clips with k+1 objects (all equal: uniform)."""
        n = self.latents.shape[0]
        if len(set(count_weights)) == 1:
            return rng.integers(0, n, size)
        w = np.array(count_weights, dtype=np.float64)[self.counts - 1]
        return rng.choice(n, size, p=w / w.sum())

    def get(self, idx):
        x0 = torch.from_numpy(self.latents[idx].astype(np.float32))
        ids = torch.from_numpy(self.ids[idx])
        sim = torch.from_numpy(np.ascontiguousarray(self.split.masks[np.sort(idx)])[np.argsort(np.argsort(idx))]).float() / 255
        return x0, ids, sim


def average_gradients(params, world, loss):
    """Data parallelism by hand: one all-reduce of every gradient, flattened, then the mean.
    The loss rides along, so the logged loss is the whole batch's; returns it."""
    grads = [p.grad if p.grad is not None else torch.zeros_like(p) for p in params]
    flat = torch.cat([g.reshape(-1) for g in grads] + [loss.detach().reshape(1)])
    dist.all_reduce(flat)
    flat /= world
    i = 0
    for p, g in zip(params, grads):
        p.grad = flat[i:i + g.numel()].view_as(g)
        i += g.numel()
    return flat[-1]


def train(args, rank=0):
    world = args.procs
    tj, tokenizer = load_tokenizer(args.data)
    data = Batches(args.data, "train", tokenizer)
    run = os.path.join(CACHE, "runs")
    os.makedirs(run, exist_ok=True)
    ckpt_path = os.path.join(run, f"{args.run}.pt")
    lead = rank == 0  # the process that logs, keeps the EMA and writes checkpoints
    ck = load(ckpt_path)
    if ck is None and args.from_snapshot:
        ck = from_snapshot(tj, lead)
        if args.start_average_with:
            ck = average_snapshot(ck, args.start_average_with, lead)
    have = dit_depth(ck["dit"]) if ck else 8
    depth = args.depth or have
    if depth < have:
        sys.exit(f"--depth {depth}: the checkpoint {ckpt_path} has {have} blocks, and a DiT cannot be made shallower")
    torch.manual_seed(0)  # every process builds the same initial weights
    known = args.known > 0 or bool(ck and "known_embed.weight" in ck["dit"])
    te, dit = build(len(tj["model"]["vocab"]), depth, known)
    if ck and have < depth:
        grow(ck, te, dit)
    if ck and known and add_known_input(ck, dit) and lead:
        print("added the known-frames input (zero weights), optimizer state fresh", flush=True)
    params = list(te.parameters()) + list(dit.parameters())
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.0)
    step, wall, warm_from = 0, 0.0, 0
    ema_te, ema_dit = EMA(te, args.ema), EMA(dit, args.ema)
    if ck:
        te.load_state_dict(ck["te"]); dit.load_state_dict(ck["dit"])
        if "opt" in ck:
            opt.load_state_dict(ck["opt"])
        ema_te.shadow = {k: v.clone() for k, v in ck["ema_te"].items()}
        ema_dit.shadow = {k: v.clone() for k, v in ck["ema_dit"].items()}
        step, wall, warm_from = ck["step"], ck.get("wall", 0.0), ck.get("warm_from", 0)
    if lead:
        print(f"params: text {sum(p.numel() for p in te.parameters())/1e6:.2f}M dit {sum(p.numel() for p in dit.parameters())/1e6:.2f}M, from step {step}, {world} process(es)", flush=True)
    log = Log(os.path.join(run, f"{args.run}.log.jsonl"))
    # Each process draws its own share of the batch.
    rng = np.random.default_rng(1000 + step + 7_919 * rank)
    torch.manual_seed(1000 + step + 100_003 * rank)
    t_last = time.time()
    last = min(args.steps, args.until or args.steps)
    while step < last:
        idx = data.draw(rng, args.batch // world, args.count_weights)
        x0, ids, sim = data.get(idx)
        b = x0.shape[0]
        ids[torch.rand(b) < args.text_drop] = PAD  # prompt dropout, for classifier-free guidance
        flag = (torch.rand(b) < args.sim_keep).float()
        t = torch.sigmoid(torch.randn(b))  # logit-normal timesteps
        noise = torch.randn_like(x0)
        tt = t.view(-1, 1, 1, 1, 1)
        xt = (1 - tt) * x0 + tt * noise
        km = known_mask(rng, b, x0.shape[2], args.known, data.later[idx] if known else None)
        given = km.view(b, 1, -1, 1, 1)
        xt = given * x0 + (1 - given) * xt  # given frames are clean; the loss is on the others
        v = dit(xt, t, te(ids), sim, flag, x0, km) if known else dit(xt, t, te(ids), sim, flag)
        cover = F.max_pool2d(sim, 8).unsqueeze(1)  # [B,1,T,8,8]: object cells get more weight
        err = (1 + args.object_weight * cover) * (v - (noise - x0)) ** 2 * (1 - given)
        loss = err.mean() / (1 - given).mean()
        lr = learning_rate(args, step, warm_from)
        for g in opt.param_groups:
            g["lr"] = lr
        opt.zero_grad()
        loss.backward()
        shown = average_gradients(params, world, loss) if world > 1 else loss.detach()
        gn = torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        step += 1
        now = time.time(); wall += now - t_last; t_last = now
        if not lead:
            continue
        decay = min(args.ema, (1 + step) / (10 + step))
        ema_te.decay = ema_dit.decay = decay
        ema_te.update(te); ema_dit.update(dit)
        if step % 25 == 0:
            log(stage="dit", step=step, loss=round(shown.item(), 4), grad=round(gn.item(), 3), lr=lr, train_wall_s=round(wall))
        if step % args.ckpt_every == 0 or step == last:
            save(ckpt_path, te=te.state_dict(), dit=dit.state_dict(), opt=opt.state_dict(), ema_te=ema_te.shadow, ema_dit=ema_dit.shadow, step=step, wall=wall, warm_from=warm_from, tokenizer=tj)
        if step % args.snapshot_every == 0 or step == last:
            snapshot(ema_te.shadow, ema_dit.shadow, step, wall, tj, f"{args.run}-ema.fp16.pt")


def worker(rank, args):
    setup_threads()
    os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
    os.environ.setdefault("MASTER_PORT", str(args.port))
    dist.init_process_group("gloo", rank=rank, world_size=args.procs)
    try:
        train(args, rank)
    finally:
        dist.destroy_process_group()


def learning_rate(args, step, warm_from=0):
    """Warm-up over 300 steps from warm_from (where the optimizer state began), then constant; with
    --decay-from, linear decay to lr*lr_floor at --steps."""
    lr = args.lr * min(1.0, (step - warm_from + 1) / 300)
    if args.decay_from is not None and step >= args.decay_from:
        frac = min(1.0, (step - args.decay_from) / max(1, args.steps - args.decay_from))
        lr *= 1 - (1 - args.lr_floor) * frac
    return lr


def snapshot(te_sd, dit_sd, step, wall, tj, name):
    """fp16 EMA weights, small enough to commit, so a fresh machine can export or resume."""
    os.makedirs(SNAPSHOTS, exist_ok=True)
    half = lambda sd: {k: v.half() if v.dtype.is_floating_point else v for k, v in sd.items()}  # noqa: E731
    torch.save({"te": half(te_sd), "dit": half(dit_sd), "step": step, "wall": wall, "tokenizer": tj}, os.path.join(SNAPSHOTS, name))
    ae = load(os.path.join(CACHE, "runs", "ae.pt"))
    if ae:
        torch.save({"enc": half(ae["enc"]), "dec": half(ae["dec"]), "step": ae["step"]}, os.path.join(SNAPSHOTS, "ae.fp16.pt"))


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--steps", type=int, default=12000)
    p.add_argument("--batch", type=int, default=24)
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--decay-from", type=int, default=None, help="step where the learning rate starts its linear decay")
    p.add_argument("--lr-floor", type=float, default=0.1, help="final learning rate as a share of --lr")
    p.add_argument("--ema", type=float, default=0.999)
    p.add_argument("--text-drop", type=float, default=0.1)
    p.add_argument("--sim-keep", type=float, default=0.4, help="share of steps that see the simulation input")
    p.add_argument("--object-weight", type=float, default=3.0)
    p.add_argument("--count-weights", type=lambda v: [float(x) for x in v.split(",")], default=[1.0, 1.0, 1.0],
                   help="sampling weight of clips with 1,2,3 objects, e.g. 1,2,2.5 (default: uniform over clips)")
    p.add_argument("--depth", type=int, default=None, help="DiT blocks (default: the checkpoint's, or 8); more than the checkpoint has grows it")
    p.add_argument("--from-snapshot", action="store_true", help="with no checkpoint yet, start from training/snapshots/dit-ema.fp16.pt")
    p.add_argument("--start-average-with", help="with --from-snapshot: start from the mean of it and this snapshot (the shipped pack's weights)")
    p.add_argument("--known", type=float, default=0.0, help="share of clips with given frames (first, first K, or first and last); > 0 adds the known-frames input")
    p.add_argument("--run", default="dit", help="run name: its checkpoint is runs/RUN.pt, its snapshot training/snapshots/RUN-ema.fp16.pt")
    p.add_argument("--ckpt-every", type=int, default=250)
    p.add_argument("--snapshot-every", type=int, default=1000)
    p.add_argument("--until", type=int, default=None, help="stop at this step (the schedule still follows --steps)")
    p.add_argument("--procs", type=int, default=1, help="data-parallel processes (one per core; set T2V_THREADS=1)")
    p.add_argument("--port", type=int, default=29517, help="local port the processes meet on")
    a = p.parse_args()
    if a.batch % a.procs:
        p.error("--batch must be a multiple of --procs")
    if a.procs > 1:
        torch.multiprocessing.spawn(worker, args=(a,), nprocs=a.procs)
    else:
        setup_threads()
        train(a)
