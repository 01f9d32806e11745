"""Scores the upscaler against Lanczos on every held-out clip, against the true 256×256 renders.

/usr/bin/python3 training/upscale/eval.py [--ckpt $T2V_CACHE/up/runs/sr.pt] [--json $T2V_CACHE/up/eval.json]

For each input variant (the autoencoder's plain reconstruction, and latent noise 0.15 and 0.3 of the
latent std: see recon.py) and each method (the model, PIL's Lanczos, and bilinear for reference):
  psnr         over all pixels of all held-out clips (from the total squared error), and the mean per clip
  ssim         11×11 Gaussian window (σ 1.5) per RGB channel, averaged over frames and clips
  edge_width   median 10–90% rise, in output pixels, across object outlines: profiles along the
               normal of the true coverage mask's 50% line, on edges with a clean, high-contrast step
               (the truth's own width is printed as the floor)
  flicker      mean |frame t − frame t−1| (0–255) over the pixels whose true value does not change
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
from common import CACHE  # noqa: E402
from export import load_model  # noqa: E402
from sr import SCALE, lanczos, to_u8, to_unit, upscale_clips  # noqa: E402
from updata import UpSplit  # noqa: E402


def gaussian(sigma, radius):
    x = torch.arange(-radius, radius + 1, dtype=torch.float64)
    g = torch.exp(-x ** 2 / (2 * sigma ** 2))
    return (g / g.sum()).float()


G11 = gaussian(1.5, 5)


def band(n, g):
    """[n, n − len(g) + 1] matrix whose columns are g at each valid offset: x @ band = 1-D valid correlation."""
    k = len(g)
    m = torch.zeros(n, n - k + 1)
    for j in range(n - k + 1):
        m[j:j + k, j] = g
    return m


def blur(x, g):
    """Separable blur of [N, C, H, W], valid region only (as two matrix products: fast on CPU)."""
    h, w = x.shape[-2:]
    x = x @ band(w, g)
    return (x.transpose(-1, -2) @ band(h, g)).transpose(-1, -2)


def ssim(a_u8, b_u8):
    """Mean SSIM of uint8 frames [N, H, W, 3]."""
    a = torch.from_numpy(np.asarray(a_u8, dtype=np.float32)).permute(0, 3, 1, 2)
    b = torch.from_numpy(np.asarray(b_u8, dtype=np.float32)).permute(0, 3, 1, 2)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    ma, mb = blur(a, G11), blur(b, G11)
    va, vb, cov = blur(a * a, G11) - ma ** 2, blur(b * b, G11) - mb ** 2, blur(a * b, G11) - ma * mb
    s = ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma ** 2 + mb ** 2 + c1) * (va + vb + c2))
    return float(s.mean())


class EdgeProfiles:
    """Sampling positions across object outlines of one clip's true masks (chosen once, shared by every method)."""

    def __init__(self, masks_u8, truth_u8, frames, per_frame, rng, reach=10.0, step=0.5, min_contrast=30.0):
        self.s = torch.arange(-reach, reach + 1e-6, step)
        self.frames, self.grids, self.keep = [], [], []
        self.reach = reach
        out_side, in_side = self.s <= -5, self.s >= 5
        for f in frames:
            m = torch.from_numpy(masks_u8[f].astype(np.float32) / 255)[None, None]
            h, w = m.shape[-2:]
            ys, xs = np.nonzero((masks_u8[f] > 0.3 * 255) & (masks_u8[f] < 0.7 * 255))
            if len(ys) == 0:
                continue
            pick = rng.choice(len(ys), min(per_frame, len(ys)), replace=False)
            ys, xs = torch.from_numpy(ys[pick]).long(), torch.from_numpy(xs[pick]).long()
            ms = F.conv2d(F.pad(m, (3, 3, 3, 3), mode="replicate"), (gaussian(1.5, 3)[:, None] * gaussian(1.5, 3)[None, :])[None, None])[0, 0]
            gx = (ms[ys, (xs + 1).clamp(max=w - 1)] - ms[ys, (xs - 1).clamp(min=0)]) / 2
            gy = (ms[(ys + 1).clamp(max=h - 1), xs] - ms[(ys - 1).clamp(min=0), xs]) / 2
            norm = torch.sqrt(gx ** 2 + gy ** 2)
            ok = norm > 1e-3
            nx, ny = gx / norm.clamp(min=1e-6), gy / norm.clamp(min=1e-6)  # pointing into the object
            px = xs.float()[:, None] + 0.5 + self.s[None, :] * nx[:, None]
            py = ys.float()[:, None] + 0.5 + self.s[None, :] * ny[:, None]
            grid = torch.stack([px / w * 2 - 1, py / h * 2 - 1], dim=-1)[None]  # [1, P, S, 2]
            inside = (px > 0) & (px < w) & (py > 0) & (py < h)
            ok &= inside.all(1)
            mp = F.grid_sample(m, grid, mode="bilinear", align_corners=False)[0, 0]
            ok &= (mp[:, out_side] < 0.02).all(1) & (mp[:, in_side] > 0.98).all(1)  # one clean outline, nothing else near
            tp = self.sample(truth_u8[f], grid)
            d = tp[:, :, in_side].mean(2) - tp[:, :, out_side].mean(2)
            ok &= d.norm(dim=1) > min_contrast
            if ok.any():
                self.frames.append(f)
                self.grids.append(grid[:, ok])
        self.count = sum(g.shape[1] for g in self.grids)
        self.truth = [self.sample(truth_u8[f], g) for f, g in zip(self.frames, self.grids)]

    @staticmethod
    def sample(img_u8, grid):
        x = torch.from_numpy(np.asarray(img_u8, dtype=np.float32)).permute(2, 0, 1)[None]
        return F.grid_sample(x, grid, mode="bilinear", align_corners=False, padding_mode="border")[0].permute(1, 0, 2)  # [P, 3, S]

    def widths(self, frames_u8):
        """10–90% rise widths (output pixels) of frames_u8 [T, H, W, 3] along these profiles."""
        out = []
        out_side, in_side = self.s <= -5, self.s >= 5
        for f, g, tp in zip(self.frames, self.grids, self.truth):
            p = self.sample(frames_u8[f], g)
            d = tp[:, :, in_side].mean(2) - tp[:, :, out_side].mean(2)  # the true step's colour direction
            u = d / (d ** 2).sum(1, keepdim=True)
            q = (p * u[:, :, None]).sum(1)  # [P, S]
            lo, hi = q[:, out_side].mean(1, keepdim=True), q[:, in_side].mean(1, keepdim=True)
            q = (q - lo) / (hi - lo).where((hi - lo).abs() > 1e-3, torch.full_like(hi, 1e-3))
            out.append(rise(q.numpy(), self.s.numpy()))
        w = np.concatenate(out) if out else np.zeros(0)
        return w[np.isfinite(w)]


def rise(q, s):
    """Per profile q [P, S] (0 outside → 1 inside): the distance between the 10% and 90% crossings
    around the 50% crossing nearest the centre (NaN where there is none)."""
    up = (q[:, :-1] < 0.5) & (q[:, 1:] >= 0.5)
    c = np.argmin(np.where(up, np.abs(s[:-1])[None], np.inf), axis=1)
    ok = up.any(1)
    idx = np.arange(q.shape[1])[None]
    # last sample at or below 10% before the 50% crossing, then interpolate towards the next one
    below = (q <= 0.1) & (idx <= c[:, None])
    i = q.shape[1] - 1 - np.argmax(below[:, ::-1], axis=1)
    ok &= below.any(1)
    # first sample at or above 90% after it, interpolating from the previous one
    above = (q >= 0.9) & (idx > c[:, None])
    j = np.argmax(above, axis=1)
    ok &= above.any(1)
    r = np.arange(q.shape[0])
    i1, j0 = np.minimum(i + 1, q.shape[1] - 1), np.maximum(j - 1, 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        s10 = s[i] + (0.1 - q[r, i]) / (q[r, i1] - q[r, i]) * (s[i1] - s[i])
        s90 = s[j0] + (0.9 - q[r, j0]) / (q[r, j] - q[r, j0]) * (s[j] - s[j0])
    return np.where(ok, s90 - s10, np.nan)


def flicker(frames_u8, static):
    """Mean |Δ| between consecutive frames over static pixels (static: [T−1, H, W] bool)."""
    d = np.abs(np.diff(frames_u8.astype(np.int16), axis=0)).mean(-1)
    return float(d[static].sum()), int(static.sum())


def bilinear(clips_u8):
    x = to_unit(clips_u8)
    n, t = x.shape[:2]
    y = F.interpolate(x.reshape(n * t, *x.shape[2:]), scale_factor=SCALE, mode="bilinear", align_corners=False)
    return to_u8(y.reshape(n, t, *y.shape[1:]))


def main(a):
    torch.set_num_threads(int(os.environ.get("T2V_THREADS", 1)))
    torch.set_flush_denormal(True)
    model, ck = load_model(a.ckpt, a.raw)
    held = UpSplit(os.path.join(a.data, "heldout"))
    n = held.n if a.limit is None else min(a.limit, held.n)
    variants = list(range(held.recon.shape[0])) if a.variants is None else [int(v) for v in a.variants.split(",")]
    levels = held.levels["levels"]
    methods = ["model", "lanczos", "bilinear"]
    acc = {k: {m: {"se": 0.0, "px": 0, "psnr_clip": [], "ssim": [], "widths": [], "flick": 0.0, "flick_px": 0} for m in methods} for k in variants}
    truth_widths = []
    rng = np.random.default_rng(0)
    t0 = time.time()
    for i in range(n):
        truth = np.asarray(held.hr[i])
        masks = np.asarray(held.hrmask[i])
        prof = EdgeProfiles(masks, truth, a.edge_frames, a.edge_points, rng)
        truth_widths.extend(prof.widths(truth).tolist())
        static = np.all(np.diff(truth.astype(np.int16), axis=0) == 0, axis=-1)
        for k in variants:
            x = np.asarray(held.recon[k, i])[None]
            outs = {"model": upscale_clips(model, x)[0], "lanczos": lanczos(x)[0], "bilinear": bilinear(x)[0]}
            for m, y in outs.items():
                r = acc[k][m]
                se = float(((y.astype(np.float64) - truth) ** 2).sum())
                r["se"] += se; r["px"] += truth.size
                r["psnr_clip"].append(10 * np.log10(255 ** 2 / max(se / truth.size, 1e-10)))
                r["ssim"].append(ssim(y, truth))
                r["widths"].extend(prof.widths(y).tolist())
                fs, fp = flicker(y, static)
                r["flick"] += fs; r["flick_px"] += fp
        if (i + 1) % 10 == 0 or i + 1 == n:
            print(f"  {i + 1}/{n} clips, {time.time() - t0:.0f}s", flush=True)
    truth_flicker = 0.0
    results = {}
    for k in variants:
        results[f"{levels[k][0]:g}"] = {m: {
            "psnr": round(10 * np.log10(255 ** 2 / (r["se"] / r["px"])), 3),
            "psnr_mean_clip": round(float(np.mean(r["psnr_clip"])), 3),
            "ssim": round(float(np.mean(r["ssim"])), 4),
            "edge_width_px": round(float(np.median(r["widths"])), 3) if r["widths"] else None,
            "edge_profiles": len(r["widths"]),
            "flicker_static": round(r["flick"] / max(1, r["flick_px"]), 4),
        } for m, r in acc[k].items()}
    report = {
        "checkpoint": os.path.abspath(a.ckpt), "step": ck["step"], "weights": "raw" if a.raw else "ema",
        "heldout_clips": n, "frames": held.t, "input": "the pack autoencoder's reconstruction of the 64×64 render; noise level in latent std",
        "truth_edge_width_px": round(float(np.median(truth_widths)), 3), "truth_flicker_static": truth_flicker,
        "by_noise_level": results,
        "targets": {},
    }
    for lev, r in results.items():
        md, lz = r["model"], r["lanczos"]
        report["targets"][lev] = {
            "psnr_gain_db": round(md["psnr"] - lz["psnr"], 3), "psnr_gain_ok": bool(md["psnr"] - lz["psnr"] >= 2.0),
            "edge_width_ratio": round(md["edge_width_px"] / lz["edge_width_px"], 3) if md["edge_width_px"] and lz["edge_width_px"] else None,
            "edge_ok": bool(md["edge_width_px"] is not None and lz["edge_width_px"] and md["edge_width_px"] <= 0.5 * lz["edge_width_px"]),
            "flicker_ok": bool(md["flicker_static"] <= lz["flicker_static"]),
        }
    print(f"\nheld-out clips: {n} × {held.t} frames, checkpoint step {ck['step']}; truth edge width {report['truth_edge_width_px']} px")
    print(f"{'noise':>6} {'method':>9} {'PSNR':>7} {'PSNR/clip':>9} {'SSIM':>7} {'edge px':>8} {'flicker':>8}")
    for lev, r in results.items():
        for m, v in r.items():
            print(f"{lev:>6} {m:>9} {v['psnr']:7.2f} {v['psnr_mean_clip']:9.2f} {v['ssim']:7.4f} {v['edge_width_px'] or float('nan'):8.2f} {v['flicker_static']:8.3f}")
        t = report["targets"][lev]
        print(f"{lev:>6}   targets: PSNR +{t['psnr_gain_db']:.2f} dB ({'ok' if t['psnr_gain_ok'] else 'below 2'}), edges ×{t['edge_width_ratio']} of Lanczos ({'ok' if t['edge_ok'] else 'above 0.5'}), flicker {'ok' if t['flicker_ok'] else 'above Lanczos'}")
    os.makedirs(os.path.dirname(os.path.abspath(a.json)), exist_ok=True)
    with open(a.json, "w") as f:
        json.dump(report, f, indent=2)
    print(f"wrote {a.json}")


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--data", default=os.path.join(os.path.abspath(CACHE), "up"))
    p.add_argument("--ckpt", default=os.path.join(os.path.abspath(CACHE), "up", "runs", "sr.pt"))
    p.add_argument("--json", default=os.path.join(os.path.abspath(CACHE), "up", "eval.json"))
    p.add_argument("--raw", action="store_true", help="score the raw weights, not the EMA")
    p.add_argument("--limit", type=int, default=None, help="first N held-out clips (default: all)")
    p.add_argument("--variants", default=None, help="comma-separated input variants (default: all)")
    p.add_argument("--edge-frames", type=lambda s: [int(v) for v in s.split(",")], default=[0, 5, 10, 15])
    p.add_argument("--edge-points", type=int, default=64, help="outline points sampled per frame")
    main(p.parse_args())
