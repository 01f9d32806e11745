"""Reads the dataset written by `npm run dataset` (meta.jsonl + raw uint8 frames and masks)."""
import json
import os

import numpy as np


def read_jsonl(path):
    """One JSON value per non-empty line (a split's meta.jsonl)."""
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


class Split:
    def __init__(self, root, partial=False):
        info_path = os.path.join(root, "info.json")
        if partial and not os.path.exists(info_path):
            # A split still being written: use the clips already on disk (frames only).
            size = os.path.getsize(os.path.join(root, "frames.u8"))
            self.info = {"count": size // (16 * 64 * 64 * 3), "frames": 16, "height": 64, "width": 64}
            self.info["count"] = min(self.info["count"], os.path.getsize(os.path.join(root, "masks.u8")) // (16 * 64 * 64))
        else:
            with open(info_path) as f:
                self.info = json.load(f)
        self.n, self.t = self.info["count"], self.info["frames"]
        self.h, self.w = self.info["height"], self.info["width"]
        self.frames = np.memmap(os.path.join(root, "frames.u8"), dtype=np.uint8, mode="r", shape=(self.n, self.t, self.h, self.w, 3))
        self.masks = np.memmap(os.path.join(root, "masks.u8"), dtype=np.uint8, mode="r", shape=(self.n, self.t, self.h, self.w))
        self.root = root

    @property
    def meta(self):
        if not hasattr(self, "_meta"):
            self._meta = read_jsonl(os.path.join(self.root, "meta.jsonl"))
        return self._meta

    @property
    def prompts(self):
        return [m["prompt"] for m in self.meta]
