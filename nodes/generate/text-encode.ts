import { CONDITIONING, TEXT_ENCODER } from "../../core/node/sockets.ts";
import { defineNode, p, showNotes } from "../../core/node/definition.ts";
import { substituteColors, substitutionNote } from "../model/color-words.ts";
import { readPrompt } from "./read-prompt.ts";
import type { LoadedPack } from "../model/runtime.ts";
import "../model/values.ts";

/** A prompt's text features with the pack's text encoder, after its colours and (with a prompt reader) its words are mapped; the notes say what was mapped. */
export async function encodePrompt(pack: LoadedPack, text: string): Promise<{ features: Float32Array; unknown: string[]; notes: string[] }> {
  const drawn = substituteColors(text, pack.manifest.palette);
  const reading = await readPrompt(pack, text);
  const { ids, unknown: encoderUnknown } = pack.tokenize(reading?.text ?? drawn.text);
  const unknown = reading?.unknown ?? encoderUnknown;
  const features = await pack.encodeText(ids, 1);
  // A read prompt meets the reader's window; the text encoder then gets the (short) reading.
  const max = reading && pack.manifest.reader ? pack.manifest.reader.max_length : pack.manifest.tokenizer.max_length;
  const words = text.trim().split(/\s+/).filter(Boolean).length;
  const notes = drawn.substituted.map(substitutionNote);
  if (reading) notes.push(`read as "${reading.text}"${reading.unsure.length > 0 ? ` (unsure of the ${reading.unsure.join(", ")})` : ""}`);
  if (unknown.length > 0) notes.push(`not in the model's vocabulary: ${unknown.join(", ")}`);
  if (words > max) notes.push(`prompt has ${words} words; the model reads the first ${max}`);
  return { features, unknown, notes };
}

export default defineNode({
  type: "t2v.TextEncode",
  version: 1,
  title: "Text Encode",
  category: "conditioning",
  description: "Prompt → CONDITIONING with the pack's tokenizer and text encoder. Wire a second one to the sampler's negative input. Words outside the model's vocabulary are reported; a colour word outside its palette is drawn as the nearest colour it has, with a notice. With a pack that has a prompt reader, a prompt in words the model was not trained on is read into the scene it describes and encoded in the model's own words; the node shows what it read.",
  aliases: ["CLIPTextEncode"],
  inputs: { clip: { type: TEXT_ENCODER } },
  params: { text: p.multiline({ default: "", description: "The prompt", role: "prompt" }) },
  outputs: { CONDITIONING },
  run: async (ctx, { clip, text }) => {
    const { features, unknown, notes } = await encodePrompt(clip.pack, text);
    return { outputs: { CONDITIONING: { pack: clip.pack.name, prompt: text, features, unknown } }, ui: showNotes(ctx, notes) };
  },
});
