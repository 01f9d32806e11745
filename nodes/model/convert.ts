// Layout conversions between the model's tensors and 8-bit frames. Pure and allocation-light.
import type { Manifest } from "./manifest.ts";

/** Sampler space → raw latent: raw = x·scale + shift per channel ([B,C,T,h,w] → frame-major [B·T, C, h, w]). */
export function toDecoderInput(x: Float32Array, shape: readonly number[], m: Manifest): Float32Array {
  const [b, c, t, h, w] = shape as [number, number, number, number, number];
  const out = new Float32Array(x.length);
  const hw = h * w;
  for (let bi = 0; bi < b; bi++) for (let ci = 0; ci < c; ci++) for (let ti = 0; ti < t; ti++) {
    const src = ((bi * c + ci) * t + ti) * hw, dst = ((bi * t + ti) * c + ci) * hw;
    const s = m.latent.scale[ci]!, o = m.latent.shift[ci]!;
    for (let i = 0; i < hw; i++) out[dst + i] = x[src + i]! * s + o;
  }
  return out;
}

/** Raw latent frames [B·T, C, h, w] → sampler space [B, C, T, h, w]. */
export function fromEncoderOutput(z: Float32Array, b: number, t: number, m: Manifest, h: number, w: number): Float32Array {
  const c = m.latent.channels;
  const out = new Float32Array(z.length);
  const hw = h * w;
  for (let bi = 0; bi < b; bi++) for (let ti = 0; ti < t; ti++) for (let ci = 0; ci < c; ci++) {
    const src = ((bi * t + ti) * c + ci) * hw, dst = ((bi * c + ci) * t + ti) * hw;
    const s = m.latent.scale[ci]!, o = m.latent.shift[ci]!;
    for (let i = 0; i < hw; i++) out[dst + i] = (z[src + i]! - o) / s;
  }
  return out;
}

/** Decoder RGB [n, 3, H, W] in `range` → 8-bit HWC frames, n × H × W × 3. */
export function planarToRgb8(x: Float32Array, n: number, height: number, width: number, range: readonly [number, number]): Uint8Array {
  const out = new Uint8Array(n * height * width * 3);
  const px = height * width;
  const scale = 255 / (range[1] - range[0]);
  for (let f = 0; f < n; f++) for (let c = 0; c < 3; c++) {
    const src = (f * 3 + c) * px;
    for (let i = 0; i < px; i++) out[(f * px + i) * 3 + c] = Math.max(0, Math.min(255, Math.round((x[src + i]! - range[0]) * scale)));
  }
  return out;
}

/** 8-bit HWC frames → planar [n, 3, H, W] in `range` (the encoder's input). */
export function rgb8ToPlanar(rgb: Uint8Array, n: number, height: number, width: number, range: readonly [number, number]): Float32Array {
  const out = new Float32Array(n * 3 * height * width);
  const px = height * width;
  const scale = (range[1] - range[0]) / 255;
  for (let f = 0; f < n; f++) for (let i = 0; i < px; i++) for (let c = 0; c < 3; c++) {
    out[(f * 3 + c) * px + i] = rgb[(f * px + i) * 3 + c]! * scale + range[0];
  }
  return out;
}

/**
 * Cheap preview of a sampler-space latent: the manifest's linear latent→RGB map per cell, upscaled
 * `up`× by nearest neighbour. Returns one HWC frame per latent frame of the first clip.
 */
export function latentPreview(x: Float32Array | Float64Array, shape: readonly number[], m: Manifest, up = 4): Uint8Array[] {
  const [, c, t, h, w] = shape as [number, number, number, number, number];
  const { latent_rgb: W, bias } = m.preview;
  const [lo, hi] = m.rgb_range;
  const frames: Uint8Array[] = [];
  const H = h * up, Wd = w * up;
  for (let ti = 0; ti < t; ti++) {
    const f = new Uint8Array(H * Wd * 3);
    for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) {
      const rgb = [bias[0]!, bias[1]!, bias[2]!];
      for (let ci = 0; ci < c; ci++) {
        const v = x[((ci * t + ti) * h + y) * w + xx]!;
        const row = W[ci]!;
        rgb[0] += v * row[0]!; rgb[1] += v * row[1]!; rgb[2] += v * row[2]!;
      }
      const px = rgb.map((v) => Math.max(0, Math.min(255, Math.round(((v - lo) / (hi - lo)) * 255))));
      for (let dy = 0; dy < up; dy++) for (let dx = 0; dx < up; dx++) {
        const o = ((y * up + dy) * Wd + xx * up + dx) * 3;
        f[o] = px[0]!; f[o + 1] = px[1]!; f[o + 2] = px[2]!;
      }
    }
    frames.push(f);
  }
  return frames;
}
