#!/usr/bin/env bash
# `npm run train`: reproduces models/physics-tiny from scratch, stage by stage, as it was trained
# (about 20 hours on 2 cores, the last three the text encoder and denoiser for paraphrases; the table in training/README.md has each stage's wall time).
#
# Every stage resumes from its checkpoint and a finished stage is skipped, so stop it at any time and
# run the same command again to go on — e.g. in the background: `nohup npm run train > train.log &`.
# Every 1,000 denoiser steps the EMA weights are exported as models/candidate (never committed) and
# scored on 30 held-out prompts: $T2V_CACHE/runs/eval-dit-STEP.json and a contact sheet beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
export T2V_CACHE="${T2V_CACHE:-$(cd .. && pwd)/t2v-cache}"
DATA="$T2V_CACHE/ds2"
RUNS="$T2V_CACHE/runs"
DONE="$RUNS/reproduce"
PY=/usr/bin/python3
mkdir -p "$DONE"

# stage NAME COMMAND...: runs COMMAND unless NAME finished before; appends its wall time to the marker.
stage() {
  local name=$1 t0=$SECONDS
  shift
  if [[ -e "$DONE/$name" ]]; then echo "== $name: done"; return; fi
  echo "== $name: $*"
  "$@"
  echo "$name $((SECONDS - t0)) s" | tee "$DONE/$name"
}

ae() { T2V_THREADS=2 "$PY" training/train_ae.py --data "$DATA" --batch 16 "$@"; }

dit_step() {
  "$PY" -c 'import sys, torch; print(torch.load(sys.argv[1], map_location="cpu")["step"])' "$RUNS/dit.pt" 2>/dev/null || echo 0
}

# dit UNTIL STEPS DECAY_FROM [FLAGS...]: the denoiser in chunks of 1,000 steps, each one exported
# and scored; FLAGS go to train_dit.py as they are.
dit() {
  local until=$1 steps=$2 decay=$3 at next
  shift 3
  at=$(dit_step)
  while ((at < until)); do
    next=$(((at / 1000 + 1) * 1000))
    ((next > until)) && next=$until
    T2V_THREADS=1 "$PY" training/train_dit.py --data "$DATA" --batch 16 --procs 2 --steps "$steps" --decay-from "$decay" --until "$next" "$@"
    "$PY" training/export.py --data "$DATA" --name candidate
    npx tsx training/eval.ts --pack candidate --limit 30 --json "$RUNS/eval-dit-$next.json" --out "$RUNS/eval-dit-$next"
    at=$next
  done
}

stage dataset npm run dataset -- --count 12000 --heldout 600 --out "$DATA"
# The autoencoder: a short joint run, then the decoder alone (the encoder stays fixed).
stage ae-800 ae --steps 800 --encode-limit 0
stage ae-decoder ae --decoder-only --steps 4000 --lr 5e-4
stage ae-keep cp "$RUNS/ae.pt" "$RUNS/ae-4000.pt"
stage encode ae --encode-only
# The denoiser's first 5,250 steps on those latents.
stage dit-5250 dit 5250 5500 4500
# Both halves of the autoencoder again, weighting edges and image gradients, latents held near the
# step-4,000 encoder's so the denoiser's training carries over; the second command encodes the clips.
tune=(--lr 4e-4 --edge-weight 4 --grad-loss 1 --anchor 0.05 --anchor-from "$RUNS/ae-4000.pt")
stage ae-tune-4500 ae --steps 8000 --until 4500 --encode-limit 0 "${tune[@]}"
stage ae-tune ae --steps 7000 "${tune[@]}"
stage dit-7750 dit 7750 7750 6750
# The decoder alone once more, with extra weight on the ring and shadow around each object (the
# latents stay as they are; --lr is high because the cosine schedule is already near its end).
stage ae-decoder-halo ae --decoder-only --steps 8000 --lr 2e-3 --edge-weight 4 --grad-loss 1 --halo-weight 6
# And 5,000 more decoder-only steps weighting the outer columns too (walls, and zero padding's smear),
# the last 1,000 with half of each batch from clips with walls; in four restarts as the shipped run
# went (each --steps sets where its cosine schedule ends, hence the high --lr values).
dec=(--decoder-only --edge-weight 4 --grad-loss 1)
stage ae-decoder-border ae "${dec[@]}" --steps 9000 --lr 1e-2 --halo-weight 6 --border-weight 8
stage ae-decoder-border-2 ae "${dec[@]}" --steps 10000 --lr 2e-2 --halo-weight 10 --border-weight 20
stage ae-decoder-border-3 ae "${dec[@]}" --steps 12000 --lr 1e-2 --halo-weight 10 --border-weight 20
stage ae-decoder-walls ae "${dec[@]}" --steps 13000 --lr 3e-2 --halo-weight 10 --border-weight 20 --walls-share 0.5
# Then 1,000 more with six times the noise on the latents (0.3), so the decoder draws the denoiser's
# slightly-off latents without slivers at the edges (count 0.80 → 0.86 over the 600 held-out prompts).
stage ae-decoder-noise ae "${dec[@]}" --steps 14000 --lr 3e-2 --halo-weight 10 --border-weight 20 --walls-share 0.5 --latent-noise 0.3
# Then 3,000 more weighting small or faint objects (a quarter of each batch from the faintest quarter
# of the clips) and the contact shadows on the ground line, whose tinted copies the instrument counts
# as objects. The shipped run did this last, after the denoiser; the decoder alone changes, so the
# denoiser's latents are the same either way (training/README.md, "The decoder for faint objects and shadows").
faint=(--halo-weight 10 --border-weight 20 --walls-share 0.25 --faint-weight 24 --faint-share 0.25 --shadow-weight 64)
stage ae-decoder-faint ae "${dec[@]}" --steps 17000 --lr 7e-3 "${faint[@]}" --latent-noise 0.3
# Then 1,000 more with the latent noise at 0.5, the decoder's answer to the denoiser's off latents
# (training/README.md, "The decoder with more latent noise again"). The shipped run started this one
# from the committed fp16 snapshot with a fresh optimizer; here the optimizer state carries on.
stage ae-decoder-noise-2 ae "${dec[@]}" --steps 18000 --lr 5e-2 "${faint[@]}" --latent-noise 0.5
# The denoiser on: constant learning rate from 7,750, decaying toward 10% over 12,000–13,500; then
# back to the constant rate for 300 steps and decaying again over 13,800–14,800.
stage dit-13500 dit 13500 13500 12000
stage dit-14800 dit 14800 14800 13800
# Then 5,200 more steps at the constant rate, decaying again over 20,000–21,500.
stage dit-21500 dit 21500 21500 20000
# Then 2,500 more at the constant rate, and 5,000 drawing two- and three-object clips more often,
# decaying over 27,500–29,000.
stage dit-24000 dit 24000 29000 27500
stage dit-29000 dit 29000 29000 27500 --count-weights 1,2,2.5
# Then grown from 8 to 12 blocks (the new ones start as the identity) and 4,500 more steps with the
# same weights, decaying over 32,000–33,500.
stage dit-33500 dit 33500 33500 32000 --count-weights 1,2,2.5 --depth 12
# Then 7,500 more at the constant rate, decaying over 39,000–41,000; the shipped weights are the mean
# of the EMA weights at 33,500 and 41,000. (The shipped run restarted at 33,500 from the committed
# fp16 snapshot, with a fresh optimizer; here the optimizer state carries on.)
stage keep-33500 cp "$RUNS/dit.pt" "$RUNS/dit-33500.pt"
stage dit-41000 dit 41000 41000 39000 --count-weights 1,2,2.5
stage export "$PY" training/export.py --data "$DATA" --average-with "$RUNS/dit-33500.pt" --version 1.7.0
# export.py writes the manifest afresh: the last decoder fine-tune's note goes back in (the same decoder).
stage decoder-note "$PY" training/train_ae.py --data "$DATA" --export-decoder models/physics-tiny \
  --note "the decoder alone from step 14,000: small or faint objects and the contact shadows on the ground line weighted (to 17,000; training/README.md, The decoder for faint objects and shadows), then 1,000 steps with more noise on the latents it decodes, 0.5 (training/README.md, The decoder with more latent noise again)"
# The text encoder for prompts in people's words (training/README.md, "The paraphrase splits"). The
# grammar encoder just exported is every distillation's teacher: keep it beside the snapshots.
stage te-grammar cp models/physics-tiny/text_encoder.onnx models/physics-tiny/tokenizer.json training/snapshots/te-grammar/
# The vocabulary grown by the training paraphrases' words (their embeddings only), then the whole
# encoder through the frozen denoiser on the upscaler's rendered training split: 1,000 steps of a
# 2,000-step schedule, and 1,000 more from there at half the rate, as the shipped encoder went.
PP="$T2V_CACHE/paraphrase"
stage pp-pairs npx tsx training/augment.ts --count 120000 --out "$PP/pairs.jsonl"
stage te-new-words "$PY" training/distill_text.py --only-new-words --steps 3000
stage up-dataset npx tsx training/upscale/dataset.ts --count 2000 --heldout 100 --out "$T2V_CACHE/up"
stage up-recon "$PY" training/upscale/recon.py
stage pp-clip-pairs npx tsx training/augment.ts --meta "$T2V_CACHE/up/train/meta.jsonl" --per-clip 8 --out "$PP/clip-pairs.jsonl"
te_dit() { T2V_THREADS=2 "$PY" training/distill_text_dit.py --run "$PP/dit-run" "$@"; }
stage te-dit-1000 te_dit --steps 2000 --until 1000 --snapshot "$PP/te-dit-1000.fp16.pt"
stage te-dit-2000 te_dit --init "$PP/te-dit-1000.fp16.pt" --steps 1000 --lr 1e-4
# Then the denoiser trained beside that encoder (the teacher still the grammar pair), and the pack's
# encoder and denoiser the weights halfway between the two pairs (training/mix.py, WiSE-FT).
stage joint te_dit --init training/snapshots/te-paraphrase-dit.fp16.pt --dit-lr 5e-5 --lr 1e-4 --steps 1200 --val-every 200 \
  --run "$PP/joint-run" --snapshot "$PP/te-joint.fp16.pt" --dit-snapshot "$PP/dit-joint.fp16.pt"
stage mix "$PY" training/mix.py --te "$PP/te-joint.fp16.pt" --dit "$PP/dit-joint.fp16.pt" --share 0.5 \
  --out-te "$PP/te-mix.fp16.pt" --out-dit "$PP/dit-mix.fp16.pt"
stage te-mix-export "$PY" training/distill_text.py --export models/physics-tiny --snapshot "$PP/te-mix.fp16.pt"
stage dit-mix-export "$PY" training/distill_text_dit.py --export-dit models/physics-tiny --dit-snapshot "$PP/dit-mix.fp16.pt"
# The prompt reader (training/README.md, "The prompt reader"): prompts in people's words read into
# the scene they describe, which Text Encode phrases in the grammar's words.
RD="$T2V_CACHE/reader"
stage reader-data npx tsx training/augment.ts --describe --count 200000 --rich 0.5 --identity 0.2 --out "$RD/train.jsonl"
stage reader-splits npx tsx training/reader_splits.ts --out "$RD/heldout.jsonl"
stage reader "$PY" training/train_reader.py
stage reader-export "$PY" training/train_reader.py --export models/physics-tiny
echo "done: models/physics-tiny; score it with: npm run eval -- --limit 60"
