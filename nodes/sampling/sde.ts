import { axpy, lin2, lin3 } from "./tensor.ts";
import { ancestralStep } from "./euler.ts";
import type { Sampler, SamplerOptions } from "./types.ts";
import { report, walk } from "./walk.ts";

export interface Dpmpp2mSdeOptions extends SamplerOptions {
  /** how the second-order correction is formed (default "midpoint", as k-diffusion) */
  solver_type?: "midpoint" | "heun";
}

/** DPM-Solver++(2M) SDE, Lu et al. 2022 (arXiv:2211.01095); eta default 1, fresh Gaussian noise each step. */
export const dpmpp_2m_sde: Sampler<Dpmpp2mSdeOptions> = async (denoise, x, sigmas, opts) => {
  const eta = opts.eta ?? 1;
  const sNoise = opts.s_noise ?? 1;
  let prev: { sigma: number; denoised: Float64Array } | undefined;
  for (const step of walk(sigmas, opts)) {
    const { sigma, sigmaNext } = step;
    const denoised = await denoise(x, sigma, step);
    await report(opts, step, x, denoised);
    if (sigmaNext === 0) {
      x = denoised;
    } else {
      const h = Math.log(sigma / sigmaNext);
      const etaH = eta * h;
      const k = -Math.expm1(-h - etaH);
      x = lin2((sigmaNext / sigma) * Math.exp(-etaH), x, k, denoised);
      if (prev) {
        const r = Math.log(prev.sigma / sigma) / h;
        const c = opts.solver_type === "heun" ? (1 - k / (h + etaH)) / r : (0.5 * k) / r;
        x = lin3(1, x, c, denoised, -c, prev.denoised);
      }
      if (eta > 0) x = axpy(sigmaNext * Math.sqrt(-Math.expm1(-2 * etaH)) * sNoise, opts.noise.randn(x.length), x);
    }
    prev = { sigma, denoised };
  }
  return x;
};

export interface DpmppSdeOptions extends SamplerOptions {
  /** where the intermediate evaluation sits within the step, in lambda (default 1/2) */
  r?: number;
}

/**
 * DPM-Solver++ SDE, singlestep 2nd order (Lu et al. 2022, arXiv:2211.01095; k-diffusion's dpmpp_sde).
 * The noise of the half step and of the full step are increments of one Brownian path in sigma, as
 * k-diffusion's Brownian-tree sampler gives them; here they are built from two independent draws.
 */
export const dpmpp_sde: Sampler<DpmppSdeOptions> = async (denoise, x, sigmas, opts) => {
  const eta = opts.eta ?? 1;
  const sNoise = opts.s_noise ?? 1;
  const r = opts.r ?? 0.5;
  for (const step of walk(sigmas, opts)) {
    const { sigma, sigmaNext } = step;
    const denoised = await denoise(x, sigma, step);
    await report(opts, step, x, denoised);
    if (sigmaNext === 0) {
      x = denoised; // the Euler step to sigma 0
      continue;
    }
    const sigmaS = sigma * Math.pow(sigmaNext / sigma, r); // lambda_s = lambda + r·h
    const [nHalf, nFull] = eta > 0 ? brownianPair(opts.noise.randn(x.length), opts.noise.randn(x.length), sigma, sigmaS, sigmaNext) : [];
    const a = ancestralStep(sigma, sigmaS, eta);
    let x2 = lin2(a.down / sigma, x, 1 - a.down / sigma, denoised);
    if (nHalf) x2 = axpy(a.up * sNoise, nHalf, x2);
    const denoised2 = await denoise(x2, sigmaS, step);
    const fac = 1 / (2 * r);
    const b = ancestralStep(sigma, sigmaNext, eta);
    const mixed = lin2(1 - fac, denoised, fac, denoised2);
    x = lin2(b.down / sigma, x, 1 - b.down / sigma, mixed);
    if (nFull) x = axpy(b.up * sNoise, nFull, x);
  }
  return x;
};

/** Unit-variance increments of one Brownian path over [s1, s0] and [s2, s0], from draws for [s1,s0] and [s2,s1]. */
function brownianPair(z1: Float64Array, z2: Float64Array, s0: number, s1: number, s2: number): [Float64Array, Float64Array] {
  const a = Math.sqrt(s0 - s1);
  const b = Math.sqrt(s1 - s2);
  const total = Math.sqrt(s0 - s2);
  return [z1, lin2(a / total, z1, b / total, z2)];
}
