/** The sampling library: samplers, schedules, noise and model adapters, all pure and VE-form. */
import { ddim, euler, euler_ancestral, flow_euler } from "./euler.ts";
import { dpm_2, heun } from "./heun.ts";
import { dpmpp_2m, lms } from "./multistep.ts";
import { dpmpp_2m_sde, dpmpp_sde } from "./sde.ts";
import type { Sampler } from "./types.ts";
import { uni_pc } from "./uni-pc.ts";

/** Sampler names, in the order the editor lists them (a tuple, so `z.enum(SAMPLER_NAMES)` works). */
export const SAMPLER_NAMES = [
  "euler",
  "euler_ancestral",
  "heun",
  "dpm_2",
  "lms",
  "dpmpp_2m",
  "dpmpp_2m_sde",
  "dpmpp_sde",
  "ddim",
  "uni_pc",
  "flow_euler",
] as const;
export type SamplerName = (typeof SAMPLER_NAMES)[number];

export const SAMPLERS: Record<SamplerName, Sampler> = {
  euler,
  euler_ancestral,
  heun,
  dpm_2,
  lms,
  dpmpp_2m,
  dpmpp_2m_sde,
  dpmpp_sde,
  ddim,
  uni_pc,
  flow_euler,
};

export type { Denoise, NoiseSource, Reschedule, Sampler, SamplerOptions, StepAt, StepInfo } from "./types.ts";
export { createNoise } from "./noise.ts";
export { ancestralStep, ddim, euler, euler_ancestral, flow_euler } from "./euler.ts";
export { dpm_2, heun } from "./heun.ts";
export { dpmpp_2m, lms, type LmsOptions } from "./multistep.ts";
export { dpmpp_2m_sde, dpmpp_sde, type Dpmpp2mSdeOptions, type DpmppSdeOptions } from "./sde.ts";
export { uni_pc, type UniPcOptions } from "./uni-pc.ts";
export * from "./schedules.ts";
export * from "./model-sampling.ts";
