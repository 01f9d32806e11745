"""The upscaler's inputs: the 64×64 clips as the pack's autoencoder gives them back.

/usr/bin/python3 training/upscale/recon.py --data $T2V_CACHE/up [--variants 3]

Each frame is encoded with the shipped encoder (training/snapshots/ae.fp16.pt), its latent is
perturbed the way a generated latent differs from an encoded one, and decoded with the shipped
decoder. Writes, per split, latents.f16 (N×T×8×8×8, unperturbed), recon.u8 (K×N×T×64×64×3) and
recon-levels.json (the noise level of each variant of each clip, in units of the latent's std).

Variant 0 is the plain reconstruction. In train, the other variants draw a level uniformly from
[0.05, 0.3] per clip, and noise that is partly shared over the clip's frames (a drift) and partly
fresh per frame (flicker), in a random mix. In held-out, variant k has the fixed level 0.15·k with
the same mix of half shared, half per frame, so every run is scored on the same inputs.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from common import CACHE, load_snapshot  # noqa: E402
from models import Decoder, Encoder  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from updata import UpSplit  # noqa: E402


def load_ae():
    snap = load_snapshot("ae.fp16.pt")
    enc, dec = Encoder(), Decoder()
    enc.load_state_dict(snap["enc"]); dec.load_state_dict(snap["dec"])
    enc.eval(); dec.eval()
    # channels-last convolutions are ~3× faster here on batches of one clip's 16 frames
    enc, dec = enc.to(memory_format=torch.channels_last), dec.to(memory_format=torch.channels_last)
    return enc, dec, snap["step"]


def to_unit(u8):
    x = torch.from_numpy(np.array(u8, dtype=np.float32)).permute(0, 3, 1, 2) / 127.5 - 1
    return x.contiguous(memory_format=torch.channels_last)


def to_u8(x):
    return ((x.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).permute(0, 2, 3, 1).numpy()


@torch.inference_mode()
def encode(enc, split, chunk=1):
    out = np.zeros((split.n, split.t, 8, 8, 8), dtype=np.float16)
    for i in range(0, split.n, chunk):
        clips = split.lr[i:i + chunk]
        b = clips.shape[0]
        out[i:i + b] = enc(to_unit(clips.reshape(-1, 64, 64, 3))).reshape(b, split.t, 8, 8, 8).numpy()
    return out


@torch.inference_mode()
def decode_variants(dec, lat, std, levels, mix, seed, path, chunk=1):
    k_n, n = levels.shape
    t = lat.shape[1]
    rec = np.lib.format.open_memmap(path + ".tmp.npy", mode="w+", dtype=np.uint8, shape=(k_n, n, t, 64, 64, 3))
    g = torch.Generator().manual_seed(seed)
    s = torch.tensor(std).view(1, 1, 8, 1, 1)
    for k in range(k_n):
        for i in range(0, n, chunk):
            z = torch.from_numpy(lat[i:i + chunk].astype(np.float32))
            b = z.shape[0]
            lev = torch.from_numpy(levels[k, i:i + b]).float().view(b, 1, 1, 1, 1)
            rho = torch.from_numpy(mix[k, i:i + b]).float().view(b, 1, 1, 1, 1)
            shared = torch.randn(b, 1, 8, 8, 8, generator=g)
            fresh = torch.randn(b, t, 8, 8, 8, generator=g)
            z = z + lev * s * (rho.sqrt() * shared + (1 - rho).sqrt() * fresh)
            rec[k, i:i + b] = to_u8(dec(z.reshape(-1, 8, 8, 8).contiguous(memory_format=torch.channels_last))).reshape(b, t, 64, 64, 3)
        print(f"  variant {k}: {n} clips decoded", flush=True)
    rec.flush()
    del rec
    os.replace(path + ".tmp.npy", path)


def main(a):
    enc, dec, ae_step = load_ae()
    std = None
    for name in ("train", "heldout"):  # train first: its latents give the per-channel std
        root = os.path.join(a.data, name)
        split = UpSplit(root, with_recon=False)
        t0 = time.time()
        lat = encode(enc, split)
        lat.tofile(os.path.join(root, "latents.f16"))
        if std is None:
            std = lat.astype(np.float32).transpose(2, 0, 1, 3, 4).reshape(8, -1).std(1).tolist()
        print(f"{name}: encoded {split.n} clips in {time.time() - t0:.0f}s", flush=True)
        rng = np.random.default_rng(11 if name == "train" else 12)
        if name == "train":
            levels = rng.uniform(0.05, a.max_level, (a.variants, split.n))
            levels[0] = 0
            mix = rng.uniform(0, 1, (a.variants, split.n))
        else:
            levels = np.repeat((0.15 * np.arange(a.variants))[:, None], split.n, 1)
            mix = np.full((a.variants, split.n), 0.5)
        decode_variants(dec, lat, std, levels, mix, 21 if name == "train" else 22, os.path.join(root, "recon.npy"))
        with open(os.path.join(root, "recon-levels.json"), "w") as f:
            json.dump({"ae_step": ae_step, "latent_std": std, "levels": levels.round(4).tolist(), "shared_mix": mix.round(4).tolist()}, f)
        print(f"{name}: {a.variants} variants in {time.time() - t0:.0f}s", flush=True)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--data", default=os.path.join(os.path.abspath(CACHE), "up"))
    p.add_argument("--variants", type=int, default=3)
    p.add_argument("--max-level", type=float, default=0.3, help="largest noise level on train latents, in latent std")
    torch.set_num_threads(int(os.environ.get("T2V_THREADS", 1)))  # the machine is shared: one thread unless told
    main(p.parse_args())
