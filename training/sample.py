"""Samples prompts with the current checkpoint in PyTorch (rectified-flow Euler + CFG) and writes a
contact sheet: a quick look at training progress, independent of the ONNX export and the studio.

/usr/bin/python3 training/sample.py --data DIR --out sheet.png ["a red ball falls" ...]
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from common import CACHE, load, setup_threads  # noqa: E402
from models import Decoder, DiT, TextEncoder, dit_depth  # noqa: E402
from tok import PAD, LENGTH, Tokenizer  # noqa: E402


@torch.no_grad()
def sample(te, dit, tok, prompts, steps=20, cfg=3.0, seed=0):
    g = torch.Generator().manual_seed(seed)
    b = len(prompts)
    x = torch.randn(b, 8, 16, 8, 8, generator=g)
    text = te(torch.tensor([tok.encode(p) for p in prompts] + [[PAD] * LENGTH] * b))
    sim, flag = torch.zeros(2 * b, 16, 64, 64), torch.zeros(2 * b)
    ts = torch.linspace(1, 0, steps + 1)
    for i in range(steps):
        t = ts[i].repeat(2 * b)
        v = dit(torch.cat([x, x]), t, text, sim, flag)
        v = v[b:] + cfg * (v[:b] - v[b:])
        x = x + (ts[i + 1] - ts[i]) * v
    return x


def main(a):
    ck = load(os.path.join(CACHE, "runs", "dit.pt"))
    tj = ck["tokenizer"]
    te, dit = TextEncoder(len(tj["model"]["vocab"])), DiT(depth=dit_depth(ck["ema_dit"]))
    te.load_state_dict(ck["ema_te"]); dit.load_state_dict(ck["ema_dit"])
    te.eval(); dit.eval()
    ae = load(os.path.join(CACHE, "runs", "ae.pt"))
    dec = Decoder(); dec.load_state_dict(ae["dec"]); dec.eval()
    with open(os.path.join(a.data, "latent-stats.json")) as f:
        st = json.load(f)
    mean = torch.tensor(st["mean"]).view(1, -1, 1, 1, 1); std = torch.tensor(st["std"]).view(1, -1, 1, 1, 1)
    prompts = a.prompts or ["a large red ball falls and bounces on the ground", "two blue boxes slide to the right at sunset", "a green triangle is thrown to the left on the beach", "a yellow ball rolls left at night"]
    z = sample(te, dit, Tokenizer(tj), prompts, steps=a.steps, cfg=a.cfg) * std + mean
    with torch.no_grad():
        rgb = dec(z.permute(0, 2, 1, 3, 4).reshape(-1, 8, 8, 8)).clamp(-1, 1)
    rgb = ((rgb + 1) * 127.5).round().byte().reshape(len(prompts), 16, 3, 64, 64).permute(0, 3, 1, 4, 2).numpy()
    rows = [np.concatenate([r[:, k] for k in range(0, 16, 2)], axis=1) for r in rgb]
    from PIL import Image
    Image.fromarray(np.concatenate(rows, axis=0)).resize((8 * 128, len(prompts) * 128), Image.NEAREST).save(a.out)
    print(f"step {ck['step']}: {a.out}")


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--out", default="sheet.png")
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--cfg", type=float, default=3.0)
    p.add_argument("prompts", nargs="*")
    setup_threads()
    main(p.parse_args())
