import { lin2, scale } from "./tensor.ts";
import type { Denoise } from "./types.ts";

/**
 * How a model's native time and prediction map to VE form (x = x0 + sigma·eps).
 *
 * Discrete DDPM models (eps / v / x0): x_vp = x/sqrt(1+sigma²), sigma = sqrt((1−ᾱ)/ᾱ) from a 1000-step
 * beta schedule. Rectified flow: x_rf = (1−t)·x0 + t·noise, the model predicts v = noise − x0, and
 * sigma = t/(1−t), x = x_rf/(1−t); back: t = sigma/(1+sigma), x_rf = x/(1+sigma), x0 = x_rf − t·v.
 * t = 1 is sigma = ∞, so flow time is capped at tMax (default 1 − 1e-4, sigmaMax ≈ 9999): a run
 * starts from x_rf = tMax·noise instead of pure noise, a 1e-4 share of the data signal left in.
 */
export type PredictionKind = "eps" | "v" | "x0" | "flow";

interface SamplingBase {
  /** ascending VE sigmas, one per training timestep; what the table-based schedules walk */
  sigmas: Float64Array;
  sigmaMin: number;
  sigmaMax: number;
  /** VE sigma at a fractional table index f in [0, sigmas.length − 1] */
  sigmaAt(f: number): number;
  /** the time the model is called with: DDPM timestep (fractional, 0..N−1) or flow t in (0, 1) */
  timestep(sigma: number): number;
}

export interface DiscreteSampling extends SamplingBase {
  kind: "eps" | "v" | "x0";
}

export interface FlowSampling extends SamplingBase {
  kind: "flow";
  shift: number;
  tMax: number;
}

export type ModelSampling = DiscreteSampling | FlowSampling;

/** Native model call: x in the model's own scaling, time from `timestep`. */
export type ModelFn = (x: Float64Array, time: number) => Promise<Float64Array>;

export interface DiscreteOptions {
  betaStart?: number;
  betaEnd?: number;
  timesteps?: number;
}

/** SD-style "scaled linear" betas: linear in sqrt(beta) from betaStart to betaEnd. */
export function discreteSampling(kind: DiscreteSampling["kind"], o: DiscreteOptions = {}): DiscreteSampling {
  const { betaStart = 0.00085, betaEnd = 0.012, timesteps: n = 1000 } = o;
  const sigmas = new Float64Array(n);
  let alphaBar = 1;
  for (let i = 0; i < n; i++) {
    const beta = (Math.sqrt(betaStart) + ((Math.sqrt(betaEnd) - Math.sqrt(betaStart)) * i) / (n - 1)) ** 2;
    alphaBar *= 1 - beta;
    sigmas[i] = Math.sqrt((1 - alphaBar) / alphaBar);
  }
  const logs = sigmas.map(Math.log);
  const sigmaAt = (f: number): number => {
    const c = Math.min(Math.max(f, 0), n - 1);
    const lo = Math.min(Math.floor(c), n - 2);
    const w = c - lo;
    return Math.exp((1 - w) * logs[lo] + w * logs[lo + 1]);
  };
  // inverse of sigmaAt: interpolated in log sigma, so continuous-time models get exact times; round if yours wants ints
  const timestep = (sigma: number): number => {
    const ls = Math.log(sigma);
    if (ls <= logs[0]) return 0;
    if (ls >= logs[n - 1]) return n - 1;
    let lo = 0;
    let hi = n - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (logs[mid] <= ls) lo = mid;
      else hi = mid;
    }
    return lo + (ls - logs[lo]) / (logs[hi] - logs[lo]);
  };
  return { kind, sigmas, sigmaMin: sigmas[0], sigmaMax: sigmas[n - 1], sigmaAt, timestep };
}

/** SD3's timestep shift: t' = shift·t / (1 + (shift − 1)·t); shift > 1 spends more steps at high noise. */
export function flowShift(t: number, shift: number): number {
  return (shift * t) / (1 + (shift - 1) * t);
}

export const flowTimeToSigma = (t: number): number => t / (1 - t);
export const sigmaToFlowTime = (sigma: number): number => sigma / (1 + sigma);

export interface FlowOptions {
  shift?: number;
  tMax?: number;
  timesteps?: number;
}

/** Rectified flow: table entry i is the shifted time of (i+1)/N, capped at tMax, as VE sigma. */
export function flowSampling(o: FlowOptions = {}): FlowSampling {
  const { shift = 1, tMax = 1 - 1e-4, timesteps: n = 1000 } = o;
  if (!(shift > 0)) throw new RangeError(`shift must be positive, got ${shift}`);
  if (!(tMax > 0 && tMax < 1)) throw new RangeError(`tMax must be in (0, 1), got ${tMax}`);
  const sigmaAt = (f: number): number => {
    const c = Math.min(Math.max(f, 0), n - 1);
    return flowTimeToSigma(Math.min(flowShift((c + 1) / n, shift), tMax));
  };
  const sigmas = Float64Array.from({ length: n }, (_, i) => sigmaAt(i));
  return { kind: "flow", shift, tMax, sigmas, sigmaMin: sigmas[0], sigmaMax: sigmas[n - 1], sigmaAt, timestep: sigmaToFlowTime };
}

/** Wraps a native model as a VE `Denoise` returning the x0 estimate. */
export function makeDenoiser(ms: ModelSampling, model: ModelFn): Denoise {
  if (ms.kind === "flow") {
    return async (x, sigma) => {
      const t = sigmaToFlowTime(sigma);
      const xrf = scale(1 / (1 + sigma), x);
      return lin2(1, xrf, -t, await model(xrf, ms.timestep(sigma)));
    };
  }
  const kind = ms.kind;
  return async (x, sigma) => {
    const cIn = 1 / Math.sqrt(1 + sigma * sigma); // = sqrt(ᾱ), and sigma·cIn is the VP noise std
    const out = await model(scale(cIn, x), ms.timestep(sigma));
    if (kind === "eps") return lin2(1, x, -sigma, out);
    if (kind === "v") return lin2(cIn * cIn, x, -sigma * cIn, out); // x0 = sqrt(ᾱ)·x_vp − sqrt(1−ᾱ)·v
    return out;
  };
}

/** The starting latent in VE form: sigma·noise, plus the clean latent for img2img (denoise < 1). */
export function noiseScaling(sigma: number, noise: Float64Array, latent?: Float64Array): Float64Array {
  return latent ? lin2(sigma, noise, 1, latent) : scale(sigma, noise);
}
