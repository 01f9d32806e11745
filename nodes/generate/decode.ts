import { planarToRgb8, toDecoderInput } from "../model/convert.ts";
import { DECODER, FRAMES, LATENT } from "../../core/node/sockets.ts";
import { defineNode, p } from "../../core/node/definition.ts";
import "../model/values.ts";

export default defineNode({
  type: "t2v.Decode",
  version: 1,
  title: "Decode",
  category: "latent",
  description: "LATENT → FRAMES through the pack's decoder, a few frames per call, with progress.",
  aliases: ["VAEDecode"],
  inputs: { vae: { type: DECODER }, samples: { type: LATENT } },
  params: { frames_per_call: p.int({ default: 16, min: 1, max: 256, description: "Decoder batch size" }) },
  outputs: { FRAMES },
  run: async (ctx, { vae, samples, frames_per_call }) => {
    const m = vae.pack.manifest;
    if (!samples.samples) throw new Error("samples: this latent is empty; run it through a sampler first");
    const shape = samples.samples.shape;
    const raw = toDecoderInput(samples.samples.data, shape, m);
    const [b, c, t, h, w] = shape;
    const n = b * t;
    const H = h * m.latent.spatial_factor, W = w * m.latent.spatial_factor;
    const rgb = new Uint8Array(n * H * W * 3);
    const per = c * h * w;
    for (let i = 0; i < n; i += frames_per_call) {
      ctx.signal.throwIfAborted();
      const k = Math.min(frames_per_call, n - i);
      const out = await vae.pack.decode(raw.subarray(i * per, (i + k) * per), k);
      rgb.set(planarToRgb8(out, k, H, W, m.rgb_range), i * H * W * 3);
      ctx.progress(i + k, n);
    }
    return { outputs: { FRAMES: { rgb, width: W, height: H, frames: t, batch: b, fps: samples.fps } } };
  },
});
