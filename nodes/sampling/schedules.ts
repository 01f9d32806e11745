import { betaPpf } from "./beta-dist.ts";
import { flowTimeToSigma, type ModelSampling } from "./model-sampling.ts";

/**
 * Noise schedules: pure functions returning `steps + 1` descending VE sigmas ending in 0.
 * Table-based ones (simple, normal, sgm_uniform, beta) walk the model's sigma table, which for flow
 * models already holds the shifted times, so the shift applies to them.
 */
export type ScheduleFn = (ms: ModelSampling, steps: number) => number[];

function checkSteps(steps: number): void {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be a positive integer, got ${steps}`);
}

/** Karras et al. 2022 (arXiv:2206.00364) eq. 5: uniform in sigma^(1/rho). */
export function karrasSigmas(sigmaMin: number, sigmaMax: number, steps: number, rho = 7): number[] {
  checkSteps(steps);
  const lo = sigmaMin ** (1 / rho);
  const hi = sigmaMax ** (1 / rho);
  const out = Array.from({ length: steps }, (_, i) => (hi + (steps === 1 ? 0 : i / (steps - 1)) * (lo - hi)) ** rho);
  return [...out, 0];
}

/** Uniform in log sigma. */
export function exponentialSigmas(sigmaMin: number, sigmaMax: number, steps: number): number[] {
  checkSteps(steps);
  const lo = Math.log(sigmaMin);
  const hi = Math.log(sigmaMax);
  return [...Array.from({ length: steps }, (_, i) => Math.exp(hi + (steps === 1 ? 0 : i / (steps - 1)) * (lo - hi))), 0];
}

/** Every (N/steps)-th table entry from the top (ComfyUI's "simple"). */
export function simpleSigmas(ms: ModelSampling, steps: number): number[] {
  checkSteps(steps);
  const n = ms.sigmas.length;
  const stride = n / steps;
  return [...Array.from({ length: steps }, (_, i) => ms.sigmas[n - 1 - Math.floor(i * stride)]), 0];
}

/** Uniform in table position from the top to the bottom entry, both included. */
export function normalSigmas(ms: ModelSampling, steps: number): number[] {
  checkSteps(steps);
  const top = ms.sigmas.length - 1;
  return [...Array.from({ length: steps }, (_, i) => ms.sigmaAt(top * (1 - (steps === 1 ? 0 : i / (steps - 1))))), 0];
}

/** Uniform in table position over steps + 1 points, the last replaced by 0 (SGM / SDXL-Turbo style). */
export function sgmUniformSigmas(ms: ModelSampling, steps: number): number[] {
  checkSteps(steps);
  const top = ms.sigmas.length - 1;
  return [...Array.from({ length: steps }, (_, i) => ms.sigmaAt(top * (1 - i / steps))), 0];
}

/**
 * Table positions at Beta(alpha, beta) quantiles, Lee et al. 2024 (arXiv:2407.12173). ComfyUI rounds the
 * positions to whole timesteps and drops repeats; we interpolate instead, so there are always steps + 1
 * strictly descending values.
 */
export function betaSigmas(ms: ModelSampling, steps: number, alpha = 0.6, beta = 0.6): number[] {
  checkSteps(steps);
  const top = ms.sigmas.length - 1;
  return [...Array.from({ length: steps }, (_, i) => ms.sigmaAt(top * betaPpf(1 - i / steps, alpha, beta))), 0];
}

/**
 * Linear then quadratic in the fraction of maximum noise (Mochi, as in ComfyUI): the first half of the
 * steps leaves threshold of the noise, the rest descends quadratically. Fractions scale flow time tMax
 * for flow models (then converted to VE) and sigmaMax otherwise.
 */
export function linearQuadraticSigmas(ms: ModelSampling, steps: number, threshold = 0.025, linearSteps?: number): number[] {
  checkSteps(steps);
  let fractions: number[];
  if (steps === 1) {
    fractions = [1, 0];
  } else {
    const nLin = linearSteps ?? Math.floor(steps / 2);
    const nQuad = steps - nLin;
    const diff = nLin - threshold * steps;
    const quadCoef = diff / (nLin * nQuad ** 2);
    const linCoef = threshold / nLin - (2 * diff) / nQuad ** 2;
    const constant = quadCoef * nLin ** 2;
    const done = [
      ...Array.from({ length: nLin }, (_, i) => (i * threshold) / nLin),
      ...Array.from({ length: nQuad }, (_, k) => quadCoef * (nLin + k) ** 2 + linCoef * (nLin + k) + constant),
      1,
    ];
    fractions = done.map((d) => 1 - d);
  }
  return fractions.map((u) => (u === 0 ? 0 : ms.kind === "flow" ? flowTimeToSigma(u * ms.tMax) : u * ms.sigmaMax));
}

/** Schedule names, in the order the editor lists them (a tuple, so `z.enum(SCHEDULE_NAMES)` works). */
export const SCHEDULE_NAMES = ["simple", "normal", "karras", "exponential", "sgm_uniform", "beta", "linear_quadratic"] as const;
export type ScheduleName = (typeof SCHEDULE_NAMES)[number];

export const SCHEDULES: Record<ScheduleName, ScheduleFn> = {
  simple: simpleSigmas,
  normal: normalSigmas,
  karras: (ms, steps) => karrasSigmas(ms.sigmaMin, ms.sigmaMax, steps),
  exponential: (ms, steps) => exponentialSigmas(ms.sigmaMin, ms.sigmaMax, steps),
  sgm_uniform: sgmUniformSigmas,
  beta: (ms, steps) => betaSigmas(ms, steps),
  linear_quadratic: (ms, steps) => linearQuadraticSigmas(ms, steps),
};

/**
 * A named schedule with a denoise strength: below 1 it builds floor(steps/denoise) steps and keeps the
 * last steps + 1 sigmas (ComfyUI's BasicScheduler), so img2img starts part-way down. denoise ≤ 0 → [].
 */
export function scheduleSigmas(name: ScheduleName, ms: ModelSampling, steps: number, denoise = 1): number[] {
  if (denoise >= 1) return SCHEDULES[name](ms, steps);
  if (denoise <= 0) return [];
  return SCHEDULES[name](ms, Math.floor(steps / denoise)).slice(-(steps + 1));
}

/** [high, low]: high = sigmas[0..step] and low = sigmas[step..], sharing sigmas[step]. */
export function splitSigmas(sigmas: number[], step: number): [number[], number[]] {
  const s = Math.min(Math.max(Math.floor(step), 0), sigmas.length - 1);
  return [sigmas.slice(0, s + 1), sigmas.slice(s)];
}

const DENSE_STEPS = 1000;

/**
 * The rest of a schedule from sigmaNow with `steps` new steps, keeping the schedule's shape: the curve
 * of scheduleFn (sampled densely, interpolated in log sigma) is cut at sigmaNow and re-spaced. For
 * karras this is exactly karras(sigmaMin, sigmaNow, steps). Used for live step changes.
 */
export function remainingSchedule(scheduleFn: (steps: number) => number[], sigmaNow: number, steps: number): number[] {
  checkSteps(steps);
  const curve = scheduleFn(DENSE_STEPS).filter((s) => s > 0);
  const logs = curve.map(Math.log);
  const last = logs.length - 1;
  const ln = Math.log(sigmaNow);
  if (steps === 1 || last < 1 || ln <= logs[last]) return [sigmaNow, 0];
  // position of sigmaNow on the curve, as a fraction u in [0, 1] of its length
  let u0 = 0;
  if (ln < logs[0]) {
    let k = 0;
    while (logs[k + 1] > ln) k++;
    u0 = (k + (logs[k] - ln) / (logs[k] - logs[k + 1])) / last;
  }
  const at = (u: number): number => {
    const p = Math.min(u * last, last);
    const k = Math.min(Math.floor(p), last - 1);
    const w = p - k;
    return Math.exp((1 - w) * logs[k] + w * logs[k + 1]);
  };
  const out = [sigmaNow];
  for (let i = 1; i < steps; i++) out.push(at(u0 + ((1 - u0) * i) / (steps - 1)));
  return [...out, 0];
}
