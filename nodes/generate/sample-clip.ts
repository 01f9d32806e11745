// The Sampler's run over a whole clip: one sampling run per window of the pack's length (one window
// for a clip that fits), each window given the frames already known — the clip's own known frames
// (image-to-video, extend) and the last frames of the window before (continuation).
import type { Denoise, NoiseSource, Reschedule, Sampler, StepInfo } from "../sampling/types.ts";
import { noiseScaling } from "../sampling/index.ts";
import type { KnownFrames } from "../model/values.ts";
import { putKnown } from "./pack-model.ts";
import { planWindows, sliceFrames, writeFrames } from "./windows.ts";

/** One window as the sampler node builds its denoiser: frames start..start+frames, and which are given. */
export interface WindowPlan {
  start: number;
  frames: number;
  /** per frame of the window, 1 where given */
  mask: Float32Array;
  /** the given values, [batch, C, frames, h, w] (zero where not given) */
  known: Float32Array;
}

export interface ClipRun {
  /** [batch, C, T, h, w] */
  shape: [number, number, number, number, number];
  /** latent frames per denoiser call (the pack's window); undefined: the whole clip in one call */
  window?: number;
  /** latent frames each window takes over from the one before */
  overlap: number;
  sigmas: number[];
  /** starting noise of the whole clip and an optional image-to-image start latent */
  noise: Float64Array;
  start?: Float64Array;
  known?: KnownFrames;
  sampler: Sampler;
  stepNoise: NoiseSource;
  signal: AbortSignal;
  /** builds the denoiser of one window (the pack's model with its known frames, guidance …) */
  denoiser(plan: WindowPlan): Denoise;
  /** re-imposes the given frames on the model's input, noised to the step's sigma (training-free, for packs without a known-frames input) */
  reimpose: boolean;
  reschedule?: Reschedule;
  /** after every step: the clip as it stands (this window's estimate written in), and steps done / in all */
  onStep(clip: Float64Array, done: number, total: number, info: StepInfo): void;
}

/** Samples the clip: the latent [batch, C, T, h, w] (sampler space), the windows and the steps it took. */
export async function sampleClip(r: ClipRun): Promise<{ latent: Float64Array; windows: number; steps: number }> {
  const [, , T, h, w] = r.shape;
  const frameSize = h * w;
  const size = Math.max(r.window ?? T, T);
  const pad = <A extends Float32Array | Float64Array>(a: A): A => (size === T ? a : padFrames(a, T, size, frameSize));
  const clip = new Float64Array((r.noise.length / T) * size);
  const noise = pad(r.noise), start = r.start && pad(r.start);
  if (size > T) writeFrames(noise, size, frameSize, T, r.stepNoise.randn((noise.length / size) * (size - T)), size - T);
  if (r.known) writeFrames(clip, size, frameSize, 0, r.known.data, T);
  const have = Array.from({ length: size }, (_, t) => r.known?.given[t] === true);
  const span = Math.min(r.window ?? size, size);
  const starts = planWindows(size, span, have, r.overlap);
  let done = 0;
  for (const [index, at] of starts.entries()) {
    const mask = Float32Array.from({ length: span }, (_, t) => (have[at + t] ? 1 : 0));
    const known = Float32Array.from(sliceFrames(clip, size, frameSize, at, span));
    const model = r.denoiser({ start: at, frames: span, mask, known });
    const windowNoise = sliceFrames(noise, size, frameSize, at, span);
    const anyGiven = mask.some((v) => v > 0);
    const denoise: Denoise = anyGiven
      ? async (x, sigma, stepAt) => {
          let input = x;
          if (r.reimpose) {
            input = Float64Array.from(x);
            const noised = known.map((v, k) => v + sigma * windowNoise[k]!);
            putKnown(input, noised, mask, frameSize);
          }
          const d = await model(input, sigma, stepAt);
          putKnown(d, known, mask, frameSize);
          return d;
        }
      : model;
    const x0 = noiseScaling(r.sigmas[0]!, windowNoise, start && sliceFrames(start, size, frameSize, at, span));
    const before = done;
    let total = r.sigmas.length - 1;
    const result = await r.sampler(denoise, x0, r.sigmas, {
      noise: r.stepNoise,
      signal: r.signal,
      reschedule: r.reschedule,
      onStep: (info) => {
        const view = Float64Array.from(clip);
        writeFrames(view, size, frameSize, at, info.denoised, span);
        total = info.total;
        r.onStep(size === T ? view : sliceFrames(view, size, frameSize, 0, T), before + info.i + 1, before + total * (starts.length - index), info);
      },
    });
    done = before + total;
    writeFrames(clip, size, frameSize, at, result, span);
    for (let t = at; t < at + span; t++) have[t] = true;
  }
  return { latent: size === T ? clip : sliceFrames(clip, size, frameSize, 0, T), windows: starts.length, steps: done };
}

/** The clip with frames T..size added (zeros), so a short clip runs through a fixed-length window. */
function padFrames<A extends Float32Array | Float64Array>(a: A, T: number, size: number, frameSize: number): A {
  const rows = a.length / (T * frameSize);
  const out = new (a.constructor as new (n: number) => A)(rows * size * frameSize);
  writeFrames(out, size, frameSize, 0, a, T);
  return out;
}
