// An upscaler pack opened for use: one ONNX session that enlarges whole clips, run in tiles (space)
// and chunks (time) that overlap by the network's reach, so the result equals one untiled call.
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import type { Frames } from "../../core/node/definition.ts";
import { openSession, readUpscalerManifest, type Provider } from "./pack.ts";
import type { UpscalerManifest } from "./upscaler-manifest.ts";

export interface UpscaleOptions {
  /** Tile side in input pixels (default 128); smaller tiles use less memory, the result is the same. */
  tile?: number;
  /** Frames per call (default 16), before the temporal context each side. */
  chunk?: number;
  signal?: AbortSignal;
  progress?: (done: number, total: number) => void;
}

export interface LoadedUpscaler {
  name: string;
  dir: string;
  manifest: UpscalerManifest;
  scale: number;
  provider: Provider;
  notes: string[];
  upscale(clip: Frames, o?: UpscaleOptions): Promise<Frames>;
  release(): Promise<void>;
}

/** [lo, hi) windows of `size` over `n`, each grown by `pad` on both sides (clamped). */
function windows(n: number, size: number, pad: number): { lo: number; hi: number; from: number; to: number }[] {
  const out = [];
  for (let lo = 0; lo < n; lo += size) {
    const hi = Math.min(n, lo + size);
    out.push({ lo, hi, from: Math.max(0, lo - pad), to: Math.min(n, hi + pad) });
  }
  return out;
}

// The two pixel loops live in small functions of their own: inlined in the async tile loop they
// were often left unoptimised by V8 and ran 10× slower, boxing every value.

interface Tile { y0: number; x0: number; h: number; w: number }

/** `frames` frames of H × W × RGB bytes from `start`, one tile of each → the network's frames × RGB × h × w floats. */
function toPlanes(rgb: Uint8Array, start: number, frames: number, H: number, W: number, tile: Tile, scale: number, lo: number): Float32Array {
  const { y0, x0, h, w } = tile;
  const feed = new Float32Array(frames * 3 * h * w);
  for (let f = 0; f < frames; f++) {
    for (let yy = 0; yy < h; yy++) {
      const src = start + ((f * H + y0 + yy) * W + x0) * 3;
      for (let c = 0; c < 3; c++) {
        const dst = ((f * 3 + c) * h + yy) * w;
        for (let xx = 0; xx < w; xx++) feed[dst + xx] = rgb[src + xx * 3 + c]! * scale + lo;
      }
    }
  }
  return feed;
}

/**
 * The network's frames × RGB × oh × ow floats (frames `f0`… `f0 + frames`, rows and columns of the
 * tile that are kept) → bytes at `start` of `out` (frames `frameBytes` apart, rows `OW` pixels wide).
 * The clamped view rounds and clips.
 */
function fromPlanes(rgb: Float32Array, f0: number, frames: number, oh: number, ow: number, keep: { y0: number; y1: number; x0: number; x1: number }, out: Uint8ClampedArray, start: number, frameBytes: number, OW: number, lo: number, scale: number): void {
  for (let f = 0; f < frames; f++) {
    for (let yy = keep.y0; yy < keep.y1; yy++) {
      const dst = start + f * frameBytes + yy * OW * 3;
      for (let c = 0; c < 3; c++) {
        const src = (((f0 + f) * 3 + c) * oh + yy) * ow;
        for (let xx = keep.x0; xx < keep.x1; xx++) out[dst + xx * 3 + c] = (rgb[src + xx]! - lo) * scale;
      }
    }
  }
}

export async function openUpscaler(dir: string, provider: Provider, fallback: boolean): Promise<LoadedUpscaler> {
  const manifest = readUpscalerManifest(dir);
  const opened = await openSession(join(dir, manifest.files.model.path), provider, fallback);
  const input = Object.keys(manifest.tensors.inputs)[0]!;
  const output = Object.keys(manifest.tensors.outputs)[0]!;
  const s = manifest.scale;
  const [lo, hi] = manifest.rgb_range;
  const reach = (manifest.temporal_context.frames - 1) / 2;
  const radius = manifest.receptive_radius;
  const inScale = (hi - lo) / 255, outScale = 255 / (hi - lo);

  async function upscale(clip: Frames, o: UpscaleOptions = {}): Promise<Frames> {
    const { width: W, height: H, frames: T, batch: B } = clip;
    const tile = Math.max(8, Math.round(o.tile ?? 128));
    const times = windows(T, Math.max(1, Math.round(o.chunk ?? 16)), reach);
    const rows = windows(H, tile, radius);
    const cols = windows(W, tile, radius);
    const total = B * times.length * rows.length * cols.length;
    const OW = W * s;
    const out = new Uint8Array(B * T * H * s * OW * 3);
    const clamped = new Uint8ClampedArray(out.buffer);
    let done = 0;
    for (let b = 0; b < B; b++) {
      for (const t of times) {
        for (const y of rows) {
          for (const x of cols) {
            o.signal?.throwIfAborted();
            const [tn, h, w] = [t.to - t.from, y.to - y.from, x.to - x.from];
            const feed = toPlanes(clip.rgb, (b * T + t.from) * H * W * 3, tn, H, W, { y0: y.from, x0: x.from, h, w }, inScale, lo);
            const result = await opened.session.run({ [input]: new ort.Tensor("float32", feed, [1, tn, 3, h, w]) });
            const rgb = result[output]!.data as Float32Array;
            const keep = { y0: (y.lo - y.from) * s, y1: (y.hi - y.from) * s, x0: (x.lo - x.from) * s, x1: (x.hi - x.from) * s };
            const at = (((b * T + t.lo) * H * s + y.from * s) * OW + x.from * s) * 3;
            fromPlanes(rgb, t.lo - t.from, t.hi - t.lo, h * s, w * s, keep, clamped, at, H * s * OW * 3, OW, lo, outScale);
            o.progress?.(++done, total);
          }
        }
      }
    }
    return { ...clip, rgb: out, width: OW, height: H * s };
  }

  return {
    name: manifest.name,
    dir,
    manifest,
    scale: s,
    provider: opened.provider,
    notes: opened.note ? [opened.note] : [],
    upscale,
    release: () => opened.session.release(),
  };
}
