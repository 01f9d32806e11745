import { findPack, packChoices } from "../model/pack.ts";
import { packParam, SHIPPED_MODELS } from "../model/roots.ts";
import { UPSCALE_MODEL } from "../../core/node/sockets.ts";
import { defineNode, p, showNotes } from "../../core/node/definition.ts";
import "../model/values.ts";

export const DEFAULT_UPSCALER = "physics-tiny-upscaler";

/** Load Upscale Model over the model folders `modelRoots` (the same array as services.modelRoots, read at each use). */
export const loadUpscaleModelNode = (modelRoots: readonly string[]) =>
  defineNode({
    type: "t2v.LoadUpscaleModel",
    version: 1,
    title: "Load Upscale Model",
    category: "loaders",
    description: "Opens an upscaler pack (a manifest with kind \"upscaler\" in models/ or the user models folder). The session is created once and shared by every job until freed.",
    aliases: ["UpscaleModelLoader"],
    inputs: {},
    params: {
      model_name: packParam(modelRoots, "upscaler", DEFAULT_UPSCALER, { description: "Upscaler pack folder name" }),
      device: p.choice(["cpu", "cuda"], { default: "cpu", description: "Execution provider" }),
      if_unavailable: p.choice(["fall back to cpu", "fail"], { default: "fall back to cpu", description: "What to do when CUDA is asked for but not available" }),
    },
    outputs: { UPSCALE_MODEL },
    run: async (ctx, { model_name, device, if_unavailable }) => {
      const found = findPack(ctx.services.modelRoots, model_name, "upscaler");
      if (!found) {
        const known = packChoices(ctx.services.modelRoots, "upscaler").join(", ") || "none";
        throw new Error(`model_name: no upscaler pack named "${model_name}" (available: ${known})`);
      }
      if (found.error) throw new Error(`model_name: ${found.error}`);
      const upscaler = await ctx.services.models.upscaler(found.dir, device, if_unavailable === "fall back to cpu");
      return { outputs: { UPSCALE_MODEL: upscaler }, ui: showNotes(ctx, upscaler.notes) };
    },
  });

export default loadUpscaleModelNode([SHIPPED_MODELS]);
