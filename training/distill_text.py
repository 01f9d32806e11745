"""Teaches the shipped text encoder prompts as people type them, leaving the denoiser as it is.

The student starts as the pack's text encoder (read from its ONNX file) with the vocabulary grown by
the words of training/augment.ts's paraphrases (old ids unchanged, new rows starting at [UNK]'s).
Each pair is (text, target): the student's features of `text` are pulled to the frozen teacher's
features of `target`, position by position, so the denoiser sees what it saw in training. Grammar
phrasings are in the pairs too, as their own targets, so they keep their features.

/usr/bin/python3 training/distill_text.py [--pairs $T2V_CACHE/paraphrase/pairs.jsonl] [--steps 6000]
/usr/bin/python3 training/distill_text.py --export models/physics-tiny   # ONNX + tokenizer.json + manifest hashes, checked in onnxruntime-node
"""
import argparse
import collections
import hashlib
import json
import os
import re
import subprocess
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from common import CACHE, save, setup_threads  # noqa: E402
from models import TextEncoder  # noqa: E402
from tok import LENGTH, NORMALIZER, PAD, UNK  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OPSET = 16
SNAPSHOT = os.path.join(HERE, "snapshots", "te-paraphrase.fp16.pt")
# The encoder trained with the denoiser on grammar prompts, as export.py wrote it into the pack
# (text_encoder.onnx, tokenizer.json): every distillation's teacher and base, whatever the pack ships now.
GRAMMAR = os.path.join(HERE, "snapshots", "te-grammar")


def words_of(text):
    """The tokenizer's words: lower case, punctuation as a space, runs of word characters (tok.py)."""
    return re.findall(r"\w+", re.sub(r"[^\w\s]", " ", text.lower()))


def encode(vocab, texts):
    ids = torch.full((len(texts), LENGTH), PAD, dtype=torch.long)
    for i, t in enumerate(texts):
        w = [vocab.get(x, UNK) for x in words_of(t)][:LENGTH]
        ids[i, : len(w)] = torch.tensor(w, dtype=torch.long)
    return ids


def teacher_from_onnx(path):
    """The text encoder's weights back from its ONNX export: named initialisers as they are, and the
    anonymous MatMul constants (in_proj, linear1, linear2 per layer, transposed) in graph order."""
    import onnx
    from onnx import numpy_helper

    m = onnx.load(path)
    init = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in m.graph.initializer}
    vocab_n, d = init["emb.weight"].shape
    depth = 1 + max(int(k.split(".")[1]) for k in init if k.startswith("layers."))
    model = TextEncoder(vocab_n, LENGTH, d, depth)
    sd = {k: v for k, v in init.items() if k in model.state_dict()}
    consts = [init[n.input[1]] for n in m.graph.node if n.op_type == "MatMul" and n.input[1] in init and n.input[1] not in sd]
    names = [f"layers.{i}.{w}" for i in range(depth) for w in ("self_attn.in_proj_weight", "linear1.weight", "linear2.weight")]
    if len(consts) != len(names):
        sys.exit(f"{path}: expected {len(names)} MatMul weights, found {len(consts)}")
    for name, c in zip(names, consts):
        sd[name] = c.t().contiguous()
    missing = set(model.state_dict()) - set(sd)
    if missing:
        sys.exit(f"{path}: no weights for {sorted(missing)}")
    model.load_state_dict(sd)
    return model.eval()


def grown(teacher, n_new):
    old = teacher.emb.weight.shape[0]
    student = TextEncoder(old + n_new, LENGTH, teacher.emb.weight.shape[1], len(teacher.layers))
    sd = {k: v.clone() for k, v in teacher.state_dict().items()}
    sd["emb.weight"] = torch.cat([sd["emb.weight"], sd["emb.weight"][UNK].expand(n_new, -1)])
    student.load_state_dict(sd)
    return student


def new_words(pairs, vocab, min_count):
    """The pairs' words `vocab` lacks, used at least `min_count` times, sorted; appended to `vocab`
    (ids after its last) and returned, for grown() to give each a row."""
    counts = collections.Counter(w for p in pairs for w in words_of(p["text"]))
    new = sorted(w for w, c in counts.items() if w not in vocab and c >= min_count)
    vocab.update({w: len(vocab) + k for k, w in enumerate(new)})
    return new


def train(a):
    pairs = [json.loads(line) for line in open(a.pairs)]
    tok = json.load(open(os.path.join(GRAMMAR, "tokenizer.json")))
    vocab = dict(tok["model"]["vocab"])
    new = new_words(pairs, vocab, a.min_count)
    teacher = grammar_encoder()
    student = grown(teacher, len(new))
    old = teacher.emb.weight.shape[0]
    if a.only_new_words:
        # Everything the grammar's words pass through stays as shipped, so grammar prompts keep their
        # features exactly; only the new words' embeddings learn.
        for name, p in student.named_parameters():
            p.requires_grad_(name == "emb.weight")
        student.emb.weight.register_hook(lambda g: torch.cat([torch.zeros_like(g[:old]), g[old:]]))
    print(json.dumps({"event": "start", "pairs": len(pairs), "new_words": len(new), "vocab": len(vocab)}), flush=True)
    val, pairs = pairs[: a.val], pairs[a.val:]
    texts = encode(vocab, [p["text"] for p in pairs])
    with torch.no_grad():
        targets_ids = encode(vocab, [p["target"] for p in pairs])
        val_x = encode(vocab, [p["text"] for p in val])
        val_y = teacher(encode(vocab, [p["target"] for p in val]))
    opt = torch.optim.AdamW([p for p in student.parameters() if p.requires_grad], lr=a.lr, weight_decay=0.0)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=a.lr, total_steps=a.steps, pct_start=0.05, final_div_factor=50)
    g = torch.Generator().manual_seed(0)
    t0 = time.time()
    for step in range(1, a.steps + 1):
        idx = torch.randint(0, len(pairs), (a.batch,), generator=g)
        with torch.no_grad():
            y = teacher(targets_ids[idx])
        loss = F.mse_loss(student(texts[idx]), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        if step % a.log_every == 0 or step == a.steps:
            student.eval()
            with torch.no_grad():
                v = F.mse_loss(student(val_x), val_y).item()
            student.train()
            print(json.dumps({"step": step, "loss": round(loss.item(), 5), "val": round(v, 5), "wall_s": round(time.time() - t0, 1)}), flush=True)
    words = sorted(vocab, key=vocab.get)
    sd = student.state_dict()
    # With only the new rows trained, the snapshot holds just those: the rest is the pack's own fp32
    # encoder, read back at export, so grammar prompts keep their features to the bit.
    te = {"emb.new_rows": sd["emb.weight"][old:].half()} if a.only_new_words else {k: v.half() for k, v in sd.items()}
    snap = {"te": te, "base_vocab": old, "vocab": words, "step": a.steps,
            "pairs": len(pairs), "val_mse": v, "args": {k: getattr(a, k) for k in ("steps", "batch", "lr", "min_count", "only_new_words")}}
    save(SNAPSHOT, **snap)
    print(json.dumps({"event": "saved", "snapshot": SNAPSHOT, "bytes": os.path.getsize(SNAPSHOT)}), flush=True)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def grammar_encoder():
    """The teacher, frozen: the grammar encoder the pack shipped with its denoiser."""
    return teacher_from_onnx(os.path.join(GRAMMAR, "text_encoder.onnx")).requires_grad_(False)


def snapshot_model(snap):
    """The snapshot's encoder: its own weights, or (new rows only) the grammar encoder with its first
    base_vocab rows kept and the snapshot's rows after them."""
    if "emb.new_rows" in snap["te"]:
        base = grammar_encoder()
        sd = base.state_dict()
        sd["emb.weight"] = torch.cat([sd["emb.weight"][: snap["base_vocab"]], snap["te"]["emb.new_rows"].float()])
    else:
        sd = {k: v.float() for k, v in snap["te"].items()}
    n, d = sd["emb.weight"].shape
    model = TextEncoder(n, LENGTH, d, 1 + max(int(k.split(".")[1]) for k in sd if k.startswith("layers.")))
    model.load_state_dict(sd)
    return model.eval()


def export(a):
    snap = torch.load(a.snapshot, map_location="cpu")
    out = a.export
    model = snapshot_model(snap)
    tok_path = os.path.join(out, "tokenizer.json")
    tok = json.load(open(os.path.join(GRAMMAR, "tokenizer.json")))
    tok["normalizer"] = NORMALIZER
    tok["model"]["vocab"] = {w: i for i, w in enumerate(snap["vocab"])}
    with open(tok_path, "w") as f:
        json.dump(tok, f)
    onnx_path = os.path.join(out, "text_encoder.onnx")
    ids = encode(tok["model"]["vocab"], ["Three huge springy purple orbs are hurled towards the left, at twilight!", "a red ball falls"])
    # Outside no_grad: there PyTorch's fused encoder-layer path would be traced, which ONNX lacks.
    torch.onnx.export(model, (ids,), onnx_path, input_names=["input_ids"], output_names=["text"],
                      dynamic_axes={"input_ids": {0: "batch"}, "text": {0: "batch"}}, opset_version=OPSET)
    expected = model(ids).detach()
    manifest = json.load(open(os.path.join(out, "manifest.json")))
    for key, path in (("text_encoder", onnx_path), ("tokenizer", tok_path)):
        manifest["files"][key]["sha256"] = sha256(path)
    manifest.setdefault("training", {})["text_encoder_paraphrase"] = {
        "from": "the pack's own text encoder, vocabulary grown by the training paraphrases' words",
        "pairs": snap["pairs"], "steps": snap["step"], "vocab": len(snap["vocab"]),
        # A mix (training/mix.py) is not validated on its own: the number is the last run's before it.
        ("val_mse_before_mix" if "mix" in snap else "val_mse"): round(snap["val_mse"], 5),
        **({"runs": snap["runs"]} if "runs" in snap else {}),
        **({"mix": snap["mix"]} if "mix" in snap else {}),  # training/mix.py
        "objective": ("MSE between the denoiser's velocity given the student's features of a paraphrase and given the grammar encoder's (training/snapshots/te-grammar) features of the grammar phrasing, on the phrased clip's noised latents (training/distill_text_dit.py; the denoiser frozen, or trained too with --dit-lr)"
                      if snap.get("objective") == "velocity" else
                      "MSE between the student's features of a paraphrase (training/augment.ts, training scenes only) and the frozen encoder's features of the grammar phrasing; grammar phrasings kept as their own targets"),
    }
    check = {"text_encoder": {"inputs": {"input_ids": {"dtype": "int64", "dims": list(ids.shape), "data": ids.flatten().tolist()}},
                              "output": {"name": "text", "dims": list(expected.shape), "data": expected.flatten().tolist()}}}
    sys.exit(write_and_check(out, manifest, check, "check.json"))


def write_and_check(out, manifest, check, check_name):
    """Writes the pack's updated manifest, then runs the exported files in onnxruntime-node on
    PyTorch's inputs (training/check_export.ts); returns its exit status."""
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=True)
        f.write("\n")
    check_path = os.path.join(CACHE, "paraphrase", check_name)
    os.makedirs(os.path.dirname(check_path), exist_ok=True)
    with open(check_path, "w") as f:
        json.dump(check, f)
    return subprocess.run(["npx", "tsx", os.path.join(HERE, "check_export.ts"), out, check_path], cwd=ROOT).returncode


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--pairs", default=os.path.join(CACHE, "paraphrase", "pairs.jsonl"))
    p.add_argument("--steps", type=int, default=6000)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--min-count", type=int, default=3, help="a new word needs this many uses in the pairs")
    p.add_argument("--val", type=int, default=2000, help="pairs kept aside to watch the loss")
    p.add_argument("--log-every", type=int, default=250)
    p.add_argument("--only-new-words", action="store_true", help="train only the new words' embeddings (grammar prompts keep their features exactly)")
    p.add_argument("--snapshot", default=SNAPSHOT, help="with --export: the snapshot to export (distill_text.py's or distill_text_dit.py's)")
    p.add_argument("--export", default=None, help="write the snapshot's text encoder into this pack folder instead of training")
    a = p.parse_args()
    setup_threads()
    export(a) if a.export else train(a)
