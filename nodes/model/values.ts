// The values that flow through the generation sockets, registered with the node API by
// declaration merging so every node's run() gets them typed.
import type { LoadedPack, ModelCache } from "./runtime.ts";
import type { LoadedUpscaler } from "./upscaler.ts";

/** MODEL / TEXT_ENCODER / DECODER / ENCODER all carry the opened pack; each socket says which part a node uses. */
export interface ModelRef { pack: LoadedPack }

export interface Conditioning {
  pack: string;
  prompt: string;
  /** Text-encoder features, [max_length × dim]; one such row per prompt when `shots` is set. */
  features: Float32Array;
  unknown: string[];
  /** A Storyboard's prompts, one per clip of the latent batch, in order. */
  shots?: string[];
}

/** A video latent clip: its pixel geometry, the noise seed, and the latent itself once there is one. */
export interface Latent {
  width: number;
  height: number;
  frames: number;
  batch: number;
  fps: number;
  /** Seed of the noise the sampler adds; same seed + shape → the same noise everywhere. */
  seed: number;
  /** Sampler-space values [batch, C, T, h, w]; absent for an empty latent (the sampler sizes it from the model). */
  samples?: { data: Float32Array; shape: [number, number, number, number, number] };
  /**
   * Latent frames that are given, not generated (image-to-video, extend, in-betweening): sampler-space
   * values [batch, C, T, h, w] of the whole clip, and for each latent frame whether it is given.
   */
  known?: KnownFrames;
}

export interface KnownFrames {
  data: Float32Array;
  given: boolean[];
  /** Given frames a window of new ones starts from (Extend Video's context); the Sampler's own overlap when absent. */
  context?: number;
}

export interface Sigmas {
  values: number[];
  /** Recomputes the rest of the schedule from `sigmaNow` with `remaining` steps (for live step changes). */
  recompute?: (sigmaNow: number, remaining: number) => number[];
}

export type { Frames } from "../../core/node/definition.ts";

declare module "../../core/node/definition.ts" {
  interface SocketValues {
    MODEL: ModelRef;
    TEXT_ENCODER: ModelRef;
    DECODER: ModelRef;
    ENCODER: ModelRef;
    UPSCALE_MODEL: LoadedUpscaler;
    CONDITIONING: Conditioning;
    LATENT: Latent;
    SIGMAS: Sigmas;
  }
  interface Services {
    /** Opened model packs, shared across jobs; `free()` releases them. */
    models: ModelCache;
    /** Folders searched for model packs, the shipped one first. */
    modelRoots: string[];
  }
}
