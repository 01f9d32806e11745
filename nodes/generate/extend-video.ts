import { ENCODER, FRAMES, LATENT } from "../../core/node/sockets.ts";
import { defineNode, p } from "../../core/node/definition.ts";
import type { Latent } from "../model/values.ts";
import { encodeFrames } from "./encode-frames.ts";
import { writeFrames } from "./windows.ts";

export default defineNode({
  type: "t2v.ExtendVideo",
  version: 1,
  title: "Extend Video",
  category: "latent",
  description: "Continues a clip: FRAMES (generated, or from Load Video) → a LATENT of the whole clip plus `frames` new ones, the source given. The sampler makes the new part from the source's last `context` frames and the prompt; Decode gives the whole continued clip, ready to extend again.",
  inputs: {
    vae: { type: ENCODER },
    video: { type: FRAMES },
  },
  params: {
    frames: p.int({ default: 16, min: 1, max: 256, description: "New frames to add" }),
    context: p.int({ default: 4, min: 1, max: 15, description: "The source's last frames the new part continues from (they overlap its start)" }),
    seed: p.seed({ default: 1 }),
  },
  outputs: { LATENT },
  run: async (ctx, { vae, video, frames, context, seed }) => {
    const m = vae.pack.manifest;
    if (m.latent.temporal_factor !== 1) throw new Error(`vae: model "${m.name}" compresses time (${m.latent.temporal_factor}×); Extend Video needs one latent frame per frame`);
    const source = await encodeFrames(vae, video, "video");
    ctx.progress(1, 1);
    const [batch, c, have, h, w] = source.shape;
    const total = have + frames;
    const data = new Float32Array(batch * c * total * h * w);
    writeFrames(data, total, h * w, 0, source.data, have);
    const given = Array.from({ length: total }, (_, t) => t < have);
    const out: Latent = {
      width: video.width, height: video.height, frames: total, batch, fps: video.fps, seed,
      known: { data, given, context: Math.min(context, have) },
    };
    return { outputs: { LATENT: out } };
  },
});
