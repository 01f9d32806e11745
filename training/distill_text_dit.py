"""Teaches the text encoder people's words through the denoiser: the loss is on what the frozen
denoiser does with the features, not on the features themselves.

distill_text.py pulls a paraphrase's features to the grammar phrasing's, position by position; a
small miss there can still move the denoiser (the whole-encoder run lost count on grammar prompts).
Here each pair comes with its clip's latents (training/augment.ts --meta on a rendered training
split): noise them to a random time, and pull the frozen denoiser's velocity given the student's
features of the paraphrase to its velocity given the shipped encoder's features of the grammar
phrasing. Grammar phrasings are among the pairs as their own targets, so they keep their effect.

/usr/bin/python3 training/distill_text_dit.py --pairs $T2V_CACHE/paraphrase/clip-pairs.jsonl \
    --clips $T2V_CACHE/up/train [--init training/snapshots/te-paraphrase.fp16.pt] [--steps 2000]
then distill_text.py --export DIR --snapshot training/snapshots/te-paraphrase-dit.fp16.pt

With --dit-lr the denoiser trains too (joint run): the student pair (encoder, denoiser) given a
paraphrase or a grammar phrasing is pulled to the shipped pair given the grammar phrasing, so the
denoiser can meet the encoder halfway on clauses the grammar never orders that way. The targets are
the shipped model's velocities, not the clips, so 2,000 clips do not become something to memorise.
    ... --init training/snapshots/te-paraphrase-dit.fp16.pt --dit-lr 5e-5 --lr 1e-4 --steps 1200 \
        --snapshot training/snapshots/te-joint.fp16.pt --dit-snapshot training/snapshots/dit-joint.fp16.pt
then distill_text.py --export DIR --snapshot training/snapshots/te-joint.fp16.pt
and  distill_text_dit.py --export-dit DIR --dit-snapshot training/snapshots/dit-joint.fp16.pt

--grow-vocab N first gives the student a row for each word of the pairs it lacks (used N times or
more; the row starts as the unknown word's), for pairs from phrasings the vocabulary was not grown
on (augment.ts --rich). --init-dit without --dit-lr keeps that denoiser frozen: an encoder-only run
on top of a mix (training/mix.py), its teacher still the shipped pair.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
sys.path.append(os.path.join(os.path.dirname(__file__), "upscale"))  # after training/: both have an export.py
from common import CACHE, Log, load_snapshot, save, setup_threads  # noqa: E402
from distill_text import encode, grammar_encoder, grown, new_words, sha256, snapshot_model, write_and_check  # noqa: E402
from tok import LENGTH  # noqa: E402
from export import average_with, denoiser_export, export_onnx  # noqa: E402
from models import DiT, dit_depth  # noqa: E402
from updata import UpSplit, coverage  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PACK = os.path.join(ROOT, "models", "physics-tiny")


def main_run_dit(average):
    """The main run's denoiser in PyTorch (export.py's): the committed EMA snapshot averaged with the
    one it ships beside. Every distillation's teacher; the pack ships it mixed with a joint run's (mix.py)."""
    d = load_snapshot("dit-ema.fp16.pt")
    _, sd, _ = average_with(d["te"], d["dit"], {}, average)
    return dit_of(sd).requires_grad_(False).eval()


def dit_of(sd):
    dit = DiT(depth=dit_depth(sd))
    dit.load_state_dict({k: v.float() for k, v in sd.items()})
    return dit


class Clips:
    """Latents (sampler space) and simulation coverage of a rendered split (training/upscale/dataset.ts + recon.py)."""

    def __init__(self, root, manifest):
        self.split = UpSplit(root, with_recon=False)
        n, t, h, w = self.split.n, self.split.t, self.split.h, self.split.w
        raw = np.fromfile(os.path.join(root, "latents.f16"), dtype=np.float16).reshape(n, t, 8, h // 8, w // 8)
        lat = manifest["latent"]
        shift = np.array(lat["shift"], np.float32).reshape(1, 1, 8, 1, 1)
        scale = np.array(lat["scale"], np.float32).reshape(1, 1, 8, 1, 1)
        self.x0 = torch.from_numpy(((raw.astype(np.float32) - shift) / scale).transpose(0, 2, 1, 3, 4).copy())  # [N,C,T,h,w]

    def sim(self, idx):
        """Object coverage [B,T,h,w] in [0,1]: the large render's mask area-averaged to the clip's size."""
        return torch.from_numpy(coverage(self.split.hrmask[idx]))


def train(a):
    setup_threads()
    pairs = [json.loads(line) for line in open(a.pairs)]
    snap = torch.load(a.init, map_location="cpu")
    student = snapshot_model(snap).train()
    vocab = {w: i for i, w in enumerate(snap["vocab"])}
    if a.grow_vocab:  # the pairs' words the student lacks, each used at least this often; their rows start as the unknown word's
        new = new_words(pairs, vocab, a.grow_vocab)
        student = grown(student, len(new)).train()
        snap = {**snap, "vocab": snap["vocab"] + new}
        print(json.dumps({"event": "grown", "new_words": len(new), "vocab": len(vocab)}), flush=True)
    teacher = grammar_encoder()
    dit = teacher_dit = main_run_dit(a.average_with)
    # The student's denoiser: a joint run's or a mix's (--init-dit), else the teacher's weights; it
    # learns only with --dit-lr, the teacher staying as it is.
    dit_snap = torch.load(a.init_dit, map_location="cpu") if a.init_dit else None
    if dit_snap or a.dit_lr > 0:
        dit = dit_of(dit_snap["dit"] if dit_snap else teacher_dit.state_dict())
        dit.requires_grad_(a.dit_lr > 0).train(a.dit_lr > 0)
    clips = Clips(a.clips, json.load(open(os.path.join(PACK, "manifest.json"))))
    rng = np.random.default_rng(0)
    order = rng.permutation(len(pairs))
    val = [pairs[i] for i in order[: a.val]]
    pairs = [pairs[i] for i in order[a.val:]]
    texts, targets = encode(vocab, [p["text"] for p in pairs]), encode(vocab, [p["target"] for p in pairs])
    clip_of = torch.tensor([p["clip"] for p in pairs])
    grammar = torch.tensor([p["text"] == p["target"] for p in pairs])
    groups = [{"params": list(student.parameters()), "lr": a.lr}] + ([{"params": list(dit.parameters()), "lr": a.dit_lr}] if a.dit_lr > 0 else [])
    opt = torch.optim.AdamW(groups, weight_decay=0.0)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[g["lr"] for g in groups], total_steps=a.steps, pct_start=0.05, final_div_factor=20)
    log = Log(os.path.join(a.run, "distill.log.jsonl"))
    log(event="start", pairs=len(pairs), vocab=len(vocab), args=vars(a))
    g = torch.Generator().manual_seed(1)

    def velocity_loss(ids_s, ids_t, idx, gen):
        b = len(idx)
        x0 = clips.x0[idx]
        t = torch.sigmoid(torch.randn(b, generator=gen))
        noise = torch.randn(x0.shape, generator=gen)
        tt = t.view(-1, 1, 1, 1, 1)
        xt = (1 - tt) * x0 + tt * noise
        flag = (torch.rand(b, generator=gen) < a.sim_keep).float()
        sim = clips.sim(idx.numpy()) * flag.view(-1, 1, 1, 1)
        with torch.no_grad():
            v_t = teacher_dit(xt, t, teacher(ids_t), sim, flag)
        v_s = dit(xt, t, student(ids_s), sim, flag)
        return F.mse_loss(v_s, v_t, reduction="none").mean(dim=(1, 2, 3, 4))

    val_x, val_y = encode(vocab, [p["text"] for p in val]), encode(vocab, [p["target"] for p in val])
    val_clip = torch.tensor([p["clip"] for p in val])
    val_grammar = torch.tensor([p["text"] == p["target"] for p in val])

    def validate():
        student.eval(), dit.eval()
        with torch.no_grad():
            per = torch.cat([velocity_loss(val_x[i:i + 32], val_y[i:i + 32], val_clip[i:i + 32], torch.Generator().manual_seed(i)) for i in range(0, len(val), 32)])
        student.train(), dit.train(a.dit_lr > 0)
        return {"val": round(per[~val_grammar].mean().item(), 5), "val_grammar": round(per[val_grammar].mean().item(), 6)}

    log(step=0, **validate())
    t0 = time.time()
    last = min(a.until or a.steps, a.steps)
    for step in range(1, last + 1):
        idx = torch.randint(0, len(pairs), (a.batch,), generator=g)
        per = velocity_loss(texts[idx], targets[idx], clip_of[idx], g)
        loss = per.mean()
        if a.feature_weight > 0:
            with torch.no_grad():
                y = teacher(targets[idx])
            loss = loss + a.feature_weight * F.mse_loss(student(texts[idx]), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_([q for g in groups for q in g["params"]], 1.0)
        opt.step()
        sched.step()
        if step % a.log_every == 0:
            log(step=step, loss=round(loss.item(), 5), grammar=round(per[grammar[idx]].mean().item(), 6) if grammar[idx].any() else None,
                s_per_step=round((time.time() - t0) / step, 3))
        if step % a.val_every == 0 or step == last:
            v = validate()
            log(step=step, **v)
            save_te(a, student, snap, step, len(pairs), v)
            if a.dit_lr > 0:
                save_dit(a, dit, dit_snap, step, v)


def save_dit(a, dit, dit_snap, step, v):
    """The jointly trained denoiser: weights, and each run's settings (steps add up over resumed runs)."""
    earlier = dit_snap["runs"] if dit_snap else []
    args = {k: getattr(a, k) for k in ("steps", "batch", "lr", "dit_lr", "sim_keep")}
    out = {"dit": {k: t.half() for k, t in dit.state_dict().items()}, "step": sum(r["stopped_at"] for r in earlier) + step,
           "runs": earlier + [{**args, "stopped_at": step}], "val_mse": v["val"], "val_grammar_velocity_mse": v["val_grammar"],
           "objective": "velocity"}
    save(a.dit_snapshot, **out)


def save_te(a, student, snap, step, n_pairs, v):
    # Resumed from an earlier velocity snapshot, steps and runs add up (each run has its own learning-rate schedule).
    earlier = snap.get("runs", [{**snap["args"], "stopped_at": snap["step"]}]) if snap.get("objective") == "velocity" else []
    args = {k: getattr(a, k) for k in ("steps", "batch", "lr", "feature_weight", "dit_lr", "sim_keep")}
    out = {"te": {k: t.half() for k, t in student.state_dict().items()}, "base_vocab": snap["base_vocab"], "vocab": snap["vocab"],
           "step": sum(r["stopped_at"] for r in earlier) + step, "runs": earlier + [{**args, "stopped_at": step}],
           "pairs": n_pairs, "val_mse": v["val"], "val_grammar_velocity_mse": v["val_grammar"], "args": args, "objective": "velocity",
           # a start made by training/mix.py: say so, and after which of the runs the weights were mixed
           **({"mix": {**snap["mix"], "after_runs": snap["mix"].get("after_runs", len(earlier))}} if "mix" in snap else {})}
    save(a.snapshot, **out)


def export_denoiser(a):
    """Writes a joint run's denoiser into a pack folder (denoiser.onnx, its manifest hash and training
    note) and checks it in onnxruntime-node; the text encoder goes in with distill_text.py --export."""
    snap = torch.load(a.dit_snapshot, map_location="cpu")
    dit = dit_of(snap["dit"]).eval()
    out = a.export_dit
    g = torch.Generator().manual_seed(0)
    path = os.path.join(out, "denoiser.onnx")
    check = {"denoiser": export_onnx(denoiser_export(dit, torch.randn(2, LENGTH, 128, generator=g), g), path)}
    manifest = json.load(open(os.path.join(out, "manifest.json")))
    manifest["files"]["denoiser"]["sha256"] = sha256(path)
    manifest.setdefault("training", {})["denoiser_paraphrase"] = {
        "from": "the shipped denoiser, trained on together with the text encoder", "steps": snap["step"], "runs": snap["runs"],
        "val_mse": round(snap["val_mse"], 5), "val_grammar_velocity_mse": snap["val_grammar_velocity_mse"],
        **({"mix": snap["mix"]} if "mix" in snap else {}),  # training/mix.py
        "objective": "MSE between its velocity given the text encoder's features of a paraphrase or a grammar phrasing and the shipped denoiser's given the grammar encoder's features of the grammar phrasing, on the phrased clip's noised latents (training/distill_text_dit.py --dit-lr)",
    }
    sys.exit(write_and_check(out, manifest, check, "check-denoiser.json"))


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--pairs", default=os.path.join(CACHE, "paraphrase", "clip-pairs.jsonl"), help="augment.ts --meta output: {clip, text, target}")
    p.add_argument("--clips", default=os.path.join(CACHE, "up", "train"), help="the rendered split the pairs' clips index (latents.f16, hrmask.u8)")
    p.add_argument("--init", default=os.path.join(HERE, "snapshots", "te-paraphrase.fp16.pt"), help="the student's start: a distill_text.py snapshot")
    p.add_argument("--average-with", default=os.path.join(HERE, "snapshots", "dit-ema-33500.fp16.pt"))
    p.add_argument("--snapshot", default=os.path.join(HERE, "snapshots", "te-paraphrase-dit.fp16.pt"))
    p.add_argument("--run", default=os.path.join(CACHE, "paraphrase", "dit-run"))
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--until", type=int, default=None, help="stop after this step, the schedule still spanning --steps (then --init the snapshot to go on)")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--lr", type=float, default=2e-4)
    p.add_argument("--feature-weight", type=float, default=0.0, help="also pull the features, as distill_text.py does, with this weight")
    p.add_argument("--sim-keep", type=float, default=0.5, help="share of samples given the simulation input")
    p.add_argument("--dit-lr", type=float, default=0.0, help="above 0, the denoiser trains too at this rate (the shipped one stays the teacher)")
    p.add_argument("--init-dit", default=None, help="the student's denoiser: this snapshot of a joint run or a mix instead of the shipped one (frozen unless --dit-lr)")
    p.add_argument("--grow-vocab", type=int, default=0, help="above 0, add the pairs' words the student lacks that are used at least this often")
    p.add_argument("--dit-snapshot", default=os.path.join(HERE, "snapshots", "dit-joint.fp16.pt"))
    p.add_argument("--export-dit", default=None, help="write --dit-snapshot's denoiser into this pack folder instead of training")
    p.add_argument("--val", type=int, default=256)
    p.add_argument("--val-every", type=int, default=250)
    p.add_argument("--log-every", type=int, default=25)
    a = p.parse_args()
    if a.export_dit:
        export_denoiser(a)
    os.makedirs(a.run, exist_ok=True)
    train(a)
