import { FRAMES } from "../../core/node/sockets.ts";
import { defineNode } from "../../core/node/definition.ts";
import "../model/values.ts";

export default defineNode({
  type: "t2v.PreviewFrames",
  version: 1,
  title: "Preview Frames",
  category: "video",
  description: "Shows frames in the editor as a looping animation without writing a file.",
  aliases: ["PreviewImage"],
  inputs: { frames: { type: FRAMES } },
  params: {},
  outputs: {},
  output: true,
  run: (ctx, { frames }) => {
    const { width, height, rgb } = frames;
    const size = width * height * 3;
    const clip = Array.from({ length: frames.frames }, (_, i) => rgb.subarray(i * size, (i + 1) * size));
    ctx.preview({ frames: clip, width, height, frameCount: frames.frames });
    return { outputs: {}, ui: { frames: [{ width, height, count: frames.frames, batch: frames.batch, fps: frames.fps }] } };
  },
});
