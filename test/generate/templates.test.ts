// The media-in templates run as shipped, with a real image and a real clip in the input folder: a
// blue box at night, while the templates' prompts ask for a ball on the grass, so what the output
// shares with the source came from the source.
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import type { Frames } from "../../core/node/definition.ts";
import { createEngine, type Workflow } from "../../core/engine/index.ts";
import { registry } from "../../nodes/index.ts";
import { renderScene } from "../../nodes/physics/clip.ts";
import { resolveScene } from "../../nodes/physics/describe.ts";
import { parsePrompt } from "../../nodes/physics/parse.ts";
import { runFfmpeg, writeChunk } from "../../nodes/video/ffmpeg.ts";
import { createServices } from "../../server/services.ts";
import { template, withParams } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "t2v-templates-"));
const input = join(dir, "input");
let truth: Uint8Array;
const SIZE = 64 * 64 * 3;

beforeAll(async () => {
  mkdirSync(input, { recursive: true });
  const clip = await renderScene(resolveScene(parsePrompt("a large blue box slides right at night").description, 5));
  truth = clip.render.rgb;
  await sharp(truth.subarray(0, SIZE), { raw: { width: 64, height: 64, channels: 3 } }).png().toFile(join(input, "start.png"));
  await runFfmpeg({
    args: ["-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "64x64", "-r", "8", "-i", "pipe:0", "-c:v", "libx264", "-qp", "0", "-pix_fmt", "yuv444p", "-y", join(input, "source.mp4")],
    feed: (stdin) => writeChunk(stdin, truth),
  });
});

/** Runs a template (steps lowered) to its Decode node; the decoded frames and the run's ui. */
async function run(wf: Workflow): Promise<{ frames: Frames; ui: Record<string, unknown> }> {
  const engine = createEngine({ registry, services: createServices({ outputDir: join(dir, "output"), tempDir: join(dir, "temp"), inputDir: input }) });
  let frames: Frames | undefined;
  const off = engine.on("node_done", (e) => {
    if (e.type === "node_done" && e.nodeType === "t2v.Decode") frames = (e.outputs as { FRAMES: Frames }).FRAMES;
  });
  const r = await engine.run(withParams(wf, "5", { steps: 6 }), { targets: ["7"] });
  off();
  if (r.status !== "success") throw new Error(`run failed: ${r.error?.message}`);
  return { frames: frames!, ui: r.outputs };
}

/** Mean absolute difference per value between two frames. */
const mad = (a: Uint8Array, b: Uint8Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]!), 0) / a.length;

describe("media-in templates", () => {
  it("image-to-video starts its clip on the uploaded image", async () => {
    const { frames } = await run(withParams(template("image-to-video.json"), "20", { image: "start.png" }));
    expect(frames.frames).toBe(16);
    expect(mad(frames.rgb.subarray(0, SIZE), truth.subarray(0, SIZE))).toBeLessThan(3);
  }, 60_000);

  it("extend-video keeps the clip and adds 16 frames after it", async () => {
    const { frames } = await run(withParams(template("extend-video.json"), "20", { video: "source.mp4" }));
    expect(frames.frames).toBe(32);
    expect(mad(frames.rgb.subarray(0, 16 * SIZE), truth)).toBeLessThan(3);
  }, 60_000);

  it("video-to-video stays nearer the source than the same prompt from noise", async () => {
    const v2v = await run(withParams(template("video-to-video.json"), "20", { video: "source.mp4" }));
    expect(v2v.frames.frames).toBe(16);
    const fromNoise = await run(withParams(template("text-to-video.json"), "2", { text: "a blue ball rolls right on the grass" }));
    expect(mad(v2v.frames.rgb, truth)).toBeLessThan(0.5 * mad(fromNoise.frames.rgb, truth));
  }, 60_000);

  it("long-video makes 64 frames in 5 windows", async () => {
    const { frames, ui } = await run(template("long-video.json"));
    expect(frames.frames).toBe(64);
    expect((ui["6"] as { windows: number[] }).windows).toEqual([5]);
  }, 120_000);
});
