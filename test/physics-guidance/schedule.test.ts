import { describe, expect, it } from "vitest";
import { guidedModel, type RunState } from "../../nodes/generate/guided-model.ts";
import { packSampling } from "../../nodes/generate/pack-sampling.ts";
import { openPack, type LoadedPack } from "../../nodes/model/runtime.ts";
import { SHIPPED_MODELS } from "../../nodes/model/roots.ts";
import { createNoise, euler, makeDenoiser, simpleSigmas } from "../../nodes/sampling/index.ts";
import { join } from "node:path";
import type { Guidance } from "../../nodes/physics-nodes/values.ts";
import { testEngine, template, withParams } from "../generate/helpers.ts";

/** The real pack, with every denoiser call's simulation flag written down. */
async function recordingPack(): Promise<{ pack: LoadedPack; flags: number[][] }> {
  const real = await openPack(join(SHIPPED_MODELS, "physics-tiny"), "cpu", true);
  const flags: number[][] = [];
  const pack: LoadedPack = { ...real, denoise: (i, b) => { flags.push([...i.simFlag]); return real.denoise(i, b); } };
  return { pack, flags };
}

describe("physics guidance schedule", () => {
  it("feeds the simulation only between start and end, at the given strength", async () => {
    const { pack, flags } = await recordingPack();
    const text = await pack.encodeText(pack.tokenize("a red ball falls").ids, 1);
    const state: RunState = { cfg: 3, guidanceStrength: 0.8, step: 0, total: 8 };
    const simulation = new Float32Array(16 * 64 * 64).fill(0.5);
    const model = guidedModel({ pack, positive: text, negative: text, batch: 1, guidance: { start: 0.25, end: 0.5, strength: 0.8, simulation }, state });
    const sigmas = simpleSigmas(packSampling(pack.manifest), 8);
    await euler(makeDenoiser(packSampling(pack.manifest), model), createNoise(1).randn(8 * 16 * 64).map((v) => v * sigmas[0]!), sigmas, {
      noise: createNoise(2),
      reschedule: (i) => { state.step = i; return undefined; },
    });
    expect(flags).toHaveLength(8);
    // Steps 2 and 3 of 8 are the window [0.25, 0.5); both CFG rows get the flag.
    expect(flags.map((f) => f[0])).toEqual([0, 0, 0.8, 0.8, 0, 0, 0, 0].map((v) => Math.fround(v)));
    expect(flags.every((f) => f[0] === f[1])).toBe(true);
  });

  it("refuses a simulation of the wrong size with a clear message", async () => {
    const { pack } = await recordingPack();
    const state: RunState = { cfg: 1, guidanceStrength: 1, step: 0, total: 4 };
    expect(() => guidedModel({ pack, positive: new Float32Array(24 * 128), negative: new Float32Array(24 * 128), batch: 1, guidance: { start: 0, end: 1, strength: 1, simulation: new Float32Array(10) }, state }))
      .toThrow(/guidance: simulation has 10 values, the pack expects 16×64×64/);
  });

  it("blends inside the object masks, and outside them only as much as `background` asks", async () => {
    const engine = testEngine();
    const masks: Float32Array[] = [];
    for (const background of [0, 0.5]) {
      const wf = withParams(template("physics-guided.json"), "12", { method: "blend", background });
      const r = await engine.run(wf, { targets: ["12"] });
      expect(r.status, r.error?.message).toBe("success");
      const g = r.values["12"]!.GUIDANCE as Guidance;
      expect(g.simulation).toBeUndefined();
      masks.push(g.blend!.mask);
    }
    const [plain, withBackground] = masks as [Float32Array, Float32Array];
    // The falling ball covers some cells fully, and most of the frame not at all.
    expect(plain.some((v) => v === 1)).toBe(true);
    expect(plain.filter((v) => v === 0).length).toBeGreaterThan(plain.length / 2);
    for (let k = 0; k < plain.length; k++) expect(withBackground[k]).toBeCloseTo(plain[k]! + 0.5 * (1 - plain[k]!), 6);
  });
});

