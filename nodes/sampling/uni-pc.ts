import { lin2, linN } from "./tensor.ts";
import type { Sampler, SamplerOptions } from "./types.ts";
import { report, walk } from "./walk.ts";

export interface UniPcOptions extends SamplerOptions {
  /** highest order, 1..3 (default 3); lower on the first steps and the last ones */
  order?: number;
  /** B(h) choice of the paper: bh1 = h, bh2 = e^h − 1 (default "bh2") */
  variant?: "bh1" | "bh2";
}

interface Point {
  sigma: number;
  denoised: Float64Array;
}

/**
 * UniPC multistep predictor–corrector, Zhao et al. 2023 (arXiv:2302.04867), data prediction, in VE form.
 * The model value at each new point serves both the corrector of the step that reached it and the
 * predictor of the next step, so it costs one model call per step. History holds visited sigmas, so a
 * reschedule keeps it valid; orders are lowered near the end of whatever schedule is current.
 */
export const uni_pc: Sampler<UniPcOptions> = async (denoise, x, sigmas, opts) => {
  const maxOrder = opts.order ?? 3;
  const variant = opts.variant ?? "bh2";
  if (!Number.isInteger(maxOrder) || maxOrder < 1 || maxOrder > 3) throw new RangeError(`uni_pc order must be 1..3, got ${maxOrder}`);
  const hist: Point[] = []; // oldest first
  let pending: { x: Float64Array; sigma: number; order: number } | undefined; // predictor awaiting its corrector
  for (const step of walk(sigmas, opts)) {
    const denoised = await denoise(x, step.sigma, step);
    if (pending) x = uniPcUpdate(pending.x, hist, pending.sigma, step.sigma, pending.order, variant, denoised);
    hist.push({ sigma: step.sigma, denoised });
    if (hist.length > maxOrder) hist.shift();
    await report(opts, step, x, denoised);
    if (step.sigmaNext === 0) {
      x = denoised;
      pending = undefined;
      continue;
    }
    const order = Math.min(maxOrder, hist.length, step.remaining);
    pending = { x, sigma: step.sigma, order };
    x = uniPcUpdate(x, hist, step.sigma, step.sigmaNext, order, variant);
  }
  return x;
};

/**
 * One UniPC update from sigmaS (the newest history point) to sigmaT, using the last `order` points.
 * Without `denoisedT` it is the predictor UniP; with it, the corrector UniC (one order higher).
 */
function uniPcUpdate(
  x: Float64Array,
  hist: Point[],
  sigmaS: number,
  sigmaT: number,
  order: number,
  variant: "bh1" | "bh2",
  denoisedT?: Float64Array,
): Float64Array {
  const h = Math.log(sigmaS / sigmaT); // lambda = −log sigma
  const hh = -h; // data prediction integrates in −h
  const m0 = hist[hist.length - 1].denoised;
  const rks: number[] = [];
  const d1s: Float64Array[] = [];
  for (let k = 1; k < order; k++) {
    const p = hist[hist.length - 1 - k];
    const rk = Math.log(sigmaS / p.sigma) / h;
    rks.push(rk);
    d1s.push(lin2(1 / rk, p.denoised, -1 / rk, m0));
  }
  rks.push(1);

  const hPhi1 = Math.expm1(hh);
  const bh = variant === "bh1" ? hh : Math.expm1(hh);
  const b: number[] = [];
  let hPhiK = hPhi1 / hh - 1;
  let factorial = 1;
  for (let i = 1; i <= order; i++) {
    b.push((hPhiK * factorial) / bh);
    factorial *= i + 1;
    hPhiK = hPhiK / hh - 1 / factorial;
  }
  const R = rks.map((_, i) => rks.map((r) => r ** i)); // R[i][j] = r_j^i

  const base = lin2(sigmaT / sigmaS, x, -hPhi1, m0);
  if (!denoisedT) {
    if (order === 1) return base;
    const rhos = order === 2 ? [0.5] : solve(minor(R, order - 1), b.slice(0, order - 1));
    return linN([[1, base], ...d1s.map((d, k) => [-bh * rhos[k], d] as const)]);
  }
  const rhos = order === 1 ? [0.5] : solve(R, b);
  const dT = lin2(1, denoisedT, -1, m0);
  return linN([[1, base], ...d1s.map((d, k) => [-bh * rhos[k], d] as const), [-bh * rhos[order - 1], dT]]);
}

function minor(m: number[][], n: number): number[][] {
  return m.slice(0, n).map((row) => row.slice(0, n));
}

/** Gaussian elimination with partial pivoting; the systems here are at most 3×3. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  const out = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let k = r + 1; k < n; k++) s -= m[r][k] * out[k];
    out[r] = s / m[r][r];
  }
  return out;
}
