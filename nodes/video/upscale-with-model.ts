import { FRAMES, UPSCALE_MODEL } from "../../core/node/sockets.ts";
import { defineNode, p } from "../../core/node/definition.ts";
import { MAX_SIDE } from "./upscale-frames.ts";
import "../model/values.ts";

export default defineNode({
  type: "t2v.UpscaleWithModel",
  version: 1,
  title: "Upscale With Model",
  category: "video",
  description:
    "Enlarges every frame with a learned upscaler (Load Upscale Model), each frame seeing its neighbours for a steady picture. Any length and batch; worked in tiles that overlap by the network's reach, so the tile size changes memory use, not the result.",
  aliases: ["ImageUpscaleWithModel"],
  inputs: { upscale_model: { type: UPSCALE_MODEL }, image: { type: FRAMES } },
  params: {
    tile: p.int({ default: 128, min: 16, max: 1024, step: 16, description: "Tile side in input pixels; smaller uses less memory" }),
  },
  outputs: { FRAMES },
  run: async (ctx, { upscale_model: model, image, tile }) => {
    const [w, h] = [image.width * model.scale, image.height * model.scale];
    if (w > MAX_SIDE || h > MAX_SIDE) throw new Error(`image: ${image.width}×${image.height} would become ${w}×${h}, larger than ${MAX_SIDE} px a side`);
    const out = await model.upscale(image, { tile, signal: ctx.signal, progress: (done, total) => ctx.progress(done, total) });
    return { outputs: { FRAMES: out } };
  },
});
