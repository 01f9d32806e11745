"""The prompt reader: a small classifier that reads a prompt in people's words into the scene
description the grammar phrases (shape, colour, size, material, count, motion, place, background,
walls). Text Encode re-phrases a prompt the grammar does not cover from its reading, so the text
encoder and the denoiser see the words they were trained on (nodes/generate/read-prompt.ts).

Trained on augment.ts --describe (training scenes only, phrased by augment.ts and phrasings.ts);
words it has never seen become [UNK], and training hides known words and inserts unknown ones so
that a reading survives them. Half the motion verbs are swapped for other verbs of the same motion
from WordNet (lexicon.py; Debian's wordnet-base), so the reader knows more of them than the phrasings
use, and reader_wordings.py adds wordings augment.ts does not write (--rephrase: a setting's colours,
"from X to Y", the parser's synonyms; --requests: whole prompts as requests, -ing forms or plain
statements). Training prints slot accuracy on the held-out splits (reader_splits.ts) by half: choose
settings on the second half (301-600), report the whole split.

  npx tsx training/augment.ts --describe --count 200000 --rich 0.5 --identity 0.2 --out $T2V_CACHE/reader/train.jsonl
  npx tsx training/reader_splits.ts --out $T2V_CACHE/reader/heldout.jsonl
  /usr/bin/python3 training/train_reader.py                        # 2,000 steps, about 12 minutes
  /usr/bin/python3 training/train_reader.py --export models/physics-tiny
"""
import argparse
import collections
import json
import os
import random
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from common import CACHE, SNAPSHOTS, setup_threads
from reader_wordings import COLOURS
from tok import PAD, UNK, build_tokenizer_json, words

# The reader's window in words: longer than the text encoder's (tok.LENGTH, 24), since a prompt in
# people's words often runs past 24 and its setting and walls come last.
LENGTH = 40

# The description's fields and their values, in the order the ONNX outputs them. "none" is a place the
# prompt does not name; these lists are also written into the manifest, so the two cannot drift.
SLOTS = {
    "shape": ["ball", "box", "triangle"],
    "color": COLOURS,
    "size": ["small", "medium", "large"],
    "material": ["normal", "bouncy", "heavy", "slippery"],
    "count": ["1", "2", "3"],
    "motion": ["falls", "thrown_left", "thrown_right", "thrown_up", "rolls_left", "rolls_right", "collide"],
    "place": ["none", "left", "center", "right"],
    "background": ["sky", "night", "sunset", "beach", "grass"],
    "walls": ["false", "true"],
}
SNAPSHOT = os.path.join(SNAPSHOTS, "reader.fp16.pt")
OPSET = 16


def labels_of(d):
    value = {"count": str(d["count"]), "place": d.get("place") or "none", "walls": "true" if d["walls"] else "false"}
    return [SLOTS[k].index(value.get(k, d.get(k))) for k in SLOTS]


class Reader(nn.Module):
    """Token ids → one set of logits per description field (a learned query attends over the tokens)."""

    def __init__(self, vocab, d=96, depth=2, heads=4):
        super().__init__()
        self.emb = nn.Embedding(vocab, d)
        self.pos = nn.Parameter(torch.randn(1, LENGTH, d) * 0.02)
        self.layers = nn.ModuleList([nn.TransformerEncoderLayer(d, heads, 3 * d, dropout=0.0, activation="gelu", batch_first=True, norm_first=True) for _ in range(depth)])
        self.norm = nn.LayerNorm(d)
        self.queries = nn.Parameter(torch.randn(len(SLOTS), d) * 0.02)
        self.heads = nn.ModuleList([nn.Linear(d, len(v)) for v in SLOTS.values()])

    def forward(self, ids):
        x = self.emb(ids) + self.pos
        for layer in self.layers:
            x = layer(x)
        x = self.norm(x)
        pad = (ids == PAD).unsqueeze(1)                                    # [B, 1, L]
        att = torch.einsum("sd,bld->bsl", self.queries, x) / x.shape[-1] ** 0.5
        att = att.masked_fill(pad, -1e4).softmax(-1)
        pooled = torch.einsum("bsl,bld->bsd", att, x)
        return [head(pooled[:, i]) for i, head in enumerate(self.heads)]


def load_reader(snap):
    """The Reader a snapshot holds, in eval mode."""
    model = Reader(len(snap["vocab"]), d=snap["width"], depth=snap["depth"])
    model.load_state_dict({k: v.float() for k, v in snap["model"].items()})
    return model.eval()


def encode(tokens, vocab):
    ids = [vocab.get(w, UNK) for w in tokens][:LENGTH]
    return ids + [PAD] * (LENGTH - len(ids))


def noisy(tokens, vocab, rng, hide, insert):
    """Known words hidden as [UNK] and [UNK]s inserted: what a prompt with words the reader never saw looks like."""
    out = []
    for w in tokens:
        if rng.random() < insert:
            out.append("[UNK]")
        out.append("[UNK]" if rng.random() < hide else w)
    return out


def load_lines(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def accuracy(model, vocab, rows):
    """Per-field accuracy, and the share of prompts read right in every field."""
    model.eval()
    with torch.no_grad():
        ids = torch.tensor([encode(words(r["text"]), vocab) for r in rows])
        pred = torch.stack([o.argmax(-1) for o in model(ids)], 1)
    model.train()
    gold = torch.tensor([labels_of(r["description"]) for r in rows])
    ok = pred == gold
    return {k: ok[:, i].float().mean().item() for i, k in enumerate(SLOTS)} | {"all": ok.all(1).float().mean().item()}


def check(model, vocab, heldout, halves=True):
    for split in dict.fromkeys(r["split"] for r in heldout):                  # in reader_splits.ts's order
        rows = [r for r in heldout if r["split"] == split]
        parts = {"301-600": [r for r in rows if r["i"] >= 300], "1-300": [r for r in rows if r["i"] < 300]} if halves else {"all": rows}
        for name, part in parts.items():
            if not part:
                continue
            a = accuracy(model, vocab, part)
            print(f"  {split:8s} {name:8s} " + " ".join(f"{k} {v:.3f}" for k, v in a.items()), flush=True)


def swap_verbs(texts, share, rng):
    """A share of the motion verbs swapped for another verb of the same motion and form (lexicon.py):
    only verbs new to the data, so every word already in it keeps the uses it has."""
    from lexicon import substitutions
    known = {w for t in texts for w in t}
    table = {k: [w for w in v if w not in known] for k, v in substitutions().items()}
    return [[rng.choice(table[w]) if table.get(w) and rng.random() < share else w for w in t] for t in texts]


def train(a):
    rows = load_lines(a.data)
    rng = random.Random(a.seed)
    texts = [words(r["text"]) for r in rows]
    if a.wordnet > 0:
        texts = swap_verbs(texts, a.wordnet, rng)
    if a.rephrase > 0:
        from reader_wordings import rephrase
        texts = [rephrase(t, r["description"], rng, a.rephrase) for t, r in zip(texts, rows)]
    if a.requests > 0:
        from reader_wordings import request
        texts = [request(r["description"], rng) if rng.random() < a.requests else t for t, r in zip(texts, rows)]
    counts = collections.Counter(w for t in texts for w in t)
    vocab = {w: i for i, w in enumerate(["[PAD]", "[UNK]"] + sorted(w for w, c in counts.items() if c >= a.min_count))}
    data = [(t, labels_of(r["description"])) for t, r in zip(texts, rows)]
    heldout = load_lines(a.heldout) if os.path.exists(a.heldout) else []
    torch.manual_seed(a.seed)
    model = Reader(len(vocab), d=a.width, depth=a.depth)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 200) * max(0.05, 1 - s / a.steps))
    print(f"{len(rows)} prompts, {len(vocab)} words, {sum(p.numel() for p in model.parameters())} parameters", flush=True)
    t0 = time.time()
    for step in range(1, a.steps + 1):
        batch = [data[rng.randrange(len(data))] for _ in range(a.batch)]
        ids = torch.tensor([encode(noisy(w, vocab, rng, a.hide, a.insert), vocab) for w, _ in batch])
        gold = torch.tensor([y for _, y in batch])
        loss = sum(F.cross_entropy(o, gold[:, i]) for i, o in enumerate(model(ids)))
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % a.log_every == 0 or step == a.steps:
            print(f"step {step} loss {loss.item():.4f} ({time.time() - t0:.0f} s)", flush=True)
        if heldout and (step % a.check_every == 0 or step == a.steps):
            check(model, vocab, heldout)
    torch.save({"model": {k: v.half() for k, v in model.state_dict().items()}, "vocab": vocab, "width": a.width, "depth": a.depth, "slots": SLOTS,
                "settings": {k: v for k, v in vars(a).items() if k not in ("export",)}}, a.snapshot)
    print(f"→ {a.snapshot}")


def export(a):
    """Writes the reader into a pack folder and its manifest, then checks it in onnxruntime-node
    (check_export.ts, on the motion output); returns that check's exit status."""
    from distill_text import write_and_check
    from export import check_entry, sha256
    snap = torch.load(a.snapshot, map_location="cpu")
    vocab = snap["vocab"]
    model = load_reader(snap)
    if os.path.exists(a.heldout):
        print("held-out splits, all 600:")
        check(model, vocab, load_lines(a.heldout), halves=False)
    names = list(SLOTS)
    onnx_path = os.path.join(a.export, "reader.onnx")
    tok_path = os.path.join(a.export, "reader_tokenizer.json")
    ids = torch.tensor([encode(words("two red balls fall at night"), vocab)])
    torch.onnx.export(model, (ids,), onnx_path, input_names=["input_ids"], output_names=names,
                      dynamic_axes={"input_ids": {0: "batch"}, **{n: {0: "batch"} for n in names}}, opset_version=OPSET)
    with torch.no_grad():
        against = {"reader": check_entry((ids,), ["input_ids"], "motion", model(ids)[names.index("motion")])}
    tok = build_tokenizer_json([w for w in sorted(vocab, key=vocab.get) if w not in ("[PAD]", "[UNK]")])
    assert all(tok["model"]["vocab"][w] == i for w, i in vocab.items() if w not in ("[PAD]", "[UNK]")), "vocabulary order"
    with open(tok_path, "w") as f:
        json.dump(tok, f)
    manifest_path = os.path.join(a.export, "manifest.json")
    manifest = json.load(open(manifest_path))
    manifest["files"]["reader"] = {"path": "reader.onnx", "sha256": sha256(onnx_path)}
    manifest["files"]["reader_tokenizer"] = {"path": "reader_tokenizer.json", "sha256": sha256(tok_path)}
    manifest["reader"] = {"input": "input_ids", "max_length": LENGTH, "pad_id": PAD, "unk_id": UNK, "fields": SLOTS}
    manifest["tensors"]["reader"] = {"inputs": {"input_ids": {"dtype": "int64", "shape": ["batch", LENGTH]}},
                                     "outputs": {n: {"dtype": "float32", "shape": ["batch", len(v)]} for n, v in SLOTS.items()}}
    kept = ("steps", "batch", "lr", "width", "depth", "min_count", "hide", "insert", "wordnet", "rephrase", "requests", "seed")
    manifest.setdefault("training", {})["reader"] = {
        "script": "training/train_reader.py", "data": "augment.ts --describe --count 200000 --rich 0.5 --identity 0.2",
        **{k: v for k, v in snap["settings"].items() if k in kept}, "words": len(vocab)}
    print(f"→ {onnx_path}, {tok_path}, manifest.json")
    return write_and_check(a.export, manifest, against, "check-reader.json")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default=os.path.join(CACHE, "reader", "train.jsonl"), help="augment.ts --describe output")
    p.add_argument("--heldout", default=os.path.join(CACHE, "reader", "heldout.jsonl"), help="reader_splits.ts output, only to print accuracy")
    p.add_argument("--snapshot", default=SNAPSHOT)
    p.add_argument("--export", default=None, help="write the snapshot's reader into this pack folder instead of training")
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--width", type=int, default=96)
    p.add_argument("--depth", type=int, default=2)
    p.add_argument("--min-count", type=int, default=3, help="a word needs this many uses in the data to get its own id")
    p.add_argument("--hide", type=float, default=0.1, help="share of known words hidden as [UNK] in training")
    p.add_argument("--insert", type=float, default=0.05, help="chance of an [UNK] inserted before each word in training")
    p.add_argument("--wordnet", type=float, default=0.5, help="share of motion verbs swapped for WordNet's other verbs of the motion (lexicon.py)")
    p.add_argument("--rephrase", type=float, default=0.25, help="chance of each of reader_wordings.py's wordings (a setting's colours, from X to Y, the parser's synonyms) in a prompt")
    p.add_argument("--requests", type=float, default=0.2, help="share of prompts replaced by reader_wordings.py's request(): a whole prompt as a request, around an -ing form or as a plain statement")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--log-every", type=int, default=250)
    p.add_argument("--check-every", type=int, default=1000)
    a = p.parse_args()
    setup_threads()
    if a.export:
        sys.exit(export(a))
    train(a)


if __name__ == "__main__":
    main()
