import { describe, expect, it } from "vitest";
import type { Frames } from "../../core/node/definition.ts";
import type { Workflow } from "../../core/engine/index.ts";
import { renderScene } from "../../nodes/physics/clip.ts";
import { resolveScene } from "../../nodes/physics/describe.ts";
import { parsePrompt } from "../../nodes/physics/parse.ts";
import { concatenate, shotsOf } from "../../nodes/video/concatenate.ts";
import { interpolatedCount, interpolateFrames } from "../../nodes/video/interpolate.ts";
import { testEngine, template, withParams } from "./helpers.ts";

/** A clip of `n` frames of 4 × 2 pixels, frame t filled with value base + t. */
function flat(n: number, base: number, o: Partial<Frames> = {}): Frames {
  const width = o.width ?? 4, height = o.height ?? 2, batch = o.batch ?? 1;
  const rgb = new Uint8Array(batch * n * width * height * 3);
  for (let b = 0; b < batch; b++) for (let t = 0; t < n; t++) rgb.fill(base + 50 * b + t, (b * n + t) * width * height * 3, (b * n + t + 1) * width * height * 3);
  return { rgb, width, height, frames: n, batch, fps: o.fps ?? 8 };
}
const valueAt = (f: Frames, t: number) => f.rgb[t * f.width * f.height * 3]!;

describe("Concatenate Videos", () => {
  it("joins shots with cuts, each input's batch in order", async () => {
    const out = await concatenate(shotsOf([["video_1", flat(3, 10, { batch: 2 })], ["video_2", undefined], ["video_3", flat(2, 200)]]), { transition: "cut", crossfade: 4, fit: "crop" });
    expect(out.frames).toBe(8);
    expect(Array.from({ length: 8 }, (_, t) => valueAt(out, t))).toEqual([10, 11, 12, 60, 61, 62, 200, 201]);
  });

  it("crossfades overlap the joins with weights rising across them", async () => {
    const out = await concatenate(shotsOf([["video_1", flat(5, 0)], ["video_2", flat(5, 100)]]), { transition: "crossfade", crossfade: 3, fit: "crop" });
    expect(out.frames).toBe(7);
    // frames 2–4 of shot 1 (2, 3, 4) under frames 0–2 of shot 2 (100, 101, 102) at 1/4, 2/4, 3/4
    expect(Array.from({ length: 7 }, (_, t) => valueAt(out, t))).toEqual([0, 1, Math.round(2 * 0.75 + 100 * 0.25), Math.round(3 * 0.5 + 101 * 0.5), Math.round(4 * 0.25 + 102 * 0.75), 103, 104]);
  });

  it("resizes other sizes to the first shot's and refuses mixed frame rates by name", async () => {
    const out = await concatenate(shotsOf([["video_1", flat(2, 0)], ["video_2", flat(2, 90, { width: 8, height: 4 })]]), { transition: "cut", crossfade: 1, fit: "stretch" });
    expect([out.width, out.height, out.frames]).toEqual([4, 2, 4]);
    expect(valueAt(out, 3)).toBe(91);
    await expect(concatenate(shotsOf([["video_1", flat(2, 0)], ["video_2", flat(2, 0, { fps: 24 })]]), { transition: "cut", crossfade: 1, fit: "crop" })).rejects.toThrow(/video_2: 24 fps, but video_1 is 8 fps/);
    await expect(concatenate(shotsOf([["video_1", flat(2, 0)], ["video_2", flat(2, 0)]]), { transition: "crossfade", crossfade: 2, fit: "crop" })).rejects.toThrow(/video_1: a shot of 2 frames is too short/);
  });
});

describe("Frame Interpolation", () => {
  it("keeps every source frame and puts multiplier − 1 frames between each pair", async () => {
    const src = flat(4, 0, { batch: 2 });
    for (const method of ["blend", "repeat", "motion"] as const) {
      const out = await interpolateFrames(src, 3, method);
      expect([out.frames, out.fps, out.batch]).toEqual([interpolatedCount(4, 3), 24, 2]);
      expect(out.frames).toBe(10);
      for (let b = 0; b < 2; b++) for (let t = 0; t < 4; t++) expect(out.rgb[(b * 10 + 3 * t) * 24]).toBe(50 * b + t);
    }
    const blended = await interpolateFrames(flat(2, 0, { width: 4 }), 2, "blend");
    expect(valueAt(blended, 1)).toBe(1); // round(0.5 · 0 + 0.5 · 1)
    await expect(interpolateFrames(flat(1, 0), 2, "blend")).rejects.toThrow(/needs at least 2/);
  });

  it("motion in-betweens are closer to the true 24 fps render than held frames", async () => {
    const scene = resolveScene(parsePrompt("a red ball rolls right on the grass").description, 3);
    const truth = await renderScene(scene, { width: 64, height: 64, frames: 31, fps: 24 });
    const size = 64 * 64 * 3;
    const source = new Uint8Array(11 * size);
    for (let i = 0; i < 11; i++) source.set(truth.render.rgb.subarray(i * 3 * size, (i * 3 + 1) * size), i * size);
    const src: Frames = { rgb: source, width: 64, height: 64, frames: 11, batch: 1, fps: 8 };
    const err = (f: Frames) => {
      let se = 0;
      for (let t = 0; t < 31; t++) if (t % 3 !== 0) for (let i = 0; i < size; i++) se += (f.rgb[t * size + i]! - truth.render.rgb[t * size + i]!) ** 2;
      return se;
    };
    const motion = err(await interpolateFrames(src, 3, "motion"));
    expect(motion).toBeLessThan(err(await interpolateFrames(src, 3, "repeat")));
  });
});

/** The storyboard template at 6 steps with two shots, run to Concatenate Videos (node 21). */
async function storyboard(shots: string, patch: (wf: Workflow) => Workflow = (w) => w) {
  const wf = patch(withParams(withParams(template("storyboard.json"), "5", { steps: 6 }), "20", { shots }));
  const engine = testEngine();
  let decoded: Frames | undefined;
  const off = engine.on("node_done", (e) => {
    if (e.type === "node_done" && e.nodeId === "7") decoded = (e.outputs as { FRAMES: Frames }).FRAMES;
  });
  const r = await engine.run(wf, { targets: ["21"] });
  off();
  return { r, decoded };
}

/** Pixels of a clip that are clearly red and clearly blue. */
function redBlue(f: Frames, clip: number): { red: number; blue: number } {
  const per = f.frames * f.width * f.height;
  let red = 0, blue = 0;
  for (let i = clip * per; i < (clip + 1) * per; i++) {
    const [r, g, b] = [f.rgb[3 * i]!, f.rgb[3 * i + 1]!, f.rgb[3 * i + 2]!];
    if (r > 150 && g < 90 && b < 90) red++;
    if (b > 150 && r < 90 && g < 120) blue++;
  }
  return { red, blue };
}

describe("Storyboard", () => {
  it("samples one shot per line, each following its own prompt, and the template joins them", async () => {
    const { r, decoded } = await storyboard("a large red ball rolls right at night\n\na large blue ball rolls left at night");
    expect(r.status).toBe("success");
    expect(decoded?.batch).toBe(2);
    const [first, second] = [redBlue(decoded!, 0), redBlue(decoded!, 1)];
    expect(first.red).toBeGreaterThan(5 * first.blue + 20);
    expect(second.blue).toBeGreaterThan(5 * second.red + 20);
    expect(r.outputs["20"]).toEqual({ shots: [2] });
    expect(r.outputs["21"]).toEqual({ shots: [2], frames: [16 + 16 - 4] });
  }, 120_000);

  it("refuses a latent batch that does not match its shots, naming the input", async () => {
    const { r } = await storyboard("a red ball falls\na blue box falls", (wf) => ({
      ...wf,
      nodes: [...wf.nodes, { id: "30", type: "t2v.EmptyVideoLatent", params: { batch: 1 }, position: { x: 0, y: 0 } }],
      links: [...wf.links.filter((l) => !(l.to.node === "6" && l.to.input === "latent_image")), { id: "l30", from: { node: "30", output: "LATENT" }, to: { node: "6", input: "latent_image" } }],
    }));
    expect(r.status).toBe("error");
    expect(r.error?.message).toMatch(/positive: the storyboard has 2 shots, but the latent's batch is 1/);
  }, 60_000);
});
