import { findPack, packChoices } from "../model/pack.ts";
import { DEFAULT_PACK, packParam, SHIPPED_MODELS } from "../model/roots.ts";
import { DECODER, ENCODER, MODEL, TEXT_ENCODER } from "../../core/node/sockets.ts";
import { defineNode, p, showNotes } from "../../core/node/definition.ts";
import "../model/values.ts";

/** Load Model over the model folders `modelRoots` (the same array as services.modelRoots, read at each use). */
export const loadModelNode = (modelRoots: readonly string[]) =>
  defineNode({
    type: "t2v.LoadModel",
    version: 1,
    title: "Load Model",
    category: "loaders",
    description: "Opens a model pack (models/ or the user models folder) by its manifest. Sessions are created once and shared by every job until freed.",
    aliases: ["CheckpointLoaderSimple"],
    inputs: {},
    params: {
      pack: packParam(modelRoots, "video", DEFAULT_PACK, { description: "Model pack folder name", role: "model" }),
      device: p.choice(["cpu", "cuda"], { default: "cpu", description: "Execution provider" }),
      if_unavailable: p.choice(["fall back to cpu", "fail"], { default: "fall back to cpu", description: "What to do when CUDA is asked for but not available" }),
    },
    outputs: { MODEL, TEXT_ENCODER, DECODER, ENCODER },
    run: async (ctx, { pack, device, if_unavailable }) => {
      const found = findPack(ctx.services.modelRoots, pack);
      if (!found) {
        const known = packChoices(ctx.services.modelRoots).join(", ") || "none";
        throw new Error(`pack: no model pack named "${pack}" (available: ${known})`);
      }
      if (found.error) throw new Error(`pack: ${found.error}`);
      const loaded = await ctx.services.models.get(found.dir, device, if_unavailable === "fall back to cpu");
      await loaded.encodeText(loaded.tokenize("").ids, 1); // open the first session now, so a CUDA fallback is known
      const ref = { pack: loaded };
      return { outputs: { MODEL: ref, TEXT_ENCODER: ref, DECODER: ref, ENCODER: ref }, ui: showNotes(ctx, loaded.notes) };
    },
  });

export default loadModelNode([SHIPPED_MODELS]);
