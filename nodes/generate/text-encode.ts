import { CONDITIONING, TEXT_ENCODER } from "../../core/node/sockets.ts";
import { defineNode, p, showNotes } from "../../core/node/definition.ts";
import { substituteColors, substitutionNote } from "../model/color-words.ts";
import { readPrompt } from "./read-prompt.ts";
import "../model/values.ts";

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
    const drawn = substituteColors(text, clip.pack.manifest.palette);
    const reading = await readPrompt(clip.pack, drawn.text);
    const encoded = reading?.text ?? drawn.text;
    const { ids, unknown: encoderUnknown } = clip.pack.tokenize(encoded);
    const unknown = reading?.unknown ?? encoderUnknown;
    const features = await clip.pack.encodeText(ids, 1);
    const max = clip.pack.manifest.tokenizer.max_length;
    const words = text.trim().split(/\s+/).filter(Boolean).length;
    const notes = drawn.substituted.map(substitutionNote);
    if (reading) notes.push(`read as "${reading.text}"${reading.unsure.length > 0 ? ` (unsure of the ${reading.unsure.join(", ")})` : ""}`);
    if (unknown.length > 0) notes.push(`not in the model's vocabulary: ${unknown.join(", ")}`);
    if (words > max) notes.push(`prompt has ${words} words; the model reads the first ${max}`);
    return { outputs: { CONDITIONING: { pack: clip.pack.name, prompt: text, features, unknown } }, ui: showNotes(ctx, notes) };
  },
});
