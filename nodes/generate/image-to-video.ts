import { ENCODER, FRAMES, LATENT } from "../../core/node/sockets.ts";
import { defineNode } from "../../core/node/definition.ts";
import type { Latent } from "../model/values.ts";
import { checkSize, encodeFrames } from "./encode-frames.ts";
import { latentShape } from "./shape.ts";
import { sliceFrames, writeFrames } from "./windows.ts";

export default defineNode({
  type: "t2v.ImageToVideo",
  version: 1,
  title: "Image To Video",
  category: "latent",
  description: "An image becomes the first frame of the clip the sampler makes: IMAGE (first frame of FRAMES) + an empty LATENT → LATENT with that frame given. The rest follows the prompt.",
  inputs: {
    vae: { type: ENCODER },
    start_image: { type: FRAMES, description: "Its first frame starts the clip (one per clip of the batch, repeated if fewer)" },
    latent: { type: LATENT, description: "The clip to make (Empty Video Latent: size, frames, seed)" },
  },
  params: {},
  outputs: { LATENT },
  run: async (ctx, { vae, start_image, latent }) => {
    checkSize(start_image, latent.width, latent.height, "start_image");
    const shape = latentShape(latent, vae.pack.manifest);
    const [batch, c, frames, h, w] = shape;
    const first: typeof start_image = { ...start_image, frames: 1, rgb: sliceFrames(start_image.rgb, start_image.frames, start_image.width * start_image.height * 3, 0, 1) };
    const image = await encodeFrames(vae, first, "start_image");
    ctx.progress(1, 1);
    const data = new Float32Array(batch * c * frames * h * w);
    const per = c * h * w;
    for (let b = 0; b < batch; b++) {
      const from = b % start_image.batch;
      writeFrames(data.subarray(b * c * frames * h * w, (b + 1) * c * frames * h * w), frames, h * w, 0, image.data.subarray(from * per, (from + 1) * per), 1);
    }
    const given = Array.from({ length: frames }, (_, t) => t === 0);
    const out: Latent = { ...latent, known: { data, given } };
    return { outputs: { LATENT: out } };
  },
});
