import type { GuidanceMethod } from "./method.ts";

/**
 * Latent blending (PhysGen-style refinement): pulls the x0 estimate toward the encoded rendering of
 * the simulation (`target`, C × cells) by `mask` (cells), with a weight that ramps down across the window.
 */
export function blendGuidance(target: Float32Array, mask: Float32Array, start: number, end: number): GuidanceMethod {
  return {
    name: "blend",
    start,
    end,
    async apply(call, next, { progress, strength }) {
      const d = await next(call);
      const w = Math.min(1, strength) * (1 - progress);
      const cells = mask.length;
      const perClip = target.length;
      for (let b = 0; b < d.length / perClip; b++) for (let k = 0; k < perClip; k++) {
        const idx = b * perClip + k;
        d[idx] = d[idx]! + w * mask[k % cells]! * (target[k]! - d[idx]!);
      }
      return d;
    },
  };
}
