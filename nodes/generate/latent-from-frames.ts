import { ENCODER, FRAMES, LATENT } from "../../core/node/sockets.ts";
import { defineNode, p } from "../../core/node/definition.ts";
import type { Latent } from "../model/values.ts";
import { encodeFrames } from "./encode-frames.ts";

export default defineNode({
  type: "t2v.LatentFromFrames",
  version: 1,
  title: "Latent From Frames",
  category: "latent",
  description: "FRAMES → LATENT through the pack's encoder, for video-to-video: give the sampler a denoise below 1 to keep the structure.",
  aliases: ["VAEEncode"],
  inputs: { vae: { type: ENCODER }, frames: { type: FRAMES } },
  params: { seed: p.seed({ default: 1 }) },
  outputs: { LATENT },
  run: async (ctx, { vae, frames, seed }) => {
    const { data, shape } = await encodeFrames(vae, frames, "frames");
    ctx.progress(1, 1);
    const latent: Latent = {
      width: frames.width, height: frames.height, frames: frames.frames, batch: frames.batch, fps: frames.fps, seed,
      samples: { data, shape },
    };
    return { outputs: { LATENT: latent } };
  },
});
