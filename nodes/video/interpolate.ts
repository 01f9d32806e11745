// In-betweens for a higher frame rate: every source frame kept, `multiplier − 1` new frames between
// each pair, so N frames become (N − 1) · multiplier + 1 (as ComfyUI's frame-interpolation nodes count).
import type { Frames } from "../../core/node/definition.ts";
import { runFfmpeg, writeChunk } from "./ffmpeg.ts";

export const INTERPOLATION_METHODS = ["motion", "blend", "repeat"] as const;
export type InterpolationMethod = (typeof INTERPOLATION_METHODS)[number];

export const interpolatedCount = (frames: number, multiplier: number) => (frames - 1) * multiplier + 1;

/** One clip's frames (frames × h × w × 3) → its interpolated frames. */
type ClipInterpolator = (clip: Uint8Array, frames: number, width: number, height: number, multiplier: number, signal?: AbortSignal) => Promise<Uint8Array>;

/** Each in-between the earlier source frame again (a baseline: the motion stays as jerky as at the source rate). */
const repeat: ClipInterpolator = async (clip, frames, width, height, m) => {
  const size = width * height * 3;
  const out = new Uint8Array(interpolatedCount(frames, m) * size);
  for (let o = 0; o < interpolatedCount(frames, m); o++) out.set(clip.subarray(Math.floor(o / m) * size, (Math.floor(o / m) + 1) * size), o * size);
  return out;
};

/** Each in-between a cross-fade of its two source frames, weighted by its time between them. */
const blend: ClipInterpolator = async (clip, frames, width, height, m) => {
  const size = width * height * 3;
  const out = new Uint8Array(interpolatedCount(frames, m) * size);
  for (let o = 0; o < interpolatedCount(frames, m); o++) {
    const i = Math.floor(o / m), a = (o % m) / m;
    const from = i * size, to = Math.min(i + 1, frames - 1) * size;
    for (let k = 0; k < size; k++) out[o * size + k] = Math.round((1 - a) * clip[from + k]! + a * clip[to + k]!);
  }
  return out;
};

/** Motion-compensated in-betweens: ffmpeg's minterpolate (bidirectional block motion, overlapped blocks). */
const motion: ClipInterpolator = async (clip, frames, width, height, m, signal) => {
  const size = width * height * 3;
  const count = interpolatedCount(frames, m);
  const raw = ["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", `${width}x${height}`];
  const out = await runFfmpeg({
    args: [...raw, "-r", "1", "-i", "pipe:0", "-vf", `minterpolate=fps=${m}:mi_mode=mci:mc_mode=aobmc:me_mode=bidir:vsbmc=1:scd=none`, "-frames:v", String(count), "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"],
    // minterpolate holds back its last frames; the last source frame twice more lets them out.
    feed: async (stdin) => {
      await writeChunk(stdin, clip.subarray(0, frames * size));
      for (let k = 0; k < 2; k++) await writeChunk(stdin, clip.subarray((frames - 1) * size, frames * size));
    },
    signal,
  });
  if (out.length < count * size) throw new Error(`ffmpeg's minterpolate gave ${Math.floor(out.length / size)} frames, expected ${count}`);
  const rgb = new Uint8Array(out.buffer, out.byteOffset, count * size).slice();
  // Source frames stay exactly as they were (minterpolate may touch them through its colour conversion).
  for (let i = 0; i < frames; i++) rgb.set(clip.subarray(i * size, (i + 1) * size), i * m * size);
  return rgb;
};

export const INTERPOLATORS: Record<InterpolationMethod, ClipInterpolator> = { motion, blend, repeat };

/** Every clip of the batch interpolated; fps × multiplier. `onClip` reports progress per clip. */
export async function interpolateFrames(
  src: Frames,
  multiplier: number,
  method: InterpolationMethod,
  o: { signal?: AbortSignal; onClip?: (done: number, total: number) => void } = {},
): Promise<Frames> {
  if (src.frames < 2) throw new Error(`frames: the clip has ${src.frames} frame; interpolation needs at least 2`);
  const size = src.width * src.height * 3;
  const count = interpolatedCount(src.frames, multiplier);
  const rgb = new Uint8Array(src.batch * count * size);
  for (let b = 0; b < src.batch; b++) {
    o.signal?.throwIfAborted();
    const clip = src.rgb.subarray(b * src.frames * size, (b + 1) * src.frames * size);
    rgb.set(await INTERPOLATORS[method](clip, src.frames, src.width, src.height, multiplier, o.signal), b * count * size);
    o.onClip?.(b + 1, src.batch);
  }
  return { ...src, rgb, frames: count, fps: src.fps * multiplier };
}
