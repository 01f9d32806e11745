"""Times the bundled denoiser (training/models.py DiT) in PyTorch eager on the bench's inputs.

/usr/bin/python3 bench/torch_dit.py INPUT_DIR --calls N --max-seconds S

INPUT_DIR holds inputs.json ({name: dims}) and <name>.f32 (raw little-endian float32) for x, t,
text, sim, sim_flag: the same batched CFG call the bench times in onnxruntime-node. Writes
INPUT_DIR/torch_out.f32 (the output, to compare with onnxruntime's) and prints one JSON line:
{"ok": true, "ms": [...], ...} or {"ok": false, "skip": "<reason>"}. A skip exits 0.
"""
import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def skip(reason):
    print(json.dumps({"ok": False, "skip": reason}))
    sys.exit(0)


def find_weights(torch):
    """The exported EMA weights: the committed fp16 snapshot, else the training cache's checkpoint."""
    snap = os.path.join(ROOT, "training", "snapshots", "dit-ema.fp16.pt")
    cache = os.environ.get("T2V_CACHE", os.path.join(ROOT, "..", "t2v-cache"))
    ckpt = os.path.join(cache, "runs", "dit.pt")
    if os.path.exists(snap):
        return snap, torch.load(snap, map_location="cpu")["dit"]
    if os.path.exists(ckpt):
        d = torch.load(ckpt, map_location="cpu")
        return ckpt, d.get("ema_dit") or d["dit"]
    skip(f"no denoiser weights: neither {os.path.relpath(snap, ROOT)} nor {ckpt} exists (set T2V_CACHE)")


def main(a):
    try:
        import numpy as np
        import torch
    except ImportError as e:
        skip(f"{sys.executable} cannot import {e.name} (apt-get install python3-torch)")
    sys.path.insert(0, os.path.join(ROOT, "training"))
    from models import DiT, dit_depth

    threads = int(os.environ.get("T2V_THREADS", os.cpu_count() or 1))
    torch.set_num_threads(threads)
    where, sd = find_weights(torch)
    model = DiT(depth=dit_depth(sd))
    try:
        model.load_state_dict({k: v.float() if v.dtype.is_floating_point else v for k, v in sd.items()})
    except RuntimeError as e:
        skip(f"weights in {where} do not fit training/models.py DiT: {str(e).splitlines()[0]}")
    model.eval()

    with open(os.path.join(a.inputs, "inputs.json")) as f:
        dims = json.load(f)
    names = ["x", "t", "text", "sim", "sim_flag"]
    feeds = [torch.from_numpy(np.fromfile(os.path.join(a.inputs, f"{n}.f32"), dtype="<f4").reshape(dims[n])) for n in names]
    times = []
    with torch.no_grad():
        out = model(*feeds)  # warm-up
        t_end = time.perf_counter() + a.max_seconds
        for _ in range(a.calls):
            t0 = time.perf_counter()
            out = model(*feeds)
            times.append((time.perf_counter() - t0) * 1000)
            if time.perf_counter() > t_end:
                break
    out.numpy().astype("<f4").tofile(os.path.join(a.inputs, "torch_out.f32"))
    print(json.dumps({"ok": True, "ms": times, "torch": torch.__version__, "threads": threads, "weights": where}))


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("inputs")
    p.add_argument("--calls", type=int, default=10)
    p.add_argument("--max-seconds", type=float, default=30)
    main(p.parse_args())
