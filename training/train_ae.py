"""Stage 1: the per-frame video autoencoder (64×64×3 → 8×8×8), then the dataset's latents.

/usr/bin/python3 training/train_ae.py --data DIR --steps 1500
Resumes from its checkpoint; writes DIR/latents-{train,heldout}.npy and the latent statistics.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from common import CACHE, Log, load, load_snapshot, save, setup_threads  # noqa: E402
from data import Split  # noqa: E402
from models import Decoder, Encoder  # noqa: E402


def to_input(frames):
    return torch.from_numpy(np.ascontiguousarray(frames)).float().permute(0, 3, 1, 2) / 127.5 - 1


def grads(x):
    """Horizontal and vertical differences of an image batch."""
    return x[..., :, 1:] - x[..., :, :-1], x[..., 1:, :] - x[..., :-1, :]


def edges(gx, gy):
    """Per-pixel edge strength from a target's grads() (0 on flat sky, ~1+ on a sharp horizon or outline)."""
    g = F.pad(gx.abs().sum(1, keepdim=True), (0, 1)) + F.pad(gy.abs().sum(1, keepdim=True), (0, 0, 0, 1))
    return F.max_pool2d(g, 3, 1, 1)


def faint(x, m):
    """Object pixels the instrument finds hard to see: in small objects (little object within 4 px
    around) or close in colour to the ground around them. 0–2 per pixel, dilated by one pixel."""
    near = F.avg_pool2d(m, 9, 1, 4, count_include_pad=False)
    free = F.avg_pool2d(1 - m, 9, 1, 4, count_include_pad=False)
    ground = F.avg_pool2d(x * (1 - m), 9, 1, 4, count_include_pad=False) / (free + 1e-3)
    contrast = (x - ground).abs().sum(1, keepdim=True)  # summed over channels, in [-1, 1] units
    small = (1 - 2 * near).clamp(min=0)  # 1 for a lone pixel, 0 once half the window is object
    low = (contrast < 0.5).float()  # about 60 levels of 255 summed: the instrument's own threshold
    return F.max_pool2d(m * (small + low), 3, 1, 1)


def shadow(x, m, ground_top):
    """The contact shadows on the ground line: pixels off the objects, within 3 px of the ground's top
    row (ground_top), darker than their row's median. Dilated by one pixel."""
    rows = torch.arange(x.shape[2]).view(1, 1, -1, 1) - ground_top
    luma = x.sum(1, keepdim=True)
    dark = luma < luma.median(dim=3, keepdim=True).values - 0.05  # a shadow keeps at most 97% of the light
    return F.max_pool2d((dark & (rows.abs() <= 3) & (m == 0)).float(), 3, 1, 1)


@torch.no_grad()
def faint_clips(split):
    """The quarter of the clips whose objects are hardest to see (faint() on their middle frame)."""
    score = np.zeros(split.n)
    mid = split.t // 2
    for i in range(0, split.n, 500):
        x = to_input(split.frames[i:i + 500, mid])
        m = torch.from_numpy(np.ascontiguousarray(split.masks[i:i + 500, mid])).float().unsqueeze(1) / 255
        score[i:i + len(x)] = (faint(x, m) * m).sum((1, 2, 3)).numpy() / (m.sum((1, 2, 3)).numpy() + 1)
    return np.argsort(-score)[: split.n // 4]


def border(width, px):
    """1 on the px outermost columns of each side, else 0; broadcasts over [B, C, H, W]."""
    col = torch.zeros(width)
    col[:px] = 1
    col[-px:] = 1
    return col.view(1, 1, 1, width)


def reference(args):
    """A frozen copy of the encoder a fine-tune starts from: --anchor keeps latents near it."""
    if args.anchor <= 0:
        return None
    ck = load(args.anchor_from)
    ref = Encoder(); ref.load_state_dict(ck["enc"]); ref.eval()
    for q in ref.parameters():
        q.requires_grad_(False)
    return ref


def checkpoint(path, from_snapshot):
    """The run's checkpoint; with from_snapshot and none yet, the committed snapshot's weights (no
    optimizer state), so a fresh machine can encode or go on training."""
    ck = load(path)
    if ck is None and from_snapshot:
        ck = load_snapshot("ae.fp16.pt")
        print(f"starting from training/snapshots/ae.fp16.pt (step {ck['step']})", flush=True)
    return ck


def train(args):
    split = Split(os.path.join(args.data, "train"), partial=True)
    run = os.path.join(CACHE, "runs")
    os.makedirs(run, exist_ok=True)
    ckpt_path = os.path.join(run, "ae.pt")
    enc, dec = Encoder(), Decoder()
    # --decoder-only keeps the encoder (and so every latent the denoiser trained on) fixed and
    # goes on sharpening the decoder.
    params = list(dec.parameters()) if args.decoder_only else list(enc.parameters()) + list(dec.parameters())
    opt = torch.optim.Adam(params, lr=args.lr)
    step = 0
    ck = checkpoint(ckpt_path, args.from_snapshot)
    if ck:
        enc.load_state_dict(ck["enc"]); dec.load_state_dict(ck["dec"]); step = ck["step"]
        if "opt" in ck and ck.get("decoder_only", False) == args.decoder_only:
            opt.load_state_dict(ck["opt"])
    log = Log(os.path.join(run, "ae.log.jsonl"))
    rng = np.random.default_rng(step)
    ref = reference(args)
    last = min(args.steps, args.until or args.steps)
    walled = np.array([i for i, m in enumerate(split.meta) if m["description"].get("walls")]) if args.walls_share > 0 else None
    if walled is not None and len(walled) == 0:
        sys.exit("--walls-share: no training clip has walls")
    n_walled = round(args.walls_share * args.batch)
    hard = faint_clips(split) if args.faint_share > 0 else None
    n_hard = round(args.faint_share * args.batch)
    border_cols = args.border_weight * border(split.w, 3) if args.border_weight > 0 else 0
    if args.shadow_weight > 0:
        world = split.meta[0]["scene"]["world"]
        ground_top = split.h - world["groundY"] * split.w / world["width"]  # the same world in every clip
    while step < last:
        if step % 200 == 0:
            split = Split(os.path.join(args.data, "train"), partial=True)  # picks up clips still being written
        clip = rng.integers(0, split.n, args.batch)
        if walled is not None:  # walls are in one clip in ten: show them more often
            clip[:n_walled] = rng.choice(walled, n_walled)
        if hard is not None:  # tiny objects and low contrast: a share of each batch from the faintest clips
            clip[n_walled:n_walled + n_hard] = rng.choice(hard, n_hard)
        frame = rng.integers(0, split.t, args.batch)
        x = to_input(split.frames[clip, frame])
        m = torch.from_numpy(np.ascontiguousarray(split.masks[clip, frame])).float().unsqueeze(1) / 255
        lr = args.lr * 0.5 * (1 + np.cos(np.pi * min(1.0, step / args.steps))) + 1e-5
        for g in opt.param_groups:
            g["lr"] = lr
        with torch.set_grad_enabled(not args.decoder_only):
            z = enc(x)
        # Noise on the latent keeps the decoder tolerant of the denoiser's small errors.
        y = dec(z + args.latent_noise * torch.randn_like(z))
        # Objects are few pixels: weight them up; --edge-weight also weights the horizon, the sun's
        # rim and other background edges, whose soft or rippled reconstructions read as objects.
        gt = grads(x)
        w = 1 + 12 * F.max_pool2d(m, 3, 1, 1) + args.edge_weight * edges(*gt)
        if args.halo_weight > 0:  # the ring around each object and the shadow under it: no tinted halos
            w = w + args.halo_weight * F.max_pool2d(m, (9, 5), 1, (4, 2))
        if args.faint_weight > 0:  # tiny triangles and black on the night sky, which the decoder draws as smudges
            w = w + args.faint_weight * faint(x, m)
        if args.shadow_weight > 0:  # shadows the decoder tints or darkens read as extra objects on the ground
            w = w + args.shadow_weight * shadow(x, m, ground_top)
        w = w + border_cols  # --border-weight: the outer columns, where the walls stand and zero padding smears
        loss = (w * ((y - x) ** 2 + 0.3 * (y - x).abs())).mean() + 1e-4 * (z ** 2).mean()
        if args.grad_loss > 0:  # match image gradients too: sharp edges, no halos
            loss = loss + args.grad_loss * sum((a - b).abs().mean() for a, b in zip(grads(y), gt))
        if ref is not None:  # stay near the latents the denoiser was trained on
            with torch.no_grad():
                z0 = ref(x)
            loss = loss + args.anchor * (((z - z0) / z0.std(dim=(0, 2, 3), keepdim=True)) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        if step % 50 == 0:
            log(stage="ae", step=step, loss=round(loss.item(), 5), lr=round(lr, 6))
        if step % 250 == 0 or step == last:
            save(ckpt_path, enc=enc.state_dict(), dec=dec.state_dict(), opt=opt.state_dict(), step=step, decoder_only=args.decoder_only)
    return enc, dec


def export_decoder(pack, note):
    """Writes the run's decoder into a pack folder (decoder.onnx, its manifest hash, ae_steps and
    what the fine-tune was, `note`, under training.decoder_finetune) and checks it in onnxruntime-node. Only a decoder-only run
    may be exported this way: the pack's encoder, and every latent its denoiser knows, stay as they are."""
    from distill_text import write_and_check
    from export import decoder_export, export_onnx, sha256
    ck = load(os.path.join(CACHE, "runs", "ae.pt"))
    if ck is None or not ck.get("decoder_only"):
        sys.exit(f"--export-decoder: no decoder-only checkpoint in {CACHE}/runs")
    dec = Decoder(); dec.load_state_dict(ck["dec"]); dec.eval()
    path = os.path.join(pack, "decoder.onnx")
    check = {"decoder": export_onnx(decoder_export(dec, torch.Generator().manual_seed(0)), path)}
    with open(os.path.join(pack, "manifest.json")) as f:
        manifest = json.load(f)
    manifest["files"]["decoder"]["sha256"] = sha256(path)
    manifest.setdefault("training", {})["ae_steps"] = ck["step"]
    manifest["training"]["decoder_finetune"] = {"to_step": ck["step"], "what": note}
    return write_and_check(pack, manifest, check, "check-decoder.json")


@torch.no_grad()
def encode_all(enc, data, limit):
    import time
    while not os.path.exists(os.path.join(data, "words.json")):
        time.sleep(10)  # the dataset generator is still writing
    stats = None
    for name in ("train", "heldout"):
        split = Split(os.path.join(data, name))
        n = min(split.n, limit)
        out = np.zeros((n, 8, split.t, 8, 8), dtype=np.float16)
        enc = enc.to(memory_format=torch.channels_last)
        for i in range(0, n, 16):
            clips = split.frames[i:min(n, i + 16)]
            b = clips.shape[0]
            z = enc(to_input(clips.reshape(-1, split.h, split.w, 3)).contiguous(memory_format=torch.channels_last))
            out[i:i + b] = z.reshape(b, split.t, 8, 8, 8).permute(0, 2, 1, 3, 4).numpy()
        if name == "train":
            flat = out.astype(np.float32).transpose(1, 0, 2, 3, 4).reshape(8, -1)
            stats = {"mean": flat.mean(1).tolist(), "std": flat.std(1).tolist()}
        np.save(os.path.join(data, f"latents-{name}.npy"), out)
        print(f"encoded {name}: {out.shape}", flush=True)
    import json
    with open(os.path.join(data, "latent-stats.json"), "w") as f:
        json.dump(stats, f)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--data", help="the dataset folder (npm run dataset); needed except with --export-decoder")
    p.add_argument("--export-decoder", metavar="PACK", help="write the decoder-only run's decoder into this pack folder instead of training")
    p.add_argument("--note", default="", help="with --export-decoder: what the fine-tune was, for the manifest")
    p.add_argument("--steps", type=int, default=1500)
    p.add_argument("--batch", type=int, default=24)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--latent-noise", type=float, default=0.05)
    p.add_argument("--edge-weight", type=float, default=0.0, help="extra loss weight on the target's edges")
    p.add_argument("--halo-weight", type=float, default=0.0, help="extra weight within 4 px above/below and 2 px beside objects")
    p.add_argument("--faint-weight", type=float, default=0.0, help="extra weight on small objects and objects close in colour to the ground")
    p.add_argument("--faint-share", type=float, default=0.0, help="share of each batch drawn from the quarter of clips whose objects are faintest")
    p.add_argument("--shadow-weight", type=float, default=0.0, help="extra weight on the contact shadows along the ground line")
    p.add_argument("--border-weight", type=float, default=0.0, help="extra weight on the 3 outermost columns each side (walls)")
    p.add_argument("--walls-share", type=float, default=0.0, help="share of each batch drawn from clips with walls")
    p.add_argument("--grad-loss", type=float, default=0.0, help="weight of an image-gradient L1 term")
    p.add_argument("--anchor", type=float, default=0.0, help="keep latents near --anchor-from's encoder (fine-tuning)")
    p.add_argument("--anchor-from", default=None, help="checkpoint whose encoder --anchor refers to")
    p.add_argument("--until", type=int, default=None, help="stop at this step (the schedule still follows --steps)")
    p.add_argument("--encode-only", action="store_true")
    p.add_argument("--from-snapshot", action="store_true", help="with no checkpoint yet, start from training/snapshots/ae.fp16.pt")
    p.add_argument("--decoder-only", action="store_true", help="train the decoder alone (latents stay valid)")
    p.add_argument("--encode-limit", type=int, default=12000, help="clips per split to encode (encoding costs ~3 ms a frame; 0: do not encode)")
    a = p.parse_args()
    if a.export_decoder:
        sys.exit(export_decoder(a.export_decoder, a.note))
    if not a.data:
        p.error("--data DIR is needed to train or encode")
    if a.anchor > 0 and not a.anchor_from:
        p.error("--anchor needs --anchor-from CHECKPOINT")
    setup_threads()
    torch.manual_seed(0)
    if a.encode_only:
        ck = checkpoint(os.path.join(CACHE, "runs", "ae.pt"), a.from_snapshot)
        if ck is None:
            sys.exit(f"--encode-only: no checkpoint in {CACHE}/runs (add --from-snapshot to use the committed one)")
        e = Encoder(); e.load_state_dict(ck["enc"])
    else:
        e, _ = train(a)
    if a.decoder_only or a.encode_limit == 0:
        sys.exit(0)
    e.eval()
    encode_all(e, a.data, a.encode_limit)
