import { describe, expect, it } from "vitest";
import type { Frames } from "../../core/node/definition.ts";
import type { Workflow } from "../../core/engine/index.ts";
import { sampleClip } from "../../nodes/generate/sample-clip.ts";
import { planWindows } from "../../nodes/generate/windows.ts";
import { createNoise, euler } from "../../nodes/sampling/index.ts";
import { testEngine, template, withParams } from "./helpers.ts";

const link = (id: string, from: string, output: string, to: string, input: string) => ({ id, from: { node: from, output }, to: { node: to, input } });

/** The template's clip (nodes 1–7, 4 steps) and a second sampler fed by `latentNode`, decoded by node 17. */
function chained(extra: Workflow["nodes"], latentLinks: Workflow["links"]): Workflow {
  const base = withParams(template(), "5", { steps: 4 });
  const nodes = base.nodes.filter((n) => Number(n.id) <= 7);
  const links = base.links.filter((l) => Number(l.from.node) <= 7 && Number(l.to.node) <= 7);
  const pos = { x: 0, y: 0 };
  return {
    ...base,
    nodes: [
      ...nodes,
      ...extra.map((n) => ({ ...n, position: pos })),
      { id: "16", type: "t2v.Sampler", params: { sampler_name: "euler", cfg: 3, seed: 0 }, position: pos },
      { id: "17", type: "t2v.Decode", params: { frames_per_call: 16 }, position: pos },
    ],
    links: [
      ...links,
      ...latentLinks,
      link("l20", "1", "MODEL", "16", "model"),
      link("l21", "2", "CONDITIONING", "16", "positive"),
      link("l22", "3", "CONDITIONING", "16", "negative"),
      link("l23", "5", "SIGMAS", "16", "sigmas"),
      link("l24", "16", "LATENT", "17", "samples"),
      link("l25", "1", "DECODER", "17", "vae"),
    ],
  };
}

async function framesOf(wf: Workflow, nodes: string[]): Promise<{ frames: Record<string, Frames>; ui: Record<string, unknown> }> {
  const engine = testEngine();
  const frames: Record<string, Frames> = {};
  const off = engine.on("node_done", (e) => {
    if (e.type === "node_done" && nodes.includes(e.nodeId)) frames[e.nodeId] = (e.outputs as { FRAMES: Frames }).FRAMES;
  });
  const r = await engine.run(wf, { targets: ["17"] });
  off();
  if (r.status !== "success") throw new Error(`run failed: ${r.error?.message}`);
  return { frames, ui: r.outputs };
}

/** PSNR in dB between two frames' 8-bit pixels. */
function psnr(a: Uint8Array, b: Uint8Array): number {
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i]! - b[i]!) ** 2;
  return 10 * Math.log10((255 * 255) / Math.max(se / a.length, 1e-9));
}

const frameOf = (f: Frames, t: number) => f.rgb.subarray(t * f.width * f.height * 3, (t + 1) * f.width * f.height * 3);

describe("windows over a long clip", () => {
  it("plans windows that cover every frame to make, each continuing the one before", () => {
    expect(planWindows(16, 16, [], 4)).toEqual([0]);
    expect(planWindows(40, 16, [], 4)).toEqual([0, 12, 24]);
    expect(planWindows(64, 16, [], 4)).toEqual([0, 12, 24, 36, 48]);
    // extend: 16 given frames, 8 new, continuing from the last 4 given
    expect(planWindows(24, 16, Array(16).fill(true), 4)).toEqual([8]);
    expect(planWindows(20, 16, Array(20).fill(true), 4)).toEqual([]);
  });

  it("keeps given frames exactly, continues each window from the last, and reports progress over the whole clip", async () => {
    const T = 40, frameSize = 2, rows = 3;
    const given = Array.from({ length: T }, (_, t) => t < 2);
    const data = Float32Array.from({ length: rows * T * frameSize }, (_, k) => (given[Math.floor(k / frameSize) % T] ? 0.5 + (k % 7) / 10 : 0));
    const seen: { at: number; mask: number[] }[] = [];
    const progress: [number, number][] = [];
    const { latent, windows, steps } = await sampleClip({
      shape: [1, rows, T, 1, frameSize],
      window: 16,
      overlap: 4,
      sigmas: [10, 5, 1, 0],
      noise: createNoise(3).randn(rows * T * frameSize),
      known: { data, given },
      sampler: euler,
      stepNoise: createNoise(4),
      signal: new AbortController().signal,
      reimpose: true,
      denoiser: (plan) => {
        seen.push({ at: plan.start, mask: [...plan.mask] });
        return async (x) => new Float64Array(x.length).fill(plan.start); // every window makes its frames its own start
      },
      onStep: (_clip, done, total) => progress.push([done, total]),
    });
    expect(windows).toBe(3);
    expect(steps).toBe(9);
    expect(seen.map((s) => s.at)).toEqual([0, 12, 24]);
    expect(seen[0]!.mask.slice(0, 3)).toEqual([1, 1, 0]);
    expect(seen[1]!.mask).toEqual([1, 1, 1, 1, ...Array(12).fill(0)]);
    for (let r = 0; r < rows; r++) for (let k = 0; k < 2 * frameSize; k++) expect(latent[r * T * frameSize + k]).toBeCloseTo(data[r * T * frameSize + k]!, 6);
    // the overlap frames of the second window are the first window's result, unchanged
    const frame = (t: number) => latent[t * frameSize]!;
    expect([frame(2), frame(13), frame(15), frame(16), frame(27), frame(28), frame(39)]).toEqual([0, 0, 0, 12, 12, 24, 24]);
    expect(progress.at(-1)).toEqual([9, 9]);
    expect(progress.map(([d]) => d)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe("longer clips and media in, on the shipped pack", { timeout: 600_000 }, () => {
  it("Empty Video Latent with 40 frames gives a 40-frame clip made in three windows", async () => {
    const wf = withParams(withParams(template(), "5", { steps: 4 }), "4", { frames: 40 });
    const engine = testEngine();
    const previews: number[] = [];
    const off = engine.on("preview", (e) => { if (e.type === "preview") previews.push(e.preview.frameCount); });
    let frames: Frames | undefined;
    const off2 = engine.on("node_done", (e) => { if (e.type === "node_done" && e.nodeId === "7") frames = (e.outputs as { FRAMES: Frames }).FRAMES; });
    const r = await engine.run(wf, { targets: ["7"] });
    off(); off2();
    expect(r.status).toBe("success");
    expect(r.outputs["6"]).toMatchObject({ windows: [3], steps: [12], model_calls: [12] });
    expect(frames?.frames).toBe(40);
    expect(previews.length).toBe(12);
    expect(previews.every((n) => n === 40)).toBe(true);
  });

  it("Image To Video starts the clip on the image; Extend Video keeps the source and adds frames", async () => {
    const pos = { x: 0, y: 0 };
    const i2v = chained(
      [
        { id: "14", type: "t2v.EmptyVideoLatent", params: { width: 64, height: 64, frames: 16, fps: 8, batch: 1, seed: 7 }, position: pos },
        { id: "15", type: "t2v.ImageToVideo", params: {}, position: pos },
      ],
      [link("l30", "1", "ENCODER", "15", "vae"), link("l31", "7", "FRAMES", "15", "start_image"), link("l32", "14", "LATENT", "15", "latent"), link("l33", "15", "LATENT", "16", "latent_image")],
    );
    const a = await framesOf(i2v, ["7", "17"]);
    const source = a.frames["7"]!, made = a.frames["17"]!;
    expect(made.frames).toBe(16);
    expect(psnr(frameOf(made, 0), frameOf(source, 0))).toBeGreaterThan(28);
    expect(a.ui["16"]).toMatchObject({ text: [expect.stringMatching(/no known-frames input: the given frames are re-imposed/)] });

    const extend = chained(
      [{ id: "15", type: "t2v.ExtendVideo", params: { frames: 8, context: 4, seed: 3 }, position: pos }],
      [link("l30", "1", "ENCODER", "15", "vae"), link("l31", "7", "FRAMES", "15", "video"), link("l33", "15", "LATENT", "16", "latent_image")],
    );
    const b = await framesOf(extend, ["7", "17"]);
    const longer = b.frames["17"]!;
    expect(longer.frames).toBe(24);
    for (const t of [0, 8, 15]) expect(psnr(frameOf(longer, t), frameOf(b.frames["7"]!, t))).toBeGreaterThan(28);
    expect(b.ui["16"]).toMatchObject({ windows: [1] });
  });
});
