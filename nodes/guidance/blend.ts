import { sliceFrames } from "../generate/windows.ts";
import type { GuidanceMethod } from "./method.ts";

/**
 * Latent blending (PhysGen-style refinement): pulls the x0 estimate toward the encoded rendering of
 * the simulation (`target`, C × T × cells of a frame) by `mask` (T × cells), with a weight that ramps
 * down across the window from 1 to `hold` (0: released completely by the end). A clip made window by
 * window is pulled toward each window's frames.
 */
export function blendGuidance(target: Float32Array, mask: Float32Array, start: number, end: number, frames?: number, hold = 0): GuidanceMethod {
  const windows = new Map<number, { target: Float32Array; mask: Float32Array }>();
  const partOf = (at: number, count: number) => {
    const total = frames ?? count;
    if (at === 0 && count === total) return { target, mask };
    let got = windows.get(at);
    if (!got) {
      const cell = mask.length / total;
      windows.set(at, (got = { target: sliceFrames(target, total, cell, at, count), mask: sliceFrames(mask, total, cell, at, count) }));
    }
    return got;
  };
  return {
    name: "blend",
    start,
    end,
    check(_pack, clipFrames) {
      if (frames !== undefined && frames < clipFrames) throw new Error(`guidance: the simulation has ${frames} frames and the clip ${clipFrames}; set Physics Simulate's frames to ${clipFrames}`);
    },
    async apply(call, next, { progress, strength }) {
      const d = await next(call);
      const w = Math.min(1, strength) * (hold + (1 - hold) * (1 - progress));
      const part = partOf(call.window.start, call.window.frames);
      const cells = part.mask.length;
      const perClip = part.target.length;
      for (let b = 0; b < d.length / perClip; b++) for (let k = 0; k < perClip; k++) {
        const idx = b * perClip + k;
        d[idx] = d[idx]! + w * part.mask[k % cells]! * (part.target[k]! - d[idx]!);
      }
      return d;
    },
  };
}
