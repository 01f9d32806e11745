"""Stage 3: export the trained pack to models/<name>/ as ONNX + tokenizer.json + manifest.json,
then check onnxruntime's outputs against PyTorch's (through onnxruntime-node).

/usr/bin/python3 training/export.py --data DIR [--from-snapshots] [--name physics-tiny] [--average-with CKPT]
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from common import CACHE, load, load_snapshot, setup_threads  # noqa: E402
from data import Split  # noqa: E402
from models import Decoder, DiT, Encoder, TextEncoder, dit_depth  # noqa: E402
from tok import LENGTH, PAD, UNK, Tokenizer  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OPSET = 16  # opset 17 exports affine-free LayerNorm in a form the ONNX checker rejects (PyTorch 1.13)


def load_weights(from_snapshots, run="dit"):
    if from_snapshots:
        d, a = load_snapshot(f"{run}-ema.fp16.pt"), load_snapshot("ae.fp16.pt")
        return d["te"], d["dit"], a["enc"], a["dec"], d["tokenizer"], {"dit_steps": d["step"], "dit_wall_s": d["wall"], "ae_steps": a["step"]}
    d = load(os.path.join(CACHE, "runs", f"{run}.pt"))
    a = load(os.path.join(CACHE, "runs", "ae.pt"))
    return d["ema_te"], d["ema_dit"], a["enc"], a["dec"], d["tokenizer"], {"dit_steps": d["step"], "dit_wall_s": d["wall"], "ae_steps": a["step"]}


def average_with(te_sd, dit_sd, steps, path):
    """The mean of these EMA weights and another checkpoint's (a full one or a snapshot) of the same
    run: weight averaging along one training run (what it scored: training/README.md)."""
    other = load(path)
    if other is None:
        sys.exit(f"--average-with: no checkpoint at {path}")
    o_te, o_dit = (other["ema_te"], other["ema_dit"]) if "ema_dit" in other else (other["te"], other["dit"])
    if set(o_dit) != set(dit_sd) or any(o_dit[k].shape != v.shape for k, v in dit_sd.items()):
        sys.exit(f"--average-with: {path} is not the same DiT (depth {dit_depth(o_dit)} against {dit_depth(dit_sd)})")
    mean = lambda a, b: {k: (v.float() + b[k].float()) / 2 if v.dtype.is_floating_point else v for k, v in a.items()}  # noqa: E731
    return mean(te_sd, o_te), mean(dit_sd, o_dit), {**steps, "dit_averaged_with_step": other["step"]}


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


@torch.no_grad()
def fit_preview(enc, split, stats, n=64):
    """Least-squares map from one normalised latent cell to the mean colour of its 8×8 pixel block."""
    frames = torch.from_numpy(np.ascontiguousarray(split.frames[:n].reshape(-1, 64, 64, 3))).float().permute(0, 3, 1, 2) / 127.5 - 1
    z = enc(frames)
    zn = (z - stats["mean"].view(1, -1, 1, 1)) / stats["std"].view(1, -1, 1, 1)
    rgb = torch.nn.functional.avg_pool2d(frames, 8)
    X = torch.cat([zn.permute(0, 2, 3, 1).reshape(-1, 8), torch.ones(zn.numel() // 8, 1)], 1)
    Y = rgb.permute(0, 2, 3, 1).reshape(-1, 3)
    W = torch.linalg.lstsq(X, Y).solution.double()
    # Rounded: threaded BLAS sums in varying order, which moved the 7th digit from run to run.
    rounded = lambda rows: [[round(v, 5) for v in r] for r in rows]  # noqa: E731
    return rounded(W[:8].tolist()), rounded([W[8].tolist()])[0]


def check_entry(inputs, in_names, out_name, expected):
    """What training/check_export.ts runs in onnxruntime-node and compares: PyTorch's inputs and output."""
    return {"inputs": {n: {"dtype": str(v.dtype).replace("torch.", ""), "dims": list(v.shape), "data": v.flatten().tolist()} for n, v in zip(in_names, inputs)},
            "output": {"name": out_name, "dims": list(expected.shape), "data": expected.flatten().tolist()}}


def denoiser_export(dit, text, g):
    """The denoiser's ONNX export: (model, example inputs, input names, output names, dynamic axes)."""
    x = torch.randn(2, 8, 16, 8, 8, generator=g)
    t = torch.tensor([0.7, 0.3])
    sim = torch.rand(2, 16, 64, 64, generator=g)
    flag = torch.tensor([1.0, 0.0])
    names = ["x", "t", "text", "sim", "sim_flag"]
    inputs = (x, t, text, sim, flag)
    if dit.known_embed is not None:
        kx = torch.randn(2, 8, 16, 8, 8, generator=g)
        km = torch.tensor([[1.0] * 4 + [0.0] * 12, [1.0] + [0.0] * 14 + [1.0]])
        names, inputs = names + ["known", "known_mask"], inputs + (kx, km)
    return dit, inputs, names, ["v"], {n: {0: "batch"} for n in names + ["v"]}


def decoder_export(dec, g):
    """The decoder's ONNX export: (model, example inputs, input names, output names, dynamic axes)."""
    return dec, (torch.randn(4, 8, 8, 8, generator=g),), ["latent"], ["rgb"], {"latent": {0: "n"}, "rgb": {0: "n"}}


def export_onnx(spec, path):
    """Exports one of the pack's models (a *_export spec) to path; returns what training/check_export.ts
    compares in onnxruntime-node."""
    model, inputs, in_names, out_names, axes = spec
    torch.onnx.export(model, inputs, path, input_names=in_names, output_names=out_names, dynamic_axes=axes, opset_version=OPSET)
    with torch.no_grad():
        return check_entry(inputs, in_names, out_names[0], model(*inputs))


def main(a):
    te_sd, dit_sd, enc_sd, dec_sd, tj, steps = load_weights(a.from_snapshots, a.run)
    if a.average_with:
        te_sd, dit_sd, steps = average_with(te_sd, dit_sd, steps, a.average_with)
    vocab = len(tj["model"]["vocab"])
    known = "known_embed.weight" in dit_sd
    te, dit, enc, dec = TextEncoder(vocab), DiT(depth=dit_depth(dit_sd), known=known), Encoder(), Decoder()
    te.load_state_dict(te_sd); dit.load_state_dict(dit_sd); enc.load_state_dict(enc_sd); dec.load_state_dict(dec_sd)
    for m in (te, dit, enc, dec):
        m.eval()
    out = os.path.join(ROOT, "models", a.name)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(a.data, "latent-stats.json")) as f:
        st = json.load(f)
    stats = {k: torch.tensor(v) for k, v in st.items()}
    with open(os.path.join(out, "tokenizer.json"), "w") as f:
        json.dump(tj, f)
    tok = Tokenizer(tj)
    ids = torch.tensor([tok.encode("a red ball falls and bounces on the ground"), [PAD] * LENGTH])
    text = te(ids)
    g = torch.Generator().manual_seed(0)
    decoder = decoder_export(dec, g)
    img = torch.rand(4, 3, 64, 64, generator=g) * 2 - 1
    exports = {
        "text_encoder": (te, (ids,), ["input_ids"], ["text"], {"input_ids": {0: "batch"}, "text": {0: "batch"}}),
        "denoiser": denoiser_export(dit, text, g),
        "decoder": decoder,
        "encoder": (enc, (img,), ["rgb"], ["latent"], {"rgb": {0: "n"}, "latent": {0: "n"}}),
    }
    check = {}
    for name, (model, inputs, in_names, out_names, axes) in exports.items():
        path = os.path.join(out, f"{name}.onnx")
        torch.onnx.export(model, inputs, path, input_names=in_names, output_names=out_names, dynamic_axes=axes, opset_version=OPSET)
        import onnx
        onnx.checker.check_model(onnx.load(path))
        expected = model(*inputs)
        check[name] = check_entry(inputs, in_names, out_names[0], expected)
    preview, preview_bias = fit_preview(enc, Split(os.path.join(a.data, "train")), stats)
    files = {k: f"{k}.onnx" for k in exports} | {"tokenizer": "tokenizer.json"}
    train_info = Split(os.path.join(a.data, "train")).info
    manifest = {
        "schema": 1,
        "name": a.name,
        "version": a.version,
        "title": "Physics Tiny",
        "description": "A small text-to-video model of a 2D physics world (balls, boxes and triangles falling, thrown, rolling and colliding over five backgrounds), trained from scratch on simulated clips.",
        "license": "Apache-2.0",
        "files": {k: {"path": v, "sha256": sha256(os.path.join(out, v))} for k, v in files.items()},
        "tensors": {
            "text_encoder": {"inputs": {"input_ids": {"dtype": "int64", "shape": ["batch", LENGTH]}}, "outputs": {"text": {"dtype": "float32", "shape": ["batch", LENGTH, 128]}}},
            "denoiser": {
                "inputs": {
                    "x": {"dtype": "float32", "shape": ["batch", 8, 16, 8, 8]},
                    "t": {"dtype": "float32", "shape": ["batch"]},
                    "text": {"dtype": "float32", "shape": ["batch", LENGTH, 128]},
                    "sim": {"dtype": "float32", "shape": ["batch", 16, 64, 64]},
                    "sim_flag": {"dtype": "float32", "shape": ["batch"]},
                    **({"known": {"dtype": "float32", "shape": ["batch", 8, 16, 8, 8]}, "known_mask": {"dtype": "float32", "shape": ["batch", 16]}} if known else {}),
                },
                "outputs": {"v": {"dtype": "float32", "shape": ["batch", 8, 16, 8, 8]}},
            },
            "decoder": {"inputs": {"latent": {"dtype": "float32", "shape": ["n", 8, 8, 8]}}, "outputs": {"rgb": {"dtype": "float32", "shape": ["n", 3, 64, 64]}}},
            "encoder": {"inputs": {"rgb": {"dtype": "float32", "shape": ["n", 3, 64, 64]}}, "outputs": {"latent": {"dtype": "float32", "shape": ["n", 8, 8, 8]}}},
        },
        "latent": {
            "channels": 8, "spatial_factor": 8, "temporal_factor": 1, "layout": "BCTHW",
            "frame_layout": "decoder and encoder work per frame: [frames, C, H/8, W/8]",
            "shift": st["mean"], "scale": st["std"],
            "note": "sampler space is (raw − shift) / scale; the decoder takes raw latents",
        },
        "prediction": {"type": "flow", "time": "t in [0, 1], 1 is pure noise; x_t = (1 − t)·x0 + t·noise", "output": "v = noise − x0", "sigma": "sigma = t"},
        "rgb_range": [-1, 1],
        "defaults": {"width": 64, "height": 64, "frames": 16, "fps": 8, "steps": 20, "cfg": 3.0, "sampler": "euler", "scheduler": "simple", "shift": 1.0},
        "preview": {"latent_rgb": preview, "bias": preview_bias, "rgb_range": [-1, 1]},
        "tokenizer": {"path": "tokenizer.json", "max_length": LENGTH, "pad_id": PAD, "unk_id": UNK, "lowercase": True},
        # The colours the clips were drawn in (dataset.ts writes nodes/physics's palette); Text Encode maps other colour words onto it.
        **({"palette": train_info["palette"]} if "palette" in train_info else {}),
        "conditioning": {"simulation": {"input": "sim", "flag": "sim_flag", "shape": [16, 64, 64], "kind": "object_coverage", "range": [0, 1]},
                         **({"known": {"input": "known", "mask": "known_mask"}} if known else {})},
        "training": {
            "data": "simulated 2D physics clips rendered by nodes/physics (Rapier), 64×64, 16 frames at 8 fps; held-out colour×shape×motion×background tuples never seen",
            "clips": Split(os.path.join(a.data, "train")).n,
            "objective": "rectified flow, logit-normal t, prompt dropout 10%, simulation input kept on 40% of steps"
            + (", known frames (first, first K, or first and last; clean, loss on the others) on half the clips" if known else ""),
            **steps,
        },
    }
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    check_path = os.path.join(CACHE, f"export-check-{a.name}.json")
    with open(check_path, "w") as f:
        json.dump(check, f)
    r = subprocess.run(["npx", "tsx", os.path.join(HERE, "check_export.ts"), out, check_path], cwd=ROOT)
    sys.exit(r.returncode)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--name", default="physics-tiny")
    p.add_argument("--version", default="1.0.0", help="the pack's version in its manifest (reproduce.sh gives the version it rebuilds)")
    p.add_argument("--from-snapshots", action="store_true")
    p.add_argument("--run", default="dit", help="training run whose weights to export (runs/RUN.pt, or training/snapshots/RUN-ema.fp16.pt)")
    p.add_argument("--average-with", help="checkpoint or snapshot of the same run whose EMA weights are averaged in")
    setup_threads()
    main(p.parse_args())
