/**
 * Closed-form fixtures: data x0 ~ N(MU, S²) per element, independent. Under VE noising x = x0 + sigma·eps
 * the optimal denoiser is exact, E[x0 | x] = (S²·x + sigma²·MU)/(S² + sigma²), and the probability-flow
 * ODE is linear: x(sigma) − MU ∝ sqrt(S² + sigma²).
 */
import { createNoise } from "../../nodes/sampling/noise.ts";
import type { Denoise } from "../../nodes/sampling/types.ts";

export const MU = 0.5;
export const S = 0.3;
export const N = 5000;

export function gaussianDenoiser(counter?: { calls: number }): Denoise {
  return async (x, sigma) => {
    if (counter) counter.calls++;
    const a = (S * S) / (S * S + sigma * sigma);
    return x.map((v) => a * v + (1 - a) * MU);
  };
}

/** The exact ODE solution from sigmaFrom down to sigmaTo. */
export function exactOde(x: Float64Array, sigmaFrom: number, sigmaTo = 0): Float64Array {
  const g = Math.sqrt(S * S + sigmaTo * sigmaTo) / Math.sqrt(S * S + sigmaFrom * sigmaFrom);
  return x.map((v) => MU + (v - MU) * g);
}

/** Starting latent at sigmaMax for a seed. */
export function startLatent(seed: number, sigmaMax: number, n = N): Float64Array {
  return createNoise(seed).randn(n).map((v) => v * sigmaMax);
}

/** max |a − b| over max |b − MU|: the relative error of the (linear) solution map, independent of the draw. */
export function relError(a: Float64Array, b: Float64Array): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i] - MU));
  }
  return err / scale;
}
