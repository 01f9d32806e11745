import { fromEncoderOutput, rgb8ToPlanar } from "../model/convert.ts";
import { ENCODER, FRAMES, LATENT } from "../../core/node/sockets.ts";
import { defineNode, p } from "../../core/node/definition.ts";
import type { Latent } from "../model/values.ts";

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
    const m = vae.pack.manifest;
    const f = m.latent.spatial_factor;
    if (frames.width % f !== 0 || frames.height % f !== 0) {
      throw new Error(`frames: ${frames.width}×${frames.height} is not a multiple of the encoder's ${f}× compression`);
    }
    const n = frames.batch * frames.frames;
    const z = await vae.pack.encode(rgb8ToPlanar(frames.rgb, n, frames.height, frames.width, m.rgb_range), n);
    ctx.progress(1, 1);
    const h = frames.height / f, w = frames.width / f;
    const data = fromEncoderOutput(z, frames.batch, frames.frames, m, h, w);
    const latent: Latent = {
      width: frames.width, height: frames.height, frames: frames.frames, batch: frames.batch, fps: frames.fps, seed,
      samples: { data, shape: [frames.batch, m.latent.channels, frames.frames, h, w] },
    };
    return { outputs: { LATENT: latent } };
  },
});
