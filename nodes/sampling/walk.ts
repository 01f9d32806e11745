import type { SamplerOptions, StepInfo } from "./types.ts";

/** One step of a run, as the schedule stands at its start. */
export interface Step {
  i: number;
  total: number;
  sigma: number;
  sigmaNext: number;
  /** steps left including this one */
  remaining: number;
}

/**
 * Walks a schedule step by step; the single place where abort and live rescheduling happen, so every
 * sampler gets them at the same boundary: before step i's first model call. Samplers that keep history
 * store the sigmas they actually visited, never indexes into the schedule, so a swap needs no reset.
 */
export function* walk(sigmas: number[], opts: Pick<SamplerOptions, "signal" | "reschedule">): Generator<Step> {
  let schedule = checkSchedule(sigmas, "sigmas");
  let k = 0;
  for (let i = 0; k < schedule.length - 1; i++, k++) {
    opts.signal?.throwIfAborted();
    const replaced = opts.reschedule?.(i, schedule[k]);
    if (replaced) {
      schedule = checkSchedule(replaced, "rescheduled sigmas", schedule[k]);
      k = 0;
      if (schedule.length < 2) break;
    }
    const remaining = schedule.length - 1 - k;
    yield { i, total: i + remaining, sigma: schedule[k], sigmaNext: schedule[k + 1], remaining };
  }
}

/** Sends one step report, if anyone listens. */
export async function report(opts: SamplerOptions, step: Step, x: Float64Array, denoised: Float64Array): Promise<void> {
  if (!opts.onStep) return;
  const info: StepInfo = { i: step.i, total: step.total, sigma: step.sigma, sigmaNext: step.sigmaNext, x, denoised };
  await opts.onStep(info);
}

/** Descending, non-negative; a replacement must start where the run stands (pinned exactly to it). */
function checkSchedule(sigmas: number[], what: string, start?: number): number[] {
  const out = sigmas.slice();
  if (start !== undefined) {
    if (out.length === 0 || Math.abs(out[0] - start) > 1e-9 * Math.max(1, start)) {
      throw new Error(`${what} must start at the current sigma ${start}, got ${out[0]}`);
    }
    out[0] = start;
  }
  for (let j = 0; j < out.length; j++) {
    if (!(out[j] >= 0) || !Number.isFinite(out[j])) throw new Error(`${what}[${j}] = ${out[j]} is not a finite non-negative number`);
    if (j > 0 && !(out[j] < out[j - 1])) throw new Error(`${what} must be strictly descending (at index ${j})`);
  }
  return out;
}
