/**
 * Shared shapes of the sampling library. Everything is in k-diffusion's VE form:
 * x = x0 + sigma·eps, and a `Denoise` returns the x0 estimate for (x, sigma).
 */

/** Where a sampler stands when it calls the denoiser: step i of total (as the schedule stands now). */
export interface StepAt {
  i: number;
  total: number;
}

/**
 * VE denoiser: returns E[x0 | x] at noise level sigma. Conditioning and CFG are closed over by the
 * caller; `at` tells step-windowed guidance where the run is (every call of a step gets that step).
 */
export type Denoise = (x: Float64Array, sigma: number, at: StepAt) => Promise<Float64Array>;

/** Seeded, deterministic standard-normal source; successive calls continue one stream. */
export interface NoiseSource {
  randn(n: number): Float64Array;
}

/** What a sampler reports once per step, after the step's first model call and before it moves x. */
export interface StepInfo {
  /** steps taken so far (0 for the first) */
  i: number;
  /** steps this run will take in all, as the schedule stands now (changes after a reschedule) */
  total: number;
  sigma: number;
  sigmaNext: number;
  x: Float64Array;
  denoised: Float64Array;
}

/**
 * Called before step i with the sigma the run stands at; a returned array replaces the rest of the
 * schedule: it must start at sigmaNow and descend (normally to a trailing 0); [sigmaNow] ends the run.
 */
export type Reschedule = (i: number, sigmaNow: number) => number[] | undefined;

export interface SamplerOptions {
  noise: NoiseSource;
  onStep?: (info: StepInfo) => void | Promise<void>;
  signal?: AbortSignal;
  reschedule?: Reschedule;
  /** stochasticity for ancestral / SDE / DDIM methods (their own default when absent) */
  eta?: number;
  /** scale of the noise injected by stochastic methods (default 1) */
  s_noise?: number;
}

/** sigmas: descending VE noise levels with a trailing 0; x: the starting latent at sigmas[0]. */
export type Sampler<O extends SamplerOptions = SamplerOptions> = (
  denoise: Denoise,
  x: Float64Array,
  sigmas: number[],
  opts: O,
) => Promise<Float64Array>;
