"""Reads the upscaler's dataset (training/upscale/dataset.ts, then recon.py)."""
import json
import os

import numpy as np
from data import read_jsonl  # training/ is on sys.path in every script that reads this

SCALE = 4


def coverage(hrmask):
    """Object coverage in [0, 1] at the small size: a slice of a large mask [..., h·SCALE, w·SCALE]
    (uint8) area-averaged over SCALE × SCALE blocks."""
    m = np.asarray(hrmask, np.float32) / 255
    *lead, hh, ww = m.shape
    return m.reshape(*lead, hh // SCALE, SCALE, ww // SCALE, SCALE).mean(axis=(-3, -1))


class UpSplit:
    def __init__(self, root, with_recon=True):
        self.root = root
        info_path = os.path.join(root, "info.json")
        if not os.path.exists(info_path):
            raise SystemExit(f"{root}: no info.json (is training/upscale/dataset.ts still writing it?)")
        with open(info_path) as f:
            self.info = json.load(f)
        self.n, self.t = self.info["count"], self.info["frames"]
        h, w = self.info["height"], self.info["width"]
        self.h, self.w = h, w
        self.lr = np.memmap(os.path.join(root, "lr.u8"), dtype=np.uint8, mode="r", shape=(self.n, self.t, h, w, 3))
        self.hr = np.memmap(os.path.join(root, "hr.u8"), dtype=np.uint8, mode="r", shape=(self.n, self.t, h * SCALE, w * SCALE, 3))
        self.hrmask = np.memmap(os.path.join(root, "hrmask.u8"), dtype=np.uint8, mode="r", shape=(self.n, self.t, h * SCALE, w * SCALE))
        self.recon = None
        if with_recon:
            path = os.path.join(root, "recon.npy")
            if not os.path.exists(path):
                raise SystemExit(f"{root}: no recon.npy (run training/upscale/recon.py)")
            self.recon = np.load(path, mmap_mode="r")  # K × N × T × h × w × 3
            with open(os.path.join(root, "recon-levels.json")) as f:
                self.levels = json.load(f)

    @property
    def meta(self):
        if not hasattr(self, "_meta"):
            self._meta = read_jsonl(os.path.join(self.root, "meta.jsonl"))
        return self._meta
