// Shots joined end to end in time: every clip of each input's batch in order, with cuts or crossfades.
import type { Frames } from "../../core/node/definition.ts";
import type { Fit } from "../media/input-file.ts";
import { resizeFrame } from "./upscale-frames.ts";

export const TRANSITIONS = ["cut", "crossfade"] as const;
export type Transition = (typeof TRANSITIONS)[number];

export interface Shot { name: string; frames: Frames; clip: number }

/** Every clip of each named input, in order: batch items are shots too (a Storyboard's batch). */
export function shotsOf(inputs: [string, Frames | undefined][]): Shot[] {
  return inputs.flatMap(([name, frames]) => (frames ? Array.from({ length: frames.batch }, (_, clip) => ({ name, frames, clip })) : []));
}

/** One shot's frames at width × height (resized with lanczos and the chosen fit when its size differs). */
async function shotFrames(s: Shot, width: number, height: number, fit: Fit, signal?: AbortSignal): Promise<Uint8Array> {
  const { frames: f, clip } = s;
  const inSize = f.width * f.height * 3;
  const src = f.rgb.subarray(clip * f.frames * inSize, (clip + 1) * f.frames * inSize);
  if (f.width === width && f.height === height) return src;
  const size = width * height * 3;
  const out = new Uint8Array(f.frames * size);
  for (let i = 0; i < f.frames; i++) {
    signal?.throwIfAborted();
    out.set(await resizeFrame(src.subarray(i * inSize, (i + 1) * inSize), f, { width, height }, { kernel: "lanczos3", fit }), i * size);
  }
  return out;
}

/**
 * The shots as one clip at the first shot's size and frame rate. A crossfade of k frames overlaps the
 * last k frames of a shot with the first k of the next (each shot then loses k frames to each join).
 */
export async function concatenate(shots: Shot[], o: { transition: Transition; crossfade: number; fit: Fit; signal?: AbortSignal }): Promise<Frames> {
  const first = shots[0];
  if (!first) throw new Error("video_1: no clip to join");
  const { width, height, fps } = first.frames;
  for (const s of shots) if (s.frames.fps !== fps) throw new Error(`${s.name}: ${s.frames.fps} fps, but ${first.name} is ${fps} fps; put Frame Interpolation before one of them so they match`);
  const k = o.transition === "crossfade" ? o.crossfade : 0;
  for (const s of shots) if (s.frames.frames <= k) throw new Error(`${s.name}: a shot of ${s.frames.frames} frames is too short for a ${k}-frame crossfade`);
  const total = shots.reduce((n, s) => n + s.frames.frames, 0) - k * (shots.length - 1);
  const size = width * height * 3;
  const rgb = new Uint8Array(total * size);
  let at = 0;
  for (const [n, s] of shots.entries()) {
    const clip = await shotFrames(s, width, height, o.fit, o.signal);
    const overlap = n === 0 ? 0 : k;
    // The first `overlap` frames fade in over what is already there: weight (j + 1) / (k + 1).
    for (let j = 0; j < overlap; j++) {
      const a = (j + 1) / (k + 1), dst = (at + j) * size;
      for (let i = 0; i < size; i++) rgb[dst + i] = Math.round((1 - a) * rgb[dst + i]! + a * clip[j * size + i]!);
    }
    rgb.set(clip.subarray(overlap * size), (at + overlap) * size);
    at += s.frames.frames - (n === shots.length - 1 ? 0 : k);
  }
  return { rgb, width, height, frames: total, batch: 1, fps };
}
