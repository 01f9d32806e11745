import { FRAMES, VIDEO } from "../../core/node/sockets.ts";
import { defineNode, p, type FileRef, type NodeContext } from "../../core/node/definition.ts";
import type { Frames } from "../model/values.ts";
import { burnAiMark, markBox } from "./ai-mark.ts";
import { encodedSize, writeClip } from "./encode.ts";
import { release, reserveFile } from "./output-path.ts";
import { createRecord, packHash, type ProvenanceRecord } from "./provenance.ts";
import { summarizeWorkflow, type WorkflowSummary } from "./summarize.ts";
import { VIDEO_FORMATS, VIDEO_MIME } from "./values.ts";
import "../model/values.ts";

/** Frame indices of one pass: forward, or forward then back without repeating either end. */
export function playOrder(frames: number, pingpong: boolean): number[] {
  const forward = Array.from({ length: frames }, (_, i) => i);
  return pingpong ? [...forward, ...forward.slice(1, -1).reverse()] : forward;
}

const NO_SUMMARY: WorkflowSummary = { model: { pack: null }, prompt: null, negative_prompt: null, seed: null, sampler: null };

/** One record per clip; the summary comes from the running workflow when the engine gives one. */
export function recordsFor(ctx: NodeContext, batch: number): ProvenanceRecord[] {
  const summary = ctx.workflow ? summarizeWorkflow(ctx.workflow, ctx.nodeId, (type) => ctx.definitionOf?.(type)) : NO_SUMMARY;
  const modelHash = packHash(ctx.services.modelRoots ?? [], summary.model.pack);
  const created = new Date();
  return Array.from({ length: batch }, (_, b) => createRecord({ summary, modelHash, workflow: ctx.workflow, batchIndex: b, created }));
}

/** Frame getter for clip `b`: a view, or a marked copy (upstream values are shared, never mutated). */
export function frameGetter(f: Frames, b: number, order: number[], mark: boolean): (i: number) => Uint8Array {
  const size = f.width * f.height * 3;
  const box = mark ? markBox(f.width, f.height) : undefined;
  return (i) => {
    const start = (b * f.frames + order[i]) * size;
    const view = f.rgb.subarray(start, start + size);
    if (!box) return view;
    const copy = view.slice();
    burnAiMark(copy, f.width, f.height, box);
    return copy;
  };
}

export default defineNode({
  type: "t2v.VideoWriter",
  version: 1,
  title: "Video Writer",
  category: "video",
  description:
    "Writes each clip of the batch to a new file in the output folder (mp4 H.264, webm VP9, animated webp or gif), never overwriting. " +
    "Every file carries its provenance (AI-generated label, model, prompt, seed, sampler, the workflow) in its own metadata; `t2v inspect` reads it back.",
  inputs: { frames: { type: FRAMES } },
  params: {
    format: p.choice(VIDEO_FORMATS, { default: "mp4" }),
    fps: p.float({ default: 0, min: 0, max: 120, step: 0.5, description: "Frames per second; 0 keeps the clip's own rate" }),
    crf: p.int({ default: 18, min: 0, max: 63, description: "mp4/webm quality: lower is better and bigger (mp4 caps at 51)" }),
    quality: p.int({ default: 90, min: 1, max: 100, description: "webp quality" }),
    loop: p.int({ default: 0, min: 0, max: 1000, description: "webp/gif: times to play, 0 = forever" }),
    pingpong: p.toggle({ default: false, description: "Play forward then backward" }),
    filename_prefix: p.text({ default: "t2v", description: 'Name before the counter; "clips/run" writes output/clips/run_00001.mp4' }),
    ai_mark: p.toggle({ default: true, description: 'Burn a small "AI-GENERATED" label into the bottom-right corner' }),
  },
  outputs: { VIDEO },
  output: true,
  run: async (ctx, { frames, format, fps, crf, quality, loop, pingpong, filename_prefix, ai_mark }) => {
    const rate = fps > 0 ? fps : frames.fps;
    if (!(rate > 0)) throw new Error(`fps: the clip has no frame rate (${frames.fps}); set fps`);
    if (frames.frames < 1 || frames.batch < 1) throw new Error("frames: the clip is empty");
    if (ai_mark && !markBox(frames.width, frames.height)) ctx.log.warn(`frames are ${frames.width}×${frames.height}: too small for the AI-GENERATED mark`);
    const order = playOrder(frames.frames, pingpong);
    const records = recordsFor(ctx, frames.batch);
    const files: FileRef[] = [];
    for (let b = 0; b < frames.batch; b++) {
      const reserved = await reserveFile(ctx.services.paths.output, filename_prefix, format);
      try {
        await writeClip({
          format, path: reserved.path, width: frames.width, height: frames.height, fps: rate,
          count: order.length, frame: frameGetter(frames, b, order, ai_mark), record: records[b],
          crf, quality, loop, signal: ctx.signal,
          onFrame: (done) => ctx.progress(b * order.length + done, frames.batch * order.length),
        });
      } catch (err) {
        await release(reserved);
        throw err;
      }
      files.push(reserved.ref);
    }
    const size = encodedSize(format, frames.width, frames.height);
    return {
      outputs: { VIDEO: { files, format, fps: rate, frames: order.length, ...size } },
      // ComfyUI core's listing (SaveVideo: images + animated) and VideoHelperSuite's (gifs).
      ui: { images: files, animated: [true], gifs: files.map((f) => ({ ...f, format: VIDEO_MIME[format], frame_rate: rate })) },
    };
  },
});
