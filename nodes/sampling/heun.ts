import { axpy, lin2, toD } from "./tensor.ts";
import type { Sampler } from "./types.ts";
import { report, walk } from "./walk.ts";

/** Heun's 2nd-order method, Karras et al. 2022 (arXiv:2206.00364) Alg. 1; Euler on the step to sigma 0. */
export const heun: Sampler = async (denoise, x, sigmas, opts) => {
  for (const step of walk(sigmas, opts)) {
    const denoised = await denoise(x, step.sigma, step);
    await report(opts, step, x, denoised);
    const d = toD(x, step.sigma, denoised);
    const dt = step.sigmaNext - step.sigma;
    if (step.sigmaNext === 0) {
      x = axpy(dt, d, x);
      continue;
    }
    const x2 = axpy(dt, d, x);
    const d2 = toD(x2, step.sigmaNext, await denoise(x2, step.sigmaNext, step));
    x = axpy(dt, lin2(0.5, d, 0.5, d2), x);
  }
  return x;
};

/**
 * DPM-Solver-2-style midpoint method (Lu et al. 2022, arXiv:2206.00927; k-diffusion's dpm_2):
 * the midpoint is the geometric mean of sigma and sigmaNext; Euler on the step to sigma 0.
 */
export const dpm_2: Sampler = async (denoise, x, sigmas, opts) => {
  for (const step of walk(sigmas, opts)) {
    const denoised = await denoise(x, step.sigma, step);
    await report(opts, step, x, denoised);
    const d = toD(x, step.sigma, denoised);
    if (step.sigmaNext === 0) {
      x = axpy(-step.sigma, d, x);
      continue;
    }
    const sigmaMid = Math.sqrt(step.sigma * step.sigmaNext);
    const x2 = axpy(sigmaMid - step.sigma, d, x);
    const d2 = toD(x2, sigmaMid, await denoise(x2, sigmaMid, step));
    x = axpy(step.sigmaNext - step.sigma, d2, x);
  }
  return x;
};
