// Edge width across object outlines, ported from training/upscale/eval.py (EdgeProfiles, rise): the
// 10–90% rise, in output pixels, of profiles along the normal of the true coverage mask's 50% line,
// on clean, high-contrast outlines chosen once from the truth and shared by every method scored.
import { createRng } from "../../nodes/physics/rng.ts";

export interface EdgeOptions {
  /** Frames to sample outlines on (default 0, 5, 10, 15, those that exist). */
  frames?: number[];
  /** Outline points drawn per frame (default 64). */
  perFrame?: number;
  /** Profile half-length and sample spacing, in pixels (default 10 and 0.5). */
  reach?: number;
  step?: number;
  /** Least colour step (RGB distance, 0–255) between the two sides of a profile (default 30). */
  minContrast?: number;
  seed?: number;
}

/**
 * Bilinear sample of channel c at pixel-space point (px, py), pixel centres at +0.5 (PyTorch's
 * grid_sample with align_corners=false); `border` clamps to the edge, otherwise outside is 0.
 */
export function sampleAt(img: ArrayLike<number>, w: number, h: number, ch: number, c: number, px: number, py: number, border: boolean): number {
  let u = px - 0.5, v = py - 0.5;
  if (border) { u = Math.min(w - 1, Math.max(0, u)); v = Math.min(h - 1, Math.max(0, v)); }
  const x0 = Math.floor(u), y0 = Math.floor(v), fx = u - x0, fy = v - y0;
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= w || y >= h ? 0 : img[(y * w + x) * ch + c]!);
  return (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) + (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy;
}

function gaussian(sigma: number, radius: number): number[] {
  const g = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
  const s = g.reduce((a, b) => a + b, 0);
  return g.map((v) => v / s);
}
const G7 = gaussian(1.5, 3);

/**
 * Per profile q (0 outside → 1 inside, sampled at offsets s): the distance between the 10% and 90%
 * crossings around the 50% crossing nearest the centre; NaN where there is none.
 */
export function rise(q: ArrayLike<number>, s: ArrayLike<number>): number {
  const n = q.length;
  let c = -1;
  for (let i = 0; i < n - 1; i++) if (q[i]! < 0.5 && q[i + 1]! >= 0.5 && (c < 0 || Math.abs(s[i]!) < Math.abs(s[c]!))) c = i;
  if (c < 0) return NaN;
  let i = -1;
  for (let k = c; k >= 0; k--) if (q[k]! <= 0.1) { i = k; break; }
  let j = -1;
  for (let k = c + 1; k < n; k++) if (q[k]! >= 0.9) { j = k; break; }
  if (i < 0 || j < 0) return NaN;
  const i1 = Math.min(i + 1, n - 1), j0 = Math.max(j - 1, 0);
  const s10 = s[i]! + ((0.1 - q[i]!) / (q[i1]! - q[i]!)) * (s[i1]! - s[i]!);
  const s90 = s[j0]! + ((0.9 - q[j0]!) / (q[j]! - q[j0]!)) * (s[j]! - s[j0]!);
  return s90 - s10;
}

interface Profile { frame: number; xs: Float64Array; ys: Float64Array; /** true colour step inside − outside, scaled by 1/|d|² */ u: [number, number, number] }

/** Sampling positions across the object outlines of one clip's true coverage masks. */
export class EdgeProfiles {
  readonly s: Float64Array;
  readonly profiles: Profile[] = [];
  private readonly outSide: number[];
  private readonly inSide: number[];

  /**
   * masks: frames × h × w coverage (0–255); truth: frames × h × w × 3 RGB, the same size.
   */
  constructor(masks: Uint8Array, truth: Uint8Array, readonly w: number, readonly h: number, frames: number, o: EdgeOptions = {}) {
    const reach = o.reach ?? 10, step = o.step ?? 0.5, perFrame = o.perFrame ?? 64, minContrast = o.minContrast ?? 30;
    const n = Math.floor((2 * reach) / step + 1e-6) + 1;
    this.s = Float64Array.from({ length: n }, (_, k) => -reach + k * step);
    const side = reach / 2;
    this.outSide = [...this.s.keys()].filter((k) => this.s[k]! <= -side);
    this.inSide = [...this.s.keys()].filter((k) => this.s[k]! >= side);
    const rng = createRng(o.seed ?? 0);
    const px = w * h;
    for (const f of (o.frames ?? [0, 5, 10, 15]).filter((f) => f < frames)) {
      const m = masks.subarray(f * px, (f + 1) * px);
      const img = truth.subarray(f * px * 3, (f + 1) * px * 3);
      const cand: number[] = [];
      for (let i = 0; i < px; i++) if (m[i]! > 0.3 * 255 && m[i]! < 0.7 * 255) cand.push(i);
      // Draw perFrame of them without replacement (partial Fisher–Yates).
      const k = Math.min(perFrame, cand.length);
      for (let a = 0; a < k; a++) {
        const b = a + Math.floor(rng.next() * (cand.length - a));
        [cand[a], cand[b]] = [cand[b]!, cand[a]!];
      }
      const smooth = (y: number, x: number): number => {
        let v = 0;
        for (let dy = -3; dy <= 3; dy++) {
          const yy = Math.min(h - 1, Math.max(0, y + dy));
          for (let dx = -3; dx <= 3; dx++) v += G7[dy + 3]! * G7[dx + 3]! * m[yy * w + Math.min(w - 1, Math.max(0, x + dx))]!;
        }
        return v / 255;
      };
      for (const idx of cand.slice(0, k)) {
        const y = Math.floor(idx / w), x = idx % w;
        const gx = (smooth(y, Math.min(w - 1, x + 1)) - smooth(y, Math.max(0, x - 1))) / 2;
        const gy = (smooth(Math.min(h - 1, y + 1), x) - smooth(Math.max(0, y - 1), x)) / 2;
        const norm = Math.hypot(gx, gy);
        if (norm <= 1e-3) continue;
        const nx = gx / norm, ny = gy / norm; // pointing into the object
        const xs = this.s.map((t) => x + 0.5 + t * nx), ys = this.s.map((t) => y + 0.5 + t * ny);
        if (!xs.every((v, i) => v > 0 && v < w && ys[i]! > 0 && ys[i]! < h)) continue;
        // One clean outline, nothing else near.
        const mp = (i: number) => sampleAt(m, w, h, 1, 0, xs[i]!, ys[i]!, false) / 255;
        if (!this.outSide.every((i) => mp(i) < 0.02) || !this.inSide.every((i) => mp(i) > 0.98)) continue;
        const d = this.step(img, xs, ys);
        const d2 = d[0] ** 2 + d[1] ** 2 + d[2] ** 2;
        if (Math.sqrt(d2) <= minContrast) continue;
        this.profiles.push({ frame: f, xs, ys, u: [d[0] / d2, d[1] / d2, d[2] / d2] });
      }
    }
  }

  /** Mean colour on the inside minus the outside of one profile. */
  private step(img: ArrayLike<number>, xs: Float64Array, ys: Float64Array): [number, number, number] {
    const mean = (idx: number[], c: number) => idx.reduce((a, i) => a + sampleAt(img, this.w, this.h, 3, c, xs[i]!, ys[i]!, true), 0) / idx.length;
    return [0, 1, 2].map((c) => mean(this.inSide, c) - mean(this.outSide, c)) as [number, number, number];
  }

  /** 10–90% rise widths (pixels) of `clip` (frames × h × w × 3, the truth's size) along these profiles; finite ones only. */
  widths(clip: Uint8Array): number[] {
    const out: number[] = [];
    const px = this.w * this.h * 3;
    const q = new Float64Array(this.s.length);
    for (const p of this.profiles) {
      const img = clip.subarray(p.frame * px, (p.frame + 1) * px);
      for (let i = 0; i < q.length; i++) {
        let v = 0;
        for (let c = 0; c < 3; c++) v += sampleAt(img, this.w, this.h, 3, c, p.xs[i]!, p.ys[i]!, true) * p.u[c]!;
        q[i] = v;
      }
      const lo = this.outSide.reduce((a, i) => a + q[i]!, 0) / this.outSide.length;
      const hi = this.inSide.reduce((a, i) => a + q[i]!, 0) / this.inSide.length;
      const span = Math.abs(hi - lo) > 1e-3 ? hi - lo : 1e-3;
      for (let i = 0; i < q.length; i++) q[i] = (q[i]! - lo) / span;
      const r = rise(q, this.s);
      if (Number.isFinite(r)) out.push(r);
    }
    return out;
  }
}

export function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
