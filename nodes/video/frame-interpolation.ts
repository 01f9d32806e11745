import { FRAMES } from "../../core/node/sockets.ts";
import { defineNode, p } from "../../core/node/definition.ts";
import { INTERPOLATION_METHODS, interpolateFrames } from "./interpolate.ts";

export default defineNode({
  type: "t2v.FrameInterpolation",
  version: 1,
  title: "Frame Interpolation",
  category: "video",
  description: "Raises the frame rate: `multiplier − 1` new frames between each pair (8 fps × 3 = 24 fps); every source frame is kept, so N frames become (N − 1) × multiplier + 1. motion: motion-compensated (ffmpeg's minterpolate), the best on true renders (npm run eval -- --interpolate); blend: cross-fades; repeat: holds each frame.",
  aliases: ["RIFE VFI", "FILM VFI"],
  aliasWidgets: {
    // ComfyUI-Frame-Interpolation: ckpt_name, clear_cache_after_n_frames, multiplier, …
    "RIFE VFI": [null, null, "multiplier"],
    "FILM VFI": [null, null, "multiplier"],
  },
  inputs: { frames: { type: FRAMES } },
  params: {
    multiplier: p.int({ default: 3, min: 2, max: 8, description: "Output frame rate ÷ input frame rate" }),
    method: p.choice(INTERPOLATION_METHODS, { default: "motion" }),
  },
  outputs: { FRAMES },
  run: async (ctx, { frames, multiplier, method }) => {
    const out = await interpolateFrames(frames, multiplier, method, { signal: ctx.signal, onClip: (done, total) => ctx.progress(done, total) });
    ctx.preview({ frames: out.rgb.subarray(0, out.frames * out.width * out.height * 3), width: out.width, height: out.height, frameCount: out.frames });
    return { outputs: { FRAMES: out }, ui: { fps: [out.fps], frames: [out.frames] } };
  },
});
