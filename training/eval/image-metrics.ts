// Pixel measures for the upscaler eval (the same definitions as training/upscale/eval.py): squared
// error and PSNR, SSIM, flicker over static pixels, and a box downsample. Clips are 8-bit RGB,
// frames × height × width × 3.

/** Sum of squared differences (0–255 scale). */
export function sse(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`sizes differ: ${a.length} vs ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) { const d = a[i]! - b[i]!; s += d * d; }
  return s;
}

/** PSNR in dB from a total squared error over `values` samples; Infinity when they are identical. */
export const psnrDb = (totalSe: number, values: number): number => (totalSe === 0 ? Infinity : 10 * Math.log10((255 * 255 * values) / totalSe));

function gaussian(sigma: number, radius: number): Float64Array {
  const g = Float64Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
  const s = g.reduce((a, b) => a + b, 0);
  return g.map((v) => v / s);
}
const G11 = gaussian(1.5, 5);

/**
 * Mean SSIM over every frame, channel and valid window position (11×11 Gaussian, σ 1.5, no
 * padding), on 0–255 values with C1 = (0.01·255)², C2 = (0.03·255)².
 */
export function ssim(a: Uint8Array, b: Uint8Array, w: number, h: number, frames: number): number {
  const K = G11.length, r = K >> 1, ow = w - 2 * r, oh = h - 2 * r;
  if (ow <= 0 || oh <= 0) throw new Error(`ssim needs frames larger than ${K}×${K}`);
  const c1 = (0.01 * 255) ** 2, c2 = (0.03 * 255) ** 2;
  // Horizontal pass of the five moments (a, b, a², b², ab) into h × ow planes, then vertical.
  const hp = Array.from({ length: 5 }, () => new Float64Array(h * ow));
  let total = 0;
  for (let f = 0; f < frames; f++) for (let c = 0; c < 3; c++) {
    const base = f * w * h * 3 + c;
    for (let y = 0; y < h; y++) for (let x = 0; x < ow; x++) {
      let ma = 0, mb = 0, aa = 0, bb = 0, ab = 0;
      for (let k = 0; k < K; k++) {
        const i = base + (y * w + x + k) * 3, g = G11[k]!, va = a[i]!, vb = b[i]!;
        ma += g * va; mb += g * vb; aa += g * va * va; bb += g * vb * vb; ab += g * va * vb;
      }
      const o = y * ow + x;
      hp[0]![o] = ma; hp[1]![o] = mb; hp[2]![o] = aa; hp[3]![o] = bb; hp[4]![o] = ab;
    }
    for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) {
      let ma = 0, mb = 0, aa = 0, bb = 0, ab = 0;
      for (let k = 0; k < K; k++) {
        const o = (y + k) * ow + x, g = G11[k]!;
        ma += g * hp[0]![o]!; mb += g * hp[1]![o]!; aa += g * hp[2]![o]!; bb += g * hp[3]![o]!; ab += g * hp[4]![o]!;
      }
      const va = aa - ma * ma, vb = bb - mb * mb, cov = ab - ma * mb;
      total += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
    }
  }
  return total / (frames * 3 * ow * oh);
}

/** Pixels whose true value (all three channels) is the same in frame t−1 and t: (frames−1) × h × w. */
export function staticPixels(truth: Uint8Array, w: number, h: number, frames: number): Uint8Array {
  const px = w * h, out = new Uint8Array((frames - 1) * px);
  for (let t = 1; t < frames; t++) for (let i = 0; i < px; i++) {
    const a = ((t - 1) * px + i) * 3, b = (t * px + i) * 3;
    out[(t - 1) * px + i] = truth[a] === truth[b] && truth[a + 1] === truth[b + 1] && truth[a + 2] === truth[b + 2] ? 1 : 0;
  }
  return out;
}

/** Sum over static pixels of mean-over-channels |frame t − frame t−1|, and how many pixels that was. */
export function flicker(clip: Uint8Array, still: Uint8Array, w: number, h: number, frames: number): { sum: number; count: number } {
  const px = w * h;
  let sum = 0, count = 0;
  for (let t = 1; t < frames; t++) for (let i = 0; i < px; i++) {
    if (!still[(t - 1) * px + i]) continue;
    const a = ((t - 1) * px + i) * 3, b = (t * px + i) * 3;
    sum += (Math.abs(clip[a]! - clip[b]!) + Math.abs(clip[a + 1]! - clip[b + 1]!) + Math.abs(clip[a + 2]! - clip[b + 2]!)) / 3;
    count++;
  }
  return { sum, count };
}

/** Mean of each k×k block (rounded): frames × (h/k) × (w/k) × 3. */
export function areaDown(clip: Uint8Array, w: number, h: number, frames: number, k: number): Uint8Array {
  if (w % k || h % k) throw new Error(`${w}×${h} is not a multiple of ${k}`);
  const W = w / k, H = h / k, out = new Uint8Array(frames * W * H * 3);
  for (let f = 0; f < frames; f++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < 3; c++) {
    let s = 0;
    for (let dy = 0; dy < k; dy++) for (let dx = 0; dx < k; dx++) s += clip[((f * h + y * k + dy) * w + x * k + dx) * 3 + c]!;
    out[((f * H + y) * W + x) * 3 + c] = Math.round(s / (k * k));
  }
  return out;
}
