// A worked example of a custom node: it imports the public node API (core/index.ts) and nothing
// else of the studio's. docs/nodes-api.md walks through it; test/core/example-pack.test.ts runs it.
import { defineNode, FRAMES, p, type Frames } from "../../core/index.ts";

/** Scales each frame's brightness from `from` to 1 over the first `over` frames (a fade-in). */
export function fadeIn(clip: Frames, over: number, from: number): Frames {
  const frameBytes = clip.width * clip.height * 3;
  const rgb = new Uint8Array(clip.rgb.length);
  for (let b = 0; b < clip.batch; b++) {
    for (let f = 0; f < clip.frames; f++) {
      const gain = f >= over ? 1 : from + ((1 - from) * f) / over;
      const start = (b * clip.frames + f) * frameBytes;
      for (let i = start; i < start + frameBytes; i++) rgb[i] = Math.round(clip.rgb[i] * gain);
    }
  }
  return { ...clip, rgb };
}

export default defineNode({
  type: "example.FadeIn",
  version: 1,
  title: "Fade In",
  category: "video/effects",
  description: "Fades the clip in from black over its first frames.",
  inputs: { frames: { type: FRAMES } },
  params: {
    over: p.int({ default: 8, min: 1, max: 1024, description: "frames the fade lasts" }),
    from: p.slider({ default: 0, min: 0, max: 1, step: 0.05, description: "brightness of the first frame" }),
  },
  outputs: { FRAMES },
  run: (ctx, { frames, over, from }) => {
    ctx.signal.throwIfAborted();
    ctx.log.debug({ over, from }, "fading in");
    return { outputs: { FRAMES: fadeIn(frames, over, from) } };
  },
});
