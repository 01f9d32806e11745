import { LATENT } from "../../core/node/sockets.ts";
import { defineNode, p } from "../../core/node/definition.ts";
import "../model/values.ts";

export default defineNode({
  type: "t2v.EmptyVideoLatent",
  version: 1,
  title: "Empty Video Latent",
  category: "latent",
  description: "The noise source: an empty latent clip of the given size, with the seed of the noise the sampler starts from. Same seed and size → the same noise on every machine.",
  aliases: ["EmptyLatentImage"],
  aliasWidgets: { EmptyLatentImage: ["width", "height", "batch"] },
  inputs: {},
  params: {
    width: p.int({ default: 64, min: 8, max: 1024, step: 8 }),
    height: p.int({ default: 64, min: 8, max: 1024, step: 8 }),
    frames: p.int({ default: 16, min: 1, max: 256, step: 1 }),
    fps: p.int({ default: 8, min: 1, max: 60, step: 1 }),
    batch: p.int({ default: 1, min: 1, max: 16, step: 1 }),
    seed: p.seed({ default: 1 }),
  },
  outputs: { LATENT },
  run: (_ctx, { width, height, frames, fps, batch, seed }) => ({ outputs: { LATENT: { width, height, frames, fps, batch, seed } } }),
});
