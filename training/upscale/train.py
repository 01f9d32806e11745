"""Trains the 4× upscaler (training/upscale/sr.py) on the pairs from dataset.ts + recon.py.

/usr/bin/python3 training/upscale/train.py [--data $T2V_CACHE/up] [--steps 12000] [--batch 16]

Inputs are the autoencoder's reconstructions of the 64×64 clips (a random perturbation variant
per sample), targets the true 256×256 renders of the same frames. Random crops: a 32×32 low-res
window over three consecutive frames → the middle frame's 128×128 target. Loss: L1 plus an L1 on
image gradients (sharp edges). Adam with a short warm-up and cosine decay, an EMA of the weights.
Checkpoints to RUN/sr.pt every few minutes (atomic rename) and resumes from it; logs JSON lines to
RUN/train.log.jsonl; every --eval-every steps prints the EMA model's PSNR on held-out clips next to
Lanczos's.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, HERE)
from common import CACHE, EMA, Log, load, save  # noqa: E402
from sr import SCALE, SRNet, lanczos, psnr, to_unit, upscale_clips, window  # noqa: E402
from updata import UpSplit, coverage  # noqa: E402


def grads(x):
    return x[..., :, 1:] - x[..., :, :-1], x[..., 1:, :] - x[..., :-1, :]


def faded(x, cov, alpha):
    """x [3, h, w, 3] u8 frames with their objects pulled toward the background around them:
    cov [3, h, w] object coverage in [0, 1] (grown by a pixel, so the decoder's soft rim fades too),
    alpha [3] per frame. The background under an object is the mean of the uncovered pixels in a
    9×9 window, or a 33×33 one in a large object's middle (a normalised box filter)."""
    xf = torch.from_numpy(x).float().permute(0, 3, 1, 2)  # [3, 3, h, w]
    c = F.max_pool2d(torch.from_numpy(cov).float().unsqueeze(1), 3, 1, 1)  # [3, 1, h, w]
    free = 1 - c
    bg, known = torch.zeros_like(xf), torch.zeros_like(c)
    for k in (9, 33):  # the wider window where an object's middle is far from any uncovered pixel
        w = F.avg_pool2d(free, k, 1, k // 2, count_include_pad=False)
        est = F.avg_pool2d(xf * free, k, 1, k // 2, count_include_pad=False) / w.clamp_min(1e-6)
        use = (known == 0) & (w > 0.05)
        bg = torch.where(use, est, bg)
        known = torch.where(use, torch.ones_like(known), known)
    a = torch.from_numpy(alpha).float().view(3, 1, 1, 1) * c * known
    out = xf + a * (bg - xf)
    return out.round().clamp(0, 255).byte().permute(0, 2, 3, 1).numpy()


def batch(split, rng, n, crop, fade=0.0, fade_max=0.85):
    """n samples: LR [n, 9, crop, crop] (frames t−1, t, t+1), HR [n, 3, 4·crop, 4·crop] of frame t
    and its object coverage [n, 1, 4·crop, 4·crop] in [0, 1]. With probability `fade` a sample's
    input objects are faded toward the background (by up to `fade_max`, varying per frame), as
    generated clips draw small or low-contrast objects at first; the target stays the true render."""
    k_n = split.recon.shape[0]
    xs = np.empty((n, 3, crop, crop, 3), np.uint8)
    ys = np.empty((n, crop * SCALE, crop * SCALE, 3), np.uint8)
    ms = np.empty((n, crop * SCALE, crop * SCALE), np.uint8)
    for j in range(n):
        i, k, c = rng.integers(split.n), rng.integers(k_n), rng.integers(split.t)
        idx = window(split.t, c)
        if rng.random() < 0.5:
            idx = idx[::-1]  # time reversed: the same frames, the other way round
        y0, x0 = rng.integers(0, split.h - crop + 1), rng.integers(0, split.w - crop + 1)
        xs[j] = split.recon[k, i, idx, y0:y0 + crop, x0:x0 + crop]
        ys[j] = split.hr[i, c, y0 * SCALE:(y0 + crop) * SCALE, x0 * SCALE:(x0 + crop) * SCALE]
        ms[j] = split.hrmask[i, c, y0 * SCALE:(y0 + crop) * SCALE, x0 * SCALE:(x0 + crop) * SCALE]
        if fade > 0 and rng.random() < fade:
            cov = coverage(split.hrmask[i, idx, y0 * SCALE:(y0 + crop) * SCALE, x0 * SCALE:(x0 + crop) * SCALE])
            alpha = rng.uniform(0.3, fade_max) * rng.uniform(0.5, 1.0, 3)
            xs[j] = faded(xs[j], cov, alpha)
    x = to_unit(xs).reshape(n, 9, crop, crop)
    return x, to_unit(ys), torch.from_numpy(ms).float().unsqueeze(1) / 255


def outline_band(m, radius):
    """1 within radius output pixels of an object outline (where coverage is strictly between 0 and 1), else 0."""
    edge = ((m > 0.02) & (m < 0.98)).float()
    return F.max_pool2d(edge, 2 * radius + 1, 1, radius)


class Heldout:
    """A fixed slice of held-out clips (variant 0 and the noisiest variant) with Lanczos's PSNR."""

    def __init__(self, split, clips):
        self.split = split
        self.clips = min(clips, split.n)
        self.variants = sorted({0, split.recon.shape[0] - 1})
        self.truth = np.asarray(split.hr[:self.clips])
        self.inputs = {k: np.asarray(split.recon[k, :self.clips]) for k in self.variants}
        self.lanczos = {k: psnr(lanczos(self.inputs[k]), self.truth) for k in self.variants}

    def __call__(self, model):
        model.eval()
        out = {}
        for k in self.variants:
            level = self.split.levels["levels"][k][0]
            out[f"level{level:g}"] = {"model": round(psnr(upscale_clips(model, self.inputs[k]), self.truth), 3), "lanczos": round(self.lanczos[k], 3)}
        model.train()
        return out


def main(a):
    torch.set_num_threads(int(os.environ.get("T2V_THREADS", 1)))  # shared machine: one thread unless told
    torch.set_flush_denormal(True)
    train = UpSplit(os.path.join(a.data, "train"))
    held = UpSplit(os.path.join(a.data, "heldout"))
    run = a.run or os.path.join(a.data, "runs")
    os.makedirs(run, exist_ok=True)
    ckpt_path = os.path.join(run, "sr.pt")
    log = Log(os.path.join(run, "train.log.jsonl"))
    model = SRNet(ch=a.ch, body=a.body)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr, betas=(0.9, 0.99))
    ema = EMA(model, a.ema)
    step, wall = 0, 0.0
    ck = load(ckpt_path)
    if ck is None and a.init_from:  # a fine-tune: start from another run's weights (its EMA), fresh optimizer
        init = load(a.init_from)
        if init is None or init["arch"] != {"ch": a.ch, "body": a.body}:
            sys.exit(f"--init-from {a.init_from}: no checkpoint of a {a.ch}-channel, {a.body}-body network")
        model.load_state_dict(init["ema"]); ema = EMA(model, a.ema)
        log(event="init", init_from=a.init_from, init_step=init["step"])
    if ck:
        if ck["arch"] != {"ch": a.ch, "body": a.body}:
            sys.exit(f"{ckpt_path} is a {ck['arch']} network; pass the same --ch/--body or another --run")
        model.load_state_dict(ck["model"]); opt.load_state_dict(ck["opt"]); ema.shadow = ck["ema"]
        step, wall = ck["step"], ck.get("wall", 0.0)
        print(f"resumed at step {step}", flush=True)
    else:
        log(event="start", params=sum(p.numel() for p in model.parameters()), gflop_per_frame=round(model.flops_per_frame() / 1e9, 3), args=vars(a), train_clips=train.n, heldout_clips=held.n)
    heldout = Heldout(held, a.eval_clips)
    ema_model = SRNet(ch=a.ch, body=a.body)

    def checkpoint():
        save(ckpt_path, model=model.state_dict(), opt=opt.state_dict(), ema=ema.shadow, step=step, wall=wall,
             arch={"ch": a.ch, "body": a.body}, args=vars(a), train_clips=train.n, last_eval=last_eval)

    last_eval = ck.get("last_eval") if ck else None
    rng = np.random.default_rng(1000 + step)
    t_ck = t_log = time.time()
    losses = []
    while step < a.steps:
        t0 = time.time()
        lr = a.lr * min(1.0, (step + 1) / a.warmup) * (a.min_lr + (1 - a.min_lr) * 0.5 * (1 + np.cos(np.pi * min(1.0, step / a.steps))))
        for g in opt.param_groups:
            g["lr"] = lr
        x, y, m = batch(train, rng, a.batch, a.crop, a.fade, a.fade_max)
        out = model.core(x)
        if a.edge_weight > 0:  # object outlines count more: sharp, well-placed edges
            loss = ((1 + a.edge_weight * outline_band(m, a.edge_radius)) * (out - y).abs()).mean()
        else:
            loss = (out - y).abs().mean()
        if a.grad_loss > 0:
            loss = loss + a.grad_loss * sum((p - q).abs().mean() for p, q in zip(grads(out), grads(y)))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        ema.update(model)
        step += 1
        wall += time.time() - t0
        losses.append(loss.item())
        if step % a.log_every == 0:
            log(step=step, loss=round(float(np.mean(losses)), 5), lr=round(lr, 7), s_per_step=round((time.time() - t_log) / a.log_every, 3))
            losses, t_log = [], time.time()
        if step % a.eval_every == 0 or step == a.steps:
            ema_model.load_state_dict(ema.shadow)
            t1 = time.time()
            last_eval = {"step": step, **heldout(ema_model)}
            log(event="heldout_psnr", clips=heldout.clips, eval_s=round(time.time() - t1, 1), **last_eval)
            t_log = time.time()
        if time.time() - t_ck > a.checkpoint_s or step == a.steps:
            checkpoint()
            t_ck = time.time()
    log(event="done", step=step, train_wall_s=round(wall))


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--data", default=os.path.join(os.path.abspath(CACHE), "up"))
    p.add_argument("--run", default=None, help="folder for sr.pt and the log (default DATA/runs)")
    p.add_argument("--steps", type=int, default=12000)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--crop", type=int, default=32, help="low-res crop side (the target is 4× that)")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--min-lr", type=float, default=0.02, help="the cosine schedule's floor, as a fraction of --lr")
    p.add_argument("--warmup", type=int, default=200)
    p.add_argument("--ema", type=float, default=0.999)
    p.add_argument("--grad-loss", type=float, default=0.5)
    p.add_argument("--edge-weight", type=float, default=0.0, help="extra L1 weight within --edge-radius px of object outlines")
    p.add_argument("--edge-radius", type=int, default=3)
    p.add_argument("--fade", type=float, default=0.0, help="share of samples whose input objects are faded toward the background (the target is not)")
    p.add_argument("--fade-max", type=float, default=0.85, help="the most a faded object is pulled toward the background")
    p.add_argument("--init-from", default=None, help="with no checkpoint in --run yet, start from this checkpoint's EMA weights")
    p.add_argument("--ch", type=int, default=32)
    p.add_argument("--body", type=int, default=5)
    p.add_argument("--eval-every", type=int, default=1000)
    p.add_argument("--eval-clips", type=int, default=12)
    p.add_argument("--log-every", type=int, default=50)
    p.add_argument("--checkpoint-s", type=float, default=180)
    main(p.parse_args())
