import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { blendGuidance } from "../../nodes/guidance/blend.ts";
import { guidedDenoiser } from "../../nodes/guidance/compose.ts";
import type { Guidance, GuidanceMethod } from "../../nodes/guidance/method.ts";
import { simulationGuidance } from "../../nodes/guidance/simulation.ts";
import { packModel } from "../../nodes/generate/pack-model.ts";
import { packSampling } from "../../nodes/generate/pack-sampling.ts";
import { openPack, type LoadedPack } from "../../nodes/model/runtime.ts";
import { SHIPPED_MODELS } from "../../nodes/model/roots.ts";
import { createNoise, euler, makeDenoiser, simpleSigmas } from "../../nodes/sampling/index.ts";
import { testEngine, template, withParams } from "../generate/helpers.ts";

/** The real pack, with every denoiser call's simulation flag written down. */
async function recordingPack(): Promise<{ pack: LoadedPack; flags: number[][] }> {
  const real = await openPack(join(SHIPPED_MODELS, "physics-tiny"), "cpu", true);
  const flags: number[][] = [];
  const pack: LoadedPack = { ...real, denoise: (i, b) => { flags.push([...i.simFlag]); return real.denoise(i, b); } };
  return { pack, flags };
}

/**
 * A blend method's mask over the first channel's cells, read back through its apply at full weight:
 * from an estimate of 0 it returns mask·target, from 1 it returns 1 + mask·(target − 1).
 */
async function maskOf(method: GuidanceMethod, cells: number): Promise<Float32Array> {
  const call = { x: new Float64Array(8 * cells), sigma: 1, at: { i: 0, total: 1 }, window: { start: 0, frames: 16, total: 16 } };
  const from = (v: number) => method.apply(call, async () => new Float64Array(8 * cells).fill(v), { progress: 0, strength: 1 });
  const [r0, r1] = [await from(0), await from(1)];
  return Float32Array.from({ length: cells }, (_, k) => 1 - (r1[k]! - r0[k]!));
}

describe("physics guidance schedule", () => {
  it("feeds the simulation only between start and end, at the given strength", async () => {
    const { pack, flags } = await recordingPack();
    const text = await pack.encodeText(pack.tokenize("a red ball falls").ids, 1);
    const simulation = new Float32Array(16 * 64 * 64).fill(0.5);
    const call = packModel({ pack, positive: text, negative: text, batch: 1 });
    const ms = packSampling(pack.manifest);
    const denoise = guidedDenoiser(
      ({ x, sigma, at, simulation: sim }) => makeDenoiser(ms, (xm, t) => call(xm, t, 3, sim))(x, sigma, at),
      [simulationGuidance(simulation, 0.25, 0.5)],
      () => 0.8,
      { start: 0, frames: 16, total: 16 },
    );
    const sigmas = simpleSigmas(ms, 8);
    await euler(denoise, createNoise(1).randn(8 * 16 * 64).map((v) => v * sigmas[0]!), sigmas, { noise: createNoise(2) });
    expect(flags).toHaveLength(8);
    // Steps 2 and 3 of 8 are the window [0.25, 0.5); both CFG rows get the flag.
    expect(flags.map((f) => f[0])).toEqual([0, 0, 0.8, 0.8, 0, 0, 0, 0].map((v) => Math.fround(v)));
    expect(flags.every((f) => f[0] === f[1])).toBe(true);
  });

  it("refuses a simulation of the wrong size with a clear message", async () => {
    const { pack } = await recordingPack();
    expect(() => simulationGuidance(new Float32Array(10), 0, 1).check?.(pack, 16)).toThrow(/guidance: simulation has 10 values, the pack expects 16×64×64/);
    expect(() => simulationGuidance(new Float32Array(16 * 64 * 64), 0, 1).check?.(pack, 64)).toThrow(/the simulation has 16 frames and the clip 64; set Physics Simulate's frames to 64/);
  });

  it("blends toward the target by the mask, ramping down across its window", async () => {
    const target = Float32Array.from([1, 1, 1, 1]);
    const mask = Float32Array.from([1, 0.5]);
    const denoise = guidedDenoiser(async ({ x }) => new Float64Array(x.length), [blendGuidance(target, mask, 0, 0.5)], () => 1, { start: 0, frames: 1, total: 1 });
    const x = new Float64Array(4);
    // Step 0 of 4 (progress 0): the full weight; step 1 (progress 0.5): half; step 2: outside.
    expect([...(await denoise(x, 1, { i: 0, total: 4 }))]).toEqual([1, 0.5, 1, 0.5]);
    expect([...(await denoise(x, 1, { i: 1, total: 4 }))]).toEqual([0.5, 0.25, 0.5, 0.25]);
    expect([...(await denoise(x, 1, { i: 2, total: 4 }))]).toEqual([0, 0, 0, 0]);
  });

  it("keeps `hold` of the pull to the end of its window when asked", async () => {
    const target = Float32Array.from([1, 1]);
    const denoise = guidedDenoiser(async ({ x }) => new Float64Array(x.length), [blendGuidance(target, Float32Array.from([1, 0.5]), 0, 0.5, undefined, 0.5)], () => 1, { start: 0, frames: 1, total: 1 });
    const x = new Float64Array(2);
    // Progress 0: the full weight; progress 0.5: halfway from 1 to the hold of 0.5; outside the window: none.
    expect([...(await denoise(x, 1, { i: 0, total: 4 }))]).toEqual([1, 0.5]);
    expect([...(await denoise(x, 1, { i: 1, total: 4 }))]).toEqual([0.75, 0.375]);
    expect([...(await denoise(x, 1, { i: 2, total: 4 }))]).toEqual([0, 0]);
  });

  it("blends inside the object masks, and outside them only as much as `background` asks", async () => {
    const engine = testEngine();
    const masks: Float32Array[] = [];
    for (const background of [0, 0.5]) {
      const wf = withParams(template("physics-guided.json"), "12", { method: "blend", background });
      const r = await engine.run(wf, { targets: ["12"] });
      expect(r.status, r.error?.message).toBe("success");
      const g = r.values["12"]!.GUIDANCE as Guidance;
      expect(g.methods.map((m) => m.name)).toEqual(["blend"]);
      masks.push(await maskOf(g.methods[0]!, 16 * 8 * 8));
    }
    const [plain, withBackground] = masks as [Float32Array, Float32Array];
    // The falling ball covers some cells fully, and most of the frame not at all.
    expect(plain.some((v) => v === 1)).toBe(true);
    expect(plain.filter((v) => v === 0).length).toBeGreaterThan(plain.length / 2);
    for (let k = 0; k < plain.length; k++) expect(withBackground[k]).toBeCloseTo(plain[k]! + 0.5 * (1 - plain[k]!), 6);
  });
});
