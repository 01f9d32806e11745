// Guidance as small objects (diffusers' guiders): each method has its window and one apply, and
// the GUIDANCE socket carries a list of them. The sampler runs each inside its window.
import type { LoadedPack } from "../model/runtime.ts";
import type { StepAt } from "../sampling/types.ts";

/** One denoiser evaluation as guidance sees it; methods may add a simulation input or move the estimate. */
export interface GuidedCall {
  x: Float64Array;
  sigma: number;
  /** Where the sampler stands: step i of total. */
  at: StepAt;
  /** The latent frames this call samples, for clips made window by window: start..start+frames of total. */
  window: ClipWindow;
  /** Object coverage fed to a pack trained with a simulation input, with its weight (0–1). */
  simulation?: { values: Float32Array; weight: number };
}

export interface ClipWindow {
  start: number;
  frames: number;
  total: number;
}

/** Returns the x0 estimate (VE form) for a call. */
export type GuidedDenoise = (call: GuidedCall) => Promise<Float64Array>;

export interface GuidanceMethod {
  readonly name: string;
  /** The window, as fractions of the schedule: active while start ≤ step / steps < end. */
  readonly start: number;
  readonly end: number;
  /** Throws with the reason when this pack cannot guide a clip of `frames` latent frames this way (run before sampling starts). */
  check?(pack: LoadedPack, frames: number): void;
  /**
   * One call inside the window: pass it on to `next` (changed or not) and return the estimate
   * (changed or not). `progress` runs 0 → 1 across the window; `strength` is the live value.
   */
  apply(call: GuidedCall, next: GuidedDenoise, weight: { progress: number; strength: number }): Promise<Float64Array>;
}

/** The GUIDANCE socket's value: the methods and the strength they share (patched live). */
export interface Guidance {
  strength: number;
  methods: GuidanceMethod[];
}

/** The live-patch key a running sampler reads the guidance strength by. */
export const GUIDANCE_STRENGTH = "guidance_strength";

declare module "../../core/node/definition.ts" {
  interface SocketValues {
    GUIDANCE: Guidance;
  }
}
