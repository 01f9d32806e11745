import { FRAMES } from "../../core/node/sockets.ts";
import { defineNode, p } from "../../core/node/definition.ts";
import { FITS } from "../media/input-file.ts";
import { concatenate, shotsOf, TRANSITIONS } from "./concatenate.ts";

export default defineNode({
  type: "t2v.ConcatenateVideos",
  version: 1,
  title: "Concatenate Videos",
  category: "video",
  description: "Joins shots into one clip: video_1, then video_2 … (each input's batch in order, so a Storyboard's shots join too), with cuts or crossfades. Sizes follow the first shot (others resized with the chosen fit); frame rates must match.",
  inputs: {
    video_1: { type: FRAMES },
    video_2: { type: FRAMES, optional: true },
    video_3: { type: FRAMES, optional: true },
    video_4: { type: FRAMES, optional: true },
  },
  params: {
    transition: p.choice(TRANSITIONS, { default: "cut" }),
    crossfade_frames: p.int({ default: 4, min: 1, max: 64, description: "With transition = crossfade: frames each join overlaps" }),
    fit: p.choice(FITS, { default: "crop", description: "A shot of another size: crop, pad or stretch to the first shot's size" }),
  },
  outputs: { FRAMES },
  run: async (ctx, { video_1, video_2, video_3, video_4, transition, crossfade_frames, fit }) => {
    const shots = shotsOf([["video_1", video_1], ["video_2", video_2], ["video_3", video_3], ["video_4", video_4]]);
    const out = await concatenate(shots, { transition, crossfade: crossfade_frames, fit, signal: ctx.signal });
    ctx.preview({ frames: out.rgb.subarray(0, out.frames * out.width * out.height * 3), width: out.width, height: out.height, frameCount: out.frames });
    return { outputs: { FRAMES: out }, ui: { shots: [shots.length], frames: [out.frames] } };
  },
});
