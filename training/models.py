"""The bundled model: a per-frame video autoencoder, a small text encoder, and a diffusion
transformer over spacetime patches of the latent video (Sora's recipe, scaled down)."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


# ----------------------------------------------------------------------------- autoencoder
class Res(nn.Module):
    def __init__(self, ch):
        super().__init__()
        self.a = nn.Conv2d(ch, ch, 3, padding=1)
        self.b = nn.Conv2d(ch, ch, 3, padding=1)

    def forward(self, x):
        return x + self.b(F.silu(self.a(F.silu(x))))


class Encoder(nn.Module):
    """64×64 RGB in [-1, 1] → 8×8×C latent, one frame at a time (8× spatial compression)."""

    def __init__(self, latent=8, ch=(24, 48, 64, 96)):
        super().__init__()
        c0, c1, c2, c3 = ch
        self.net = nn.Sequential(
            nn.Conv2d(3, c0, 3, padding=1), nn.SiLU(),
            nn.Conv2d(c0, c1, 4, stride=2, padding=1), nn.SiLU(),
            nn.Conv2d(c1, c2, 4, stride=2, padding=1), Res(c2),
            nn.Conv2d(c2, c3, 4, stride=2, padding=1), Res(c3), nn.SiLU(),
            nn.Conv2d(c3, latent, 1),
        )

    def forward(self, x):
        return self.net(x)


class Decoder(nn.Module):
    def __init__(self, latent=8, ch=(24, 48, 64, 96)):
        super().__init__()
        c0, c1, c2, c3 = ch
        self.net = nn.Sequential(
            nn.Conv2d(latent, c3, 3, padding=1), Res(c3), Res(c3),
            nn.ConvTranspose2d(c3, c2, 4, stride=2, padding=1), Res(c2),
            nn.ConvTranspose2d(c2, c1, 4, stride=2, padding=1), nn.SiLU(),
            nn.Conv2d(c1, c1, 3, padding=1), nn.SiLU(),
            nn.ConvTranspose2d(c1, c0, 4, stride=2, padding=1), nn.SiLU(),
            nn.Conv2d(c0, 3, 3, padding=1),
        )

    def forward(self, z):
        return self.net(z)


# ----------------------------------------------------------------------------- transformer parts
class Attention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(d, 3 * d)
        self.out = nn.Linear(d, d)

    def forward(self, x):
        b, n, d = x.shape
        h = self.heads
        q, k, v = self.qkv(x).reshape(b, n, 3, h, d // h).permute(2, 0, 3, 1, 4)
        att = torch.softmax((q @ k.transpose(-1, -2)) * (d // h) ** -0.5, dim=-1)
        return self.out((att @ v).transpose(1, 2).reshape(b, n, d))


class Block(nn.Module):
    """Pre-norm transformer block modulated by adaLN-single (a shared projection plus a learned per-block table)."""

    def __init__(self, d, heads):
        super().__init__()
        self.n1 = nn.LayerNorm(d, elementwise_affine=False, eps=1e-6)
        self.attn = Attention(d, heads)
        self.n2 = nn.LayerNorm(d, elementwise_affine=False, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))
        self.table = nn.Parameter(torch.randn(6, d) / d ** 0.5)

    def forward(self, x, mod):
        s1, c1, g1, s2, c2, g2 = (mod + self.table.unsqueeze(0)).unsqueeze(2).unbind(1)
        x = x + g1 * self.attn(self.n1(x) * (1 + c1) + s1)
        return x + g2 * self.mlp(self.n2(x) * (1 + c2) + s2)


def timestep_embedding(t, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
    args = (t.float() * 1000.0)[:, None] * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class TextEncoder(nn.Module):
    """Token ids (padded to a fixed length) → per-token features."""

    def __init__(self, vocab, length=24, d=128, depth=2, heads=4):
        super().__init__()
        self.emb = nn.Embedding(vocab, d)
        self.pos = nn.Parameter(torch.randn(1, length, d) * 0.02)
        self.layers = nn.ModuleList([nn.TransformerEncoderLayer(d, heads, 4 * d, dropout=0.0, activation="gelu", batch_first=True, norm_first=True) for _ in range(depth)])
        self.norm = nn.LayerNorm(d)

    def forward(self, ids):
        x = self.emb(ids) + self.pos
        for layer in self.layers:
            x = layer(x)
        return self.norm(x)


class DiT(nn.Module):
    """Rectified-flow velocity model over (2,2,2) spacetime patches of the latent video.

    Text tokens join the video tokens in every self-attention (in-context conditioning); the
    timestep, pooled text and the simulation flag drive adaLN. An optional rasterised physics
    simulation (object coverage, full resolution) is patchified onto the video tokens.
    """

    def __init__(self, latent=8, frames=16, size=8, patch=(2, 2, 2), d=192, depth=8, heads=6, text_dim=128, text_len=24, pixel=64, known=False):
        super().__init__()
        self.latent, self.frames, self.size, self.patch, self.pixel = latent, frames, size, patch, pixel
        pt, ph, pw = patch
        self.grid = (frames // pt, size // ph, size // pw)
        n = self.grid[0] * self.grid[1] * self.grid[2]
        self.embed = nn.Linear(latent * pt * ph * pw, d)
        self.pos = nn.Parameter(torch.randn(1, n, d) * 0.02)
        self.mpx = pixel // self.grid[1]
        self.sim_embed = nn.Linear(pt * self.mpx * self.mpx, d)
        self.text_proj = nn.Linear(text_dim, d)
        self.text_pos = nn.Parameter(torch.randn(1, text_len, d) * 0.02)
        self.t_mlp = nn.Sequential(nn.Linear(256, d), nn.SiLU(), nn.Linear(d, d))
        self.pool = nn.Linear(text_dim, d)
        self.sim_flag = nn.Linear(1, d)
        self.ada = nn.Sequential(nn.SiLU(), nn.Linear(d, 6 * d))
        self.blocks = nn.ModuleList([Block(d, heads) for _ in range(depth)])
        self.final_norm = nn.LayerNorm(d, elementwise_affine=False, eps=1e-6)
        self.final_ada = nn.Sequential(nn.SiLU(), nn.Linear(d, 2 * d))
        self.final = nn.Linear(d, latent * pt * ph * pw)
        # Known frames (image-to-video, continuation, in-betweening): the given latent frames and a
        # per-frame mask, patchified onto the video tokens. It starts at zero, so a model grown
        # with it computes exactly what it did without.
        self.known_embed = nn.Linear((latent + 1) * pt * ph * pw, d) if known else None
        for m in (self.final, self.ada[1], self.final_ada[1]) + ((self.known_embed,) if known else ()):
            nn.init.zeros_(m.weight)
            nn.init.zeros_(m.bias)

    def patchify(self, x):
        b, c, t, h, w = x.shape
        pt, ph, pw = self.patch
        x = x.reshape(b, c, t // pt, pt, h // ph, ph, w // pw, pw)
        return x.permute(0, 2, 4, 6, 1, 3, 5, 7).reshape(b, -1, c * pt * ph * pw)

    def unpatchify(self, x):
        b = x.shape[0]
        gt, gh, gw = self.grid
        pt, ph, pw = self.patch
        x = x.reshape(b, gt, gh, gw, self.latent, pt, ph, pw)
        return x.permute(0, 4, 1, 5, 2, 6, 3, 7).reshape(b, self.latent, gt * pt, gh * ph, gw * pw)

    def sim_tokens(self, sim):
        b = sim.shape[0]
        gt, gh, gw = self.grid
        pt, m = self.patch[0], self.mpx
        s = sim.reshape(b, gt, pt, gh, m, gw, m).permute(0, 1, 3, 5, 2, 4, 6)
        return self.sim_embed(s.reshape(b, gt * gh * gw, pt * m * m))

    def known_tokens(self, known, known_mask):
        m = known_mask.reshape(known_mask.shape[0], 1, -1, 1, 1).expand(-1, 1, -1, known.shape[3], known.shape[4])
        return self.known_embed(self.patchify(torch.cat([known * m, m], dim=1)))

    def forward(self, x, t, text, sim, sim_flag, known=None, known_mask=None):
        """x: [B,C,T,H,W] noisy latent; t: [B] in [0,1] (1 = pure noise); text: [B,L,text_dim];
        sim: [B,T,pixel,pixel] object coverage in [0,1]; sim_flag: [B] 1 when sim is given;
        known: [B,C,T,H,W] clean latent frames where known_mask [B,T] is 1 (a model built with known=True)."""
        flag = sim_flag.reshape(-1, 1)
        tok = self.embed(self.patchify(x)) + self.pos + self.sim_tokens(sim) * flag.unsqueeze(-1)
        if self.known_embed is not None:
            tok = tok + self.known_tokens(known, known_mask)
        txt = self.text_proj(text) + self.text_pos
        cond = self.t_mlp(timestep_embedding(t, 256)) + self.pool(text.mean(dim=1)) + self.sim_flag(flag)
        mod = self.ada(cond).reshape(-1, 6, tok.shape[-1])
        h = torch.cat([txt, tok], dim=1)
        for blk in self.blocks:
            h = blk(h, mod)
        h = h[:, txt.shape[1]:]
        shift, scale = self.final_ada(cond).unsqueeze(1).chunk(2, dim=-1)
        return self.unpatchify(self.final(self.final_norm(h) * (1 + scale) + shift))


def dit_depth(sd):
    """How many blocks a DiT state dict has."""
    return 1 + max(int(k.split(".")[1]) for k in sd if k.startswith("blocks."))


ZEROED = ("attn.out.weight", "attn.out.bias", "mlp.2.weight", "mlp.2.bias")  # a new block's outputs: it starts as the identity


def grow_depth(sd, depth):
    """Maps a DiT state dict onto a deeper one. The old blocks keep their order, and the new ones
    are spread between them with their output projections at zero, so each new block starts as the
    identity and the grown model computes exactly what the old one did. Returns the new state dict
    and, for each of its keys, the old key it was copied from (None for a new block's weights)."""
    old = dit_depth(sd)
    extra = depth - old
    assert extra >= 0, f"cannot shrink a DiT from {old} to {depth} blocks"
    origin = []
    for i in range(old):
        origin.append(i)
        origin += [None] * ((i + 1) * extra // old - i * extra // old)
    names = list(Block(sd["pos"].shape[-1], 1).state_dict())  # the head count does not shape the weights
    source = {k: k for k in sd if not k.startswith("blocks.")}
    out = {k: sd[k] for k in source}
    for i, o in enumerate(origin):
        if o is not None:
            for k in names:
                source[f"blocks.{i}.{k}"] = f"blocks.{o}.{k}"
                out[f"blocks.{i}.{k}"] = sd[f"blocks.{o}.{k}"]
            continue
        # A new block gets tensors of its own and its own random start: shared tensors would tie the
        # blocks' EMA copies together (one tensor updated once per block every step).
        new = Block(sd["pos"].shape[-1], 1).state_dict()
        for k in names:
            source[f"blocks.{i}.{k}"] = None
            out[f"blocks.{i}.{k}"] = (torch.zeros_like(new[k]) if k in ZEROED else new[k].clone()).to(sd["pos"].dtype)
    return out, source
