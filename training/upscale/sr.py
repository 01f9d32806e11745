"""The 4× video upscaler for models/physics-tiny: a small ESPCN-like network over three frames.

Each output frame t sees frames t−1, t, t+1 (the clip's first and last frames repeat themselves)
stacked on channels. Every convolution runs at the input's low resolution; the last one makes
3·4·4 channels that a pixel shuffle turns into the 4× image, which is added to a bilinear 4×
upscale of frame t (the network learns only the residual, and starts as plain bilinear).
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

SCALE = 4
CONTEXT = 3  # frames t−1, t, t+1


class SRNet(nn.Module):
    def __init__(self, ch=32, body=5, scale=SCALE, context=CONTEXT):
        super().__init__()
        self.scale, self.context, self.ch, self.n_body = scale, context, ch, body
        self.head = nn.Conv2d(3 * context, ch, 3, padding=1)
        self.body = nn.ModuleList([nn.Conv2d(ch, ch, 3, padding=1) for _ in range(body)])
        self.tail = nn.Conv2d(ch, 3 * scale * scale, 3, padding=1)
        nn.init.zeros_(self.tail.weight)
        nn.init.zeros_(self.tail.bias)

    def core(self, x):
        """x: [N, 3·context, h, w] in [-1, 1], frame t in the middle → [N, 3, 4h, 4w]."""
        c = self.context // 2
        centre = x[:, 3 * c:3 * c + 3]
        f = F.relu(self.head(x))
        h = f
        for i, conv in enumerate(self.body):
            h = conv(h)
            if i < len(self.body) - 1:
                h = F.relu(h)
        h = F.relu(h + f)
        up = F.interpolate(centre, scale_factor=self.scale, mode="bilinear", align_corners=False)
        return up + F.pixel_shuffle(self.tail(h), self.scale)

    def forward(self, frames):
        """frames: [B, T, 3, h, w] in [-1, 1] → [B, T, 3, 4h, 4w] in about [-1, 1] (clamp it)."""
        b, t, _, h, w = frames.shape
        prev = torch.cat([frames[:, :1], frames[:, :-1]], dim=1)
        nxt = torch.cat([frames[:, 1:], frames[:, -1:]], dim=1)
        x = torch.cat([prev, frames, nxt], dim=2).reshape(b * t, 9, h, w)
        return self.core(x).reshape(b, t, 3, h * self.scale, w * self.scale)

    def flops_per_frame(self, h=64, w=64):
        """Multiply-adds ×2 of one output frame (convolutions only; the resize and add are ~0.1%)."""
        px = h * w
        convs = [self.head] + list(self.body) + [self.tail]
        return sum(2 * px * m.out_channels * m.in_channels * 9 for m in convs)


def window(t, c):
    """Indices of frames c−1, c, c+1 in a clip of t frames, repeating the ends (as SRNet.forward does)."""
    return [max(0, c - 1), c, min(t - 1, c + 1)]


def to_unit(u8):
    """uint8 [..., H, W, 3] → float [..., 3, H, W] in [-1, 1]."""
    x = torch.from_numpy(np.array(u8, dtype=np.float32)) / 127.5 - 1
    return x.movedim(-1, -3)


def to_u8(x):
    return ((x.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).movedim(-3, -1).numpy()


def lanczos(frames_u8, scale=SCALE):
    """PIL's Lanczos (a=3) upscale of uint8 frames [..., H, W, 3]."""
    shp = frames_u8.shape
    flat = frames_u8.reshape(-1, *shp[-3:])
    out = np.stack([np.asarray(Image.fromarray(np.ascontiguousarray(f)).resize((shp[-2] * scale, shp[-3] * scale), Image.LANCZOS)) for f in flat])
    return out.reshape(*shp[:-3], shp[-3] * scale, shp[-2] * scale, 3)


def psnr(a_u8, b_u8):
    mse = np.mean((a_u8.astype(np.float64) - b_u8.astype(np.float64)) ** 2)
    return float(10 * np.log10(255.0 ** 2 / max(mse, 1e-10)))


@torch.inference_mode()
def upscale_clips(model, clips_u8, chunk=4):
    """uint8 clips [N, T, h, w, 3] → uint8 [N, T, 4h, 4w, 3] through the model."""
    out = []
    for i in range(0, clips_u8.shape[0], chunk):
        out.append(to_u8(model(to_unit(clips_u8[i:i + chunk]))))
    return np.concatenate(out)
