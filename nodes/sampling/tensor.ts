/** Small element-wise helpers over flat Float64Arrays; every one returns a new array. */

/** a·x + b·y */
export function lin2(a: number, x: Float64Array, b: number, y: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = a * x[i] + b * y[i];
  return out;
}

/** a·x + b·y + c·z */
export function lin3(a: number, x: Float64Array, b: number, y: Float64Array, c: number, z: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = a * x[i] + b * y[i] + c * z[i];
  return out;
}

/** Σ c_k·v_k over any number of terms */
export function linN(terms: ReadonlyArray<readonly [number, Float64Array]>): Float64Array {
  const out = new Float64Array(terms[0][1].length);
  for (const [c, v] of terms) {
    if (c === 0) continue;
    for (let i = 0; i < out.length; i++) out[i] += c * v[i];
  }
  return out;
}

/** a·x */
export function scale(a: number, x: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = a * x[i];
  return out;
}

/** y + a·x */
export function axpy(a: number, x: Float64Array, y: Float64Array): Float64Array {
  return lin2(a, x, 1, y);
}

/** Karras ODE derivative dx/dsigma = (x − x0) / sigma. */
export function toD(x: Float64Array, sigma: number, denoised: Float64Array): Float64Array {
  return lin2(1 / sigma, x, -1 / sigma, denoised);
}

export function mean(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

/** population standard deviation */
export function std(x: Float64Array): number {
  const m = mean(x);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] - m) ** 2;
  return Math.sqrt(s / x.length);
}
