"""Shared training plumbing: threads, checkpoints with resume, EMA, logging."""
import json
import os
import time

import torch

CACHE = os.environ.get("T2V_CACHE", os.path.join(os.path.dirname(__file__), "..", "..", "t2v-cache"))
SNAPSHOTS = os.path.join(os.path.dirname(__file__), "snapshots")


def setup_threads():
    torch.set_num_threads(int(os.environ.get("T2V_THREADS", os.cpu_count() or 2)))


def save(path, **state):
    tmp = path + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)  # never leave a half-written checkpoint behind


def load(path):
    return torch.load(path, map_location="cpu") if os.path.exists(path) else None


def load_snapshot(name):
    """A committed weights-only snapshot (training/snapshots/NAME), its fp16 tensors back in fp32."""
    path = os.path.join(SNAPSHOTS, name)
    if not os.path.exists(path):
        raise SystemExit(f"no snapshot at {path}")
    snap = torch.load(path, map_location="cpu")
    f32 = lambda sd: {k: v.float() if v.dtype.is_floating_point else v for k, v in sd.items()}  # noqa: E731
    return {k: f32(v) if isinstance(v, dict) and k != "tokenizer" else v for k, v in snap.items()}


class EMA:
    def __init__(self, model, decay):
        self.decay = decay
        self.shadow = {k: v.detach().clone() for k, v in model.state_dict().items()}

    @torch.no_grad()
    def update(self, model):
        for k, v in model.state_dict().items():
            if v.dtype.is_floating_point:
                self.shadow[k].mul_(self.decay).add_(v.detach(), alpha=1 - self.decay)
            else:
                self.shadow[k].copy_(v)


class Log:
    """Appends one JSON line per event, so a run's history survives restarts."""

    def __init__(self, path):
        self.path = path
        self.t0 = time.time()

    def __call__(self, **row):
        row["wall_s"] = round(time.time() - self.t0, 1)
        line = json.dumps(row)
        print(line, flush=True)
        with open(self.path, "a") as f:
            f.write(line + "\n")
