import { z } from "zod";
import { fileSchema, tensorSchema } from "./manifest.ts";

// The contract of an upscaler pack (`"kind": "upscaler"`): one ONNX network that takes a whole clip
// and returns it `scale` times larger, e.g. models/physics-tiny-upscaler/.

export const upscalerManifestSchema = z.object({
  schema: z.literal(1),
  kind: z.literal("upscaler"),
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  version: z.string(),
  title: z.string(),
  description: z.string(),
  license: z.string(),
  /** The generation pack whose clips it was trained on (any clip works; these work best). */
  for_pack: z.string().optional(),
  scale: z.number().int().min(2).max(8),
  files: z.object({ model: fileSchema }),
  /** One input [batch, frames, 3, height, width] and one output [batch, frames, 3, height·scale, width·scale]. */
  tensors: z.object({
    inputs: z.record(z.string(), tensorSchema).refine((r) => Object.keys(r).length === 1, "exactly one input (the clip)"),
    outputs: z.record(z.string(), tensorSchema).refine((r) => Object.keys(r).length === 1, "exactly one output (the larger clip)"),
  }),
  layout: z.literal("BTCHW"),
  rgb_range: z.tuple([z.number(), z.number()]),
  /** Frames each output frame sees on either side (the network's temporal reach). */
  temporal_context: z.object({ frames: z.number().int().positive().refine((n) => n % 2 === 1, "an odd count (the frame itself and as many on each side)") }),
  /** Pixels each output pixel sees on each side, at the input's resolution: the overlap tiles need. */
  receptive_radius: z.number().int().min(0),
  network: z.record(z.string(), z.unknown()).optional(),
  training: z.record(z.string(), z.unknown()).optional(),
  evaluation: z.record(z.string(), z.unknown()).optional(),
});
export type UpscalerManifest = z.infer<typeof upscalerManifestSchema>;
