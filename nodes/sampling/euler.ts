import { axpy, lin2, scale, toD } from "./tensor.ts";
import type { Sampler } from "./types.ts";
import { report, walk } from "./walk.ts";

/** Euler steps on the probability-flow ODE, Karras et al. 2022 (arXiv:2206.00364), Alg. 2 without churn. */
export const euler: Sampler = async (denoise, x, sigmas, opts) => {
  for (const step of walk(sigmas, opts)) {
    const denoised = await denoise(x, step.sigma, step);
    await report(opts, step, x, denoised);
    x = axpy(step.sigmaNext - step.sigma, toD(x, step.sigma, denoised), x);
  }
  return x;
};

/** Splits a step sigma→sigmaTo into a deterministic part (down) and fresh noise (up); eta=1 is DDPM-like. */
export function ancestralStep(sigma: number, sigmaTo: number, eta: number): { down: number; up: number } {
  if (eta === 0 || sigmaTo === 0) return { down: sigmaTo, up: 0 };
  const up = Math.min(sigmaTo, eta * Math.sqrt((sigmaTo ** 2 * (sigma ** 2 - sigmaTo ** 2)) / sigma ** 2));
  return { down: Math.sqrt(sigmaTo ** 2 - up ** 2), up };
}

/** Ancestral Euler (k-diffusion; Ho et al. 2020 arXiv:2006.11239 noise re-injection), eta default 1. */
export const euler_ancestral: Sampler = async (denoise, x, sigmas, opts) => {
  const eta = opts.eta ?? 1;
  const sNoise = opts.s_noise ?? 1;
  for (const step of walk(sigmas, opts)) {
    const denoised = await denoise(x, step.sigma, step);
    await report(opts, step, x, denoised);
    const { down, up } = ancestralStep(step.sigma, step.sigmaNext, eta);
    x = axpy(down - step.sigma, toD(x, step.sigma, denoised), x);
    if (up > 0) x = axpy(up * sNoise, opts.noise.randn(x.length), x);
  }
  return x;
};

/**
 * DDIM, Song et al. 2020 (arXiv:2010.02502), written in VE form: x' = x0 + sigma_down·eps + sigma_up·z.
 * With eta = 0 (default) this is exactly the Euler step; with eta > 0, DDIM's sigma_t maps to the
 * ancestral split above, so it equals euler_ancestral with that eta.
 */
export const ddim: Sampler = async (denoise, x, sigmas, opts) => {
  const eta = opts.eta ?? 0;
  const sNoise = opts.s_noise ?? 1;
  for (const step of walk(sigmas, opts)) {
    const denoised = await denoise(x, step.sigma, step);
    await report(opts, step, x, denoised);
    const { down, up } = ancestralStep(step.sigma, step.sigmaNext, eta);
    // eps = (x − x0)/sigma, so x0 + down·eps = (down/sigma)·x + (1 − down/sigma)·x0
    x = lin2(down / step.sigma, x, 1 - down / step.sigma, denoised);
    if (up > 0) x = axpy(up * sNoise, opts.noise.randn(x.length), x);
  }
  return x;
};

/**
 * Rectified-flow Euler, Liu et al. 2022 (arXiv:2209.03003): x_rf ← x_rf + (t' − t)·v in native flow time.
 * VE (x, sigma) ↔ flow (x_rf, t): t = sigma/(1+sigma), x_rf = x/(1+sigma), v = (x_rf − x0)/t.
 */
export const flow_euler: Sampler = async (denoise, x, sigmas, opts) => {
  for (const step of walk(sigmas, opts)) {
    const denoised = await denoise(x, step.sigma, step);
    await report(opts, step, x, denoised);
    const t = step.sigma / (1 + step.sigma);
    const tNext = step.sigmaNext / (1 + step.sigmaNext);
    const xrf = scale(1 / (1 + step.sigma), x);
    const v = lin2(1 / t, xrf, -1 / t, denoised);
    x = scale(1 + step.sigmaNext, axpy(tNext - t, v, xrf));
  }
  return x;
};
