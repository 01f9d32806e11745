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

export async function openUpscaler(dir: string, provider: Provider, fallback: boolean): Promise<LoadedUpscaler> {
  const manifest = readUpscalerManifest(dir);
  const opened = await openSession(join(dir, manifest.files.model.path), provider, fallback);
  const input = Object.keys(manifest.tensors.inputs)[0]!;
  const output = Object.keys(manifest.tensors.outputs)[0]!;
  const s = manifest.scale;
  const [lo, hi] = manifest.rgb_range;
  const reach = (manifest.temporal_context.frames - 1) / 2;
  const radius = manifest.receptive_radius;

  async function upscale(clip: Frames, o: UpscaleOptions = {}): Promise<Frames> {
    const { width: W, height: H, frames: T, batch: B } = clip;
    const tile = Math.max(8, Math.round(o.tile ?? 128));
    const times = windows(T, Math.max(1, Math.round(o.chunk ?? 16)), reach);
    const rows = windows(H, tile, radius);
    const cols = windows(W, tile, radius);
    const total = B * times.length * rows.length * cols.length;
    const OW = W * s;
    const out = new Uint8Array(B * T * H * s * OW * 3);
    let done = 0;
    for (let b = 0; b < B; b++) {
      for (const t of times) {
        for (const y of rows) {
          for (const x of cols) {
            o.signal?.throwIfAborted();
            const [tn, h, w] = [t.to - t.from, y.to - y.from, x.to - x.from];
            const feed = new Float32Array(tn * 3 * h * w);
            for (let f = 0; f < tn; f++) {
              for (let yy = 0; yy < h; yy++) {
                const src = (((b * T + t.from + f) * H + y.from + yy) * W + x.from) * 3;
                for (let xx = 0; xx < w; xx++) {
                  for (let c = 0; c < 3; c++) feed[((f * 3 + c) * h + yy) * w + xx] = (clip.rgb[src + xx * 3 + c]! / 255) * (hi - lo) + lo;
                }
              }
            }
            const result = await opened.session.run({ [input]: new ort.Tensor("float32", feed, [1, tn, 3, h, w]) });
            const rgb = result[output]!.data as Float32Array;
            const [oh, ow] = [h * s, w * s];
            for (let f = t.lo; f < t.hi; f++) {
              const fi = f - t.from;
              for (let yy = (y.lo - y.from) * s; yy < (y.hi - y.from) * s; yy++) {
                const dst = (((b * T + f) * H * s + y.from * s + yy) * OW + x.from * s) * 3;
                for (let xx = (x.lo - x.from) * s; xx < (x.hi - x.from) * s; xx++) {
                  for (let c = 0; c < 3; c++) {
                    const v = ((rgb[((fi * 3 + c) * oh + yy) * ow + xx]! - lo) / (hi - lo)) * 255;
                    out[dst + xx * 3 + c] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
                  }
                }
              }
            }
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
