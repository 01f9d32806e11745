import type { Denoise, StepAt } from "../sampling/types.ts";
import type { ClipWindow, GuidanceMethod, GuidedCall, GuidedDenoise } from "./method.ts";

/**
 * The sampler's denoiser: each call runs through the methods whose window holds the sampler's
 * position (in list order, the first outermost), then the model.
 */
export function guidedDenoiser(model: GuidedDenoise, methods: readonly GuidanceMethod[], strengthAt: (at: StepAt) => number, window: ClipWindow): Denoise {
  return (x, sigma, at) => {
    const fraction = at.total > 0 ? at.i / at.total : 0;
    const active = methods.filter((m) => fraction >= m.start && fraction < m.end);
    if (active.length === 0) return model({ x, sigma, at, window });
    const strength = strengthAt(at);
    const run = (k: number, call: GuidedCall): Promise<Float64Array> => {
      const m = active[k];
      if (!m) return model(call);
      const progress = (fraction - m.start) / Math.max(1e-6, m.end - m.start);
      return m.apply(call, (c) => run(k + 1, c), { progress, strength });
    };
    return run(0, { x, sigma, at, window });
  };
}
