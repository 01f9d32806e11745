import { z } from "zod";

// The model-pack contract: any pack under models/<name>/ (ours, or an export of a larger public
// model) is described by one manifest.json that this schema accepts.

const dim = z.union([z.number().int().positive(), z.string().min(1)]);
export const tensorSchema = z.object({ dtype: z.enum(["float32", "float16", "int64", "int32"]), shape: z.array(dim) });
const io = z.object({ inputs: z.record(z.string(), tensorSchema), outputs: z.record(z.string(), tensorSchema) });
export const fileSchema = z.object({ path: z.string().regex(/^[\w.-]+$/, "a plain file name inside the pack folder"), sha256: z.string().regex(/^[0-9a-f]{64}$/) });
const file = fileSchema;

/** What a pack is for: "video" (the default) generates clips; "upscaler" enlarges them (upscaler-manifest.ts). */
export const PACK_KINDS = ["video", "upscaler"] as const;
export type PackKind = (typeof PACK_KINDS)[number];

export const manifestSchema = z.object({
  schema: z.literal(1),
  kind: z.literal("video").optional(),
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  version: z.string(),
  title: z.string(),
  description: z.string(),
  license: z.string(),
  files: z.object({
    text_encoder: file, denoiser: file, decoder: file, tokenizer: file, encoder: file.optional(),
    reader: file.optional(), reader_tokenizer: file.optional(),
  }),
  tensors: z.object({ text_encoder: io, denoiser: io, decoder: io, encoder: io.optional(), reader: io.optional() }),
  latent: z.object({
    channels: z.number().int().positive(),
    spatial_factor: z.number().int().positive(),
    temporal_factor: z.number().int().positive(),
    layout: z.literal("BCTHW"),
    shift: z.array(z.number()),
    scale: z.array(z.number().positive()),
  }),
  prediction: z.object({ type: z.enum(["flow", "eps", "v", "x0"]), time: z.string(), sigma: z.string() }),
  rgb_range: z.tuple([z.number(), z.number()]),
  defaults: z.object({
    width: z.number().int().positive(), height: z.number().int().positive(), frames: z.number().int().positive(),
    fps: z.number().positive(), steps: z.number().int().positive(), cfg: z.number().nonnegative(),
    sampler: z.string(), scheduler: z.string(), shift: z.number().positive(),
  }),
  preview: z.object({ latent_rgb: z.array(z.array(z.number()).length(3)), bias: z.array(z.number()).length(3) }),
  tokenizer: z.object({ path: z.string(), max_length: z.number().int().positive(), pad_id: z.number().int(), unk_id: z.number().int(), lowercase: z.boolean() }),
  conditioning: z.object({
    simulation: z.object({ input: z.string(), flag: z.string(), shape: z.array(z.number().int()), kind: z.literal("object_coverage"), range: z.tuple([z.number(), z.number()]) }).optional(),
    /** Given latent frames (sampler space, [batch, C, T, h, w]) and a per-frame mask [batch, T], 1 where given. */
    known: z.object({ input: z.string(), mask: z.string() }).optional(),
  }).default({}),
  /** The colour words the model was trained on, with the sRGB each draws. Text Encode maps other colour words onto it, with a notice. */
  palette: z.record(z.string().regex(/^[a-z]+$/), z.tuple([z.number().int().min(0).max(255), z.number().int().min(0).max(255), z.number().int().min(0).max(255)])).optional(),
  /**
   * A prompt reader: token ids (its own word-level tokenizer) → one set of logits per field of what a
   * prompt describes, each output named after its field, its values in this order. Text Encode uses
   * it to re-phrase prompts in words the text encoder was not trained on (nodes/generate/read-prompt.ts).
   */
  reader: z.object({
    input: z.string(), max_length: z.number().int().positive(), pad_id: z.number().int(), unk_id: z.number().int(),
    fields: z.record(z.string(), z.array(z.string()).min(1)),
  }).optional(),
  training: z.record(z.string(), z.unknown()).optional(),
}).superRefine((m, ctx) => {
  if (m.reader && (!m.files.reader || !m.files.reader_tokenizer)) {
    ctx.addIssue({ code: "custom", path: ["reader"], message: "a reader needs files.reader and files.reader_tokenizer" });
  }
  if (m.latent.shift.length !== m.latent.channels || m.latent.scale.length !== m.latent.channels) {
    ctx.addIssue({ code: "custom", path: ["latent"], message: `shift and scale need ${m.latent.channels} values (one per latent channel)` });
  }
  if (m.preview.latent_rgb.length !== m.latent.channels) {
    ctx.addIssue({ code: "custom", path: ["preview", "latent_rgb"], message: `needs one RGB row per latent channel (${m.latent.channels})` });
  }
});
export type Manifest = z.infer<typeof manifestSchema>;

/** Turns zod issues into one readable message naming the pack and each broken field. */
export function manifestError(pack: string, error: z.ZodError): string {
  const lines = error.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`);
  return `model pack "${pack}": manifest.json is invalid\n${lines.join("\n")}`;
}
