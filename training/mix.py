"""Weights halfway (or any share) between the shipped text encoder and denoiser and a joint run's
(distill_text_dit.py --dit-lr), as new snapshots to export: fine-tuned weights averaged with the
ones they started from keep more of what the start did well (WiSE-FT).

/usr/bin/python3 training/mix.py --te training/snapshots/te-joint.fp16.pt --dit training/snapshots/dit-joint.fp16.pt \
    --share 0.5 --out-te $T2V_CACHE/paraphrase/te-mix.fp16.pt --out-dit $T2V_CACHE/paraphrase/dit-mix.fp16.pt
then distill_text.py --export DIR --snapshot OUT_TE and distill_text_dit.py --export-dit DIR --dit-snapshot OUT_DIT
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import save  # noqa: E402
from distill_text import snapshot_model  # noqa: E402
from distill_text_dit import main_run_dit  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def mixed(start, tuned, share):
    """share of `tuned`, the rest `start`, tensor by tensor, stored fp16."""
    return {k: ((1 - share) * start[k].float() + share * tuned[k].float()).half() for k in tuned}


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--te", required=True, help="the joint run's text encoder snapshot")
    p.add_argument("--dit", required=True, help="the joint run's denoiser snapshot")
    p.add_argument("--share", type=float, default=0.5, help="how much of the joint run's weights (0 = shipped, 1 = joint)")
    p.add_argument("--start-te", default=os.path.join(HERE, "snapshots", "te-paraphrase-dit.fp16.pt"), help="the shipped text encoder's snapshot")
    p.add_argument("--average-with", default=os.path.join(HERE, "snapshots", "dit-ema-33500.fp16.pt"), help="as distill_text_dit.py: the shipped denoiser")
    p.add_argument("--out-te", required=True)
    p.add_argument("--out-dit", required=True)
    a = p.parse_args()
    if not 0 <= a.share <= 1:
        sys.exit(f"--share: {a.share} is not between 0 and 1")
    te = torch.load(a.te, map_location="cpu")
    start_te = snapshot_model(torch.load(a.start_te, map_location="cpu")).state_dict()
    te["te"] = mixed(start_te, snapshot_model(te).state_dict(), a.share)
    te["mix"] = {"share": a.share, "start": os.path.basename(a.start_te)}
    dit = torch.load(a.dit, map_location="cpu")
    dit["dit"] = mixed(main_run_dit(a.average_with).state_dict(), dit["dit"], a.share)
    dit["mix"] = {"share": a.share, "start": "the shipped denoiser"}
    save(a.out_te, **te)
    save(a.out_dit, **dit)
    print(f"{a.share:g} of the joint run → {a.out_te}, {a.out_dit}")
