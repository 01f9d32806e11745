import { CONDITIONING, LATENT, TEXT_ENCODER } from "../../core/node/sockets.ts";
import { defineNode, p } from "../../core/node/definition.ts";
import type { Conditioning, Latent } from "../model/values.ts";
import { packFrameSize } from "./shape.ts";

/** A latent batch holds at most this many clips (as Empty Video Latent's batch). */
export const MAX_SHOTS = 16;

export default defineNode({
  type: "t2v.Storyboard",
  version: 1,
  title: "Storyboard",
  category: "conditioning",
  description: "Several shots in one node: one prompt per line → CONDITIONING with a prompt per shot and a LATENT with one clip per shot. Sampler → Decode makes every shot at once; Concatenate Videos joins them with cuts or crossfades.",
  inputs: { clip: { type: TEXT_ENCODER } },
  params: {
    shots: p.multiline({ default: "a red ball rolls right on the grass\na blue box falls at night", description: "One prompt per line, one shot each (blank lines are skipped)", role: "prompt" }),
    frames: p.int({ default: 16, min: 1, max: 256, description: "Frames per shot" }),
    fps: p.int({ default: 8, min: 1, max: 60 }),
    seed: p.seed({ default: 1 }),
  },
  outputs: { CONDITIONING, LATENT },
  run: async (ctx, { clip, shots, frames, fps, seed }) => {
    const prompts = shots.split("\n").map((s) => s.trim()).filter(Boolean);
    if (prompts.length === 0) throw new Error("shots: write one prompt per line");
    if (prompts.length > MAX_SHOTS) throw new Error(`shots: ${prompts.length} lines; a storyboard takes at most ${MAX_SHOTS} shots (chain Concatenate Videos for more)`);
    const pack = clip.pack;
    // Every shot's tokens as one batch: one text-encoder call gives a row of features per shot.
    const tokens = prompts.map((prompt) => pack.tokenize(prompt));
    const length = tokens[0]!.ids.length;
    const ids = new BigInt64Array(prompts.length * length);
    tokens.forEach((t, i) => ids.set(t.ids, i * length));
    const unknown = new Set(tokens.flatMap((t) => t.unknown));
    const features = await pack.encodeText(ids, prompts.length);
    ctx.progress(1, 1);
    const conditioning: Conditioning = { pack: pack.name, prompt: prompts.join("\n"), features, unknown: [...unknown], shots: prompts };
    const latent: Latent = { ...packFrameSize(pack.manifest), frames, fps, batch: prompts.length, seed };
    const notes = unknown.size ? [`not in the model's vocabulary: ${[...unknown].join(", ")}`] : [];
    return { outputs: { CONDITIONING: conditioning, LATENT: latent }, ui: { shots: [prompts.length], ...(notes.length ? { text: notes } : {}) } };
  },
});
