import { axpy, lin2, linN, toD } from "./tensor.ts";
import type { Sampler, SamplerOptions } from "./types.ts";
import { report, walk } from "./walk.ts";

export interface LmsOptions extends SamplerOptions {
  /** how many past derivatives to use, 1..4 (default 4) */
  order?: number;
}

/** Linear multistep in sigma (Adams–Bashforth on the Karras ODE), as k-diffusion's lms. */
export const lms: Sampler<LmsOptions> = async (denoise, x, sigmas, opts) => {
  const order = opts.order ?? 4;
  if (!Number.isInteger(order) || order < 1 || order > 4) throw new RangeError(`lms order must be 1..4, got ${order}`);
  const hist: { sigma: number; d: Float64Array }[] = []; // visited sigmas, so a reschedule keeps it valid
  for (const step of walk(sigmas, opts)) {
    const denoised = await denoise(x, step.sigma, step);
    await report(opts, step, x, denoised);
    hist.unshift({ sigma: step.sigma, d: toD(x, step.sigma, denoised) });
    if (hist.length > order) hist.pop();
    const nodes = hist.map((h) => h.sigma);
    x = axpy(1, linN(hist.map((h, j) => [lagrangeIntegral(nodes, j, step.sigma, step.sigmaNext), h.d] as const)), x);
  }
  return x;
};

/** ∫_a^b of the Lagrange basis polynomial for nodes[j]; 3-point Gauss–Legendre is exact up to degree 5. */
function lagrangeIntegral(nodes: number[], j: number, a: number, b: number): number {
  const basis = (tau: number): number => {
    let p = 1;
    for (let k = 0; k < nodes.length; k++) if (k !== j) p *= (tau - nodes[k]) / (nodes[j] - nodes[k]);
    return p;
  };
  const mid = (a + b) / 2;
  const half = (b - a) / 2;
  const off = half * Math.sqrt(3 / 5);
  return half * ((5 / 9) * basis(mid - off) + (8 / 9) * basis(mid) + (5 / 9) * basis(mid + off));
}

/** DPM-Solver++(2M), Lu et al. 2022 (arXiv:2211.01095) Alg. 2; first order on the first and the last step. */
export const dpmpp_2m: Sampler = async (denoise, x, sigmas, opts) => {
  let prev: { sigma: number; denoised: Float64Array } | undefined;
  for (const step of walk(sigmas, opts)) {
    const denoised = await denoise(x, step.sigma, step);
    await report(opts, step, x, denoised);
    if (step.sigmaNext === 0) {
      x = denoised;
    } else {
      const h = Math.log(step.sigma / step.sigmaNext); // step in half-log-SNR lambda = −log sigma
      let d = denoised;
      if (prev) {
        const r = Math.log(prev.sigma / step.sigma) / h; // previous step size over this one
        d = lin2(1 + 1 / (2 * r), denoised, -1 / (2 * r), prev.denoised);
      }
      x = lin2(step.sigmaNext / step.sigma, x, -Math.expm1(-h), d);
    }
    prev = { sigma: step.sigma, denoised };
  }
  return x;
};
