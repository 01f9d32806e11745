"""Exports the trained upscaler to ONNX with a manifest, and checks onnxruntime-node against PyTorch.

/usr/bin/python3 training/upscale/export.py [--ckpt $T2V_CACHE/up/runs/sr.pt] [--out $T2V_CACHE/up/pack]
    [--eval $T2V_CACHE/up/eval.json] [--version 1.0.0] [--raw] [--no-check]

Writes OUT/upscaler.onnx and OUT/manifest.json. The graph:
  input  "frames": float32 [batch, frames, 3, height, width], RGB in [-1, 1] (the pack decoder's range)
  output "rgb":    float32 [batch, frames, 3, 4·height, 4·width], RGB in [-1, 1] (clamped)
Every axis but the channels is dynamic; the network was trained on 64×64 frames. Output frame t
sees input frames t−1, t, t+1 (the first and last frames stand in for their missing neighbours),
so a clip is upscaled in one call, all its frames together.
The EMA weights are exported unless --raw.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, HERE)
from common import CACHE, load  # noqa: E402
from sr import CONTEXT, SCALE, SRNet  # noqa: E402

OPSET = 17
FILE = "upscaler.onnx"


class Clamped(torch.nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, frames):
        return self.net(frames).clamp(-1, 1)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def receptive_radius(model):
    """Input pixels seen on each side by one output pixel: one per 3×3 convolution at the input resolution."""
    convs = [model.head, *model.body, model.tail]
    return sum(m.kernel_size[0] // 2 for m in convs)


def load_model(ckpt_path, raw=False):
    ck = load(ckpt_path)
    if ck is None:
        sys.exit(f"no checkpoint at {ckpt_path}")
    model = SRNet(**ck["arch"])
    model.load_state_dict(ck["model"] if raw else ck["ema"])
    model.eval()
    return model, ck


def main(a):
    torch.set_num_threads(int(os.environ.get("T2V_THREADS", 1)))
    model, ck = load_model(a.ckpt, a.raw)
    os.makedirs(a.out, exist_ok=True)
    path = os.path.join(a.out, FILE)
    wrapped = Clamped(model).eval()
    g = torch.Generator().manual_seed(0)
    example = torch.rand(1, 16, 3, 64, 64, generator=g) * 2 - 1
    axes = {"frames": {0: "batch", 1: "frames", 3: "height", 4: "width"}, "rgb": {0: "batch", 1: "frames", 3: "height_x4", 4: "width_x4"}}
    torch.onnx.export(wrapped, (example,), path, input_names=["frames"], output_names=["rgb"], dynamic_axes=axes, opset_version=OPSET)
    import onnx
    onnx.checker.check_model(onnx.load(path))
    size = os.path.getsize(path)
    print(f"wrote {path} ({size / 1e6:.2f} MB, opset {OPSET})", flush=True)

    # A small check case for onnxruntime-node: another batch, frame count and size than the example.
    check_in = torch.rand(2, 3, 3, 24, 32, generator=g) * 2 - 1
    with torch.no_grad():
        check_out = wrapped(check_in)
    check_path = os.path.join(a.out, "check.json")
    with open(check_path, "w") as f:
        json.dump({"input": {"dims": list(check_in.shape), "data": check_in.flatten().tolist()},
                   "output": {"dims": list(check_out.shape), "data": check_out.flatten().tolist()}}, f)

    evaluation = None
    if a.eval and os.path.exists(a.eval):
        with open(a.eval) as f:
            evaluation = json.load(f)
    args = ck.get("args", {})
    radius = receptive_radius(model)
    manifest = {
        "schema": 1,
        "kind": "upscaler",
        "name": a.name,
        "version": a.version,
        "title": "physics-tiny 4× upscaler",
        "for_pack": "physics-tiny",
        "scale": SCALE,
        "description": "4× video super-resolution for physics-tiny's 64×64 clips (→ 256×256), trained on the pack's own autoencoder reconstructions against true 256×256 renders of the same simulated scenes.",
        "license": "Apache-2.0",
        "files": {"model": {"path": FILE, "sha256": sha256(path), "bytes": size}},
        "tensors": {
            "inputs": {"frames": {"dtype": "float32", "shape": ["batch", "frames", 3, "height", "width"], "trained_on": [1, 16, 3, 64, 64]}},
            "outputs": {"rgb": {"dtype": "float32", "shape": ["batch", "frames", 3, "height*4", "width*4"]}},
        },
        "rgb_range": [-1, 1],
        "layout": "BTCHW",
        "temporal_context": {"frames": CONTEXT, "offsets": [-1, 0, 1], "edges": "the first and last frames repeat", "note": "pass the whole clip in one call"},
        "receptive_radius": radius,
        "defaults": {"input": [64, 64], "output": [256, 256], "frames": 16, "fps": 8},
        "network": {
            "arch": "ESPCN-like: 3 frames stacked on channels → conv3×3 → conv3×3 body at low resolution (global skip) → conv3×3 to 48 channels → pixel shuffle ×4, added to a bilinear ×4 of the middle frame",
            "channels": model.ch, "body_convs": model.n_body, "params": sum(p.numel() for p in model.parameters()),
            "gflop_per_64px_frame": round(model.flops_per_frame() / 1e9, 3),
            "weights": "raw" if a.raw else f"EMA (decay {args.get('ema')})",
            "receptive_radius_note": f"{radius} convolutions 3×3 at the input resolution: each output pixel sees {radius} input pixels on each side, so tiles overlapping by {radius} give the untiled result",
        },
        "training": {
            "steps": ck["step"], "planned_steps": args.get("steps"), "train_wall_s": round(ck.get("wall", 0)),
            "batch": args.get("batch"), "crop": f"{args.get('crop')}×{args.get('crop')} low-res, 3 frames → {SCALE * (args.get('crop') or 0)}² target",
            "loss": f"L1 + {args.get('grad_loss')}·L1 of image gradients", "optimizer": f"Adam lr {args.get('lr')}, warm-up {args.get('warmup')}, cosine to {args.get('min_lr')}×",
            "data": f"{ck.get('train_clips')} simulated clips (nodes/physics, training split) rendered at 64×64 and 256×256; inputs are the pack autoencoder's reconstructions (training/snapshots/ae.fp16.pt) with latent noise up to 0.3 of the latent std; the background's bands and stars on one 64-cell grid at both sizes",
            "heldout_psnr_periodic": ck.get("last_eval"),
        },
        **({"evaluation": evaluation} if evaluation else {}),  # the manifest schema has no null here
        "exported_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    print(f"wrote {os.path.join(a.out, 'manifest.json')}", flush=True)
    if a.no_check:
        return
    r = subprocess.run(["npx", "tsx", os.path.join(HERE, "bench.ts"), path, check_path, "--runs", str(a.runs)], cwd=ROOT, capture_output=True, text=True)
    print(r.stdout.strip())
    if r.returncode != 0:
        print(r.stderr, file=sys.stderr)
        sys.exit(r.returncode)
    with open(os.path.join(a.out, "onnxruntime-check.json"), "w") as f:
        f.write(r.stdout.strip().splitlines()[-1] + "\n")


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--ckpt", default=os.path.join(os.path.abspath(CACHE), "up", "runs", "sr.pt"))
    p.add_argument("--out", default=os.path.join(os.path.abspath(CACHE), "up", "pack"))
    p.add_argument("--name", default="physics-tiny-upscaler")
    p.add_argument("--version", default="1.0.0", help="the pack's version in its manifest")
    p.add_argument("--eval", default=os.path.join(os.path.abspath(CACHE), "up", "eval.json"), help="eval.py's JSON, copied into the manifest when present")
    p.add_argument("--raw", action="store_true", help="export the raw weights, not the EMA")
    p.add_argument("--no-check", action="store_true", help="skip the onnxruntime-node check and timing")
    p.add_argument("--runs", type=int, default=10, help="timed onnxruntime-node runs of a 16-frame 64×64 clip")
    main(p.parse_args())
