import { describe, expect, it } from "vitest";
import { SAMPLERS, SAMPLER_NAMES, type SamplerName } from "../../nodes/sampling/index.ts";
import { createNoise } from "../../nodes/sampling/noise.ts";
import { karrasSigmas, remainingSchedule } from "../../nodes/sampling/schedules.ts";
import { mean, std } from "../../nodes/sampling/tensor.ts";
import type { StepInfo } from "../../nodes/sampling/types.ts";
import { MU, S, exactOde, gaussianDenoiser, relError, startLatent } from "./gaussian.ts";

const SIGMA_MIN = 0.002;
const SIGMA_MAX = 80;
const karras = (n: number) => karrasSigmas(SIGMA_MIN, SIGMA_MAX, n);
const TWO_CALLS: SamplerName[] = ["heun", "dpm_2", "dpmpp_sde"];

/** 30 Karras steps; at step 10 the remaining 20 become `newSteps`, as a live patch would do. */
async function patched(name: SamplerName, newSteps: number, seed = 1) {
  const counter = { calls: 0 };
  const seen: StepInfo[] = [];
  const x = startLatent(seed, SIGMA_MAX);
  const out = await SAMPLERS[name](gaussianDenoiser(counter), x, karras(30), {
    noise: createNoise(seed + 1000),
    reschedule: (i, sigmaNow) => (i === 10 ? remainingSchedule(karras, sigmaNow, newSteps) : undefined),
    onStep: (info) => void seen.push(info),
  });
  return { x, out, calls: counter.calls, seen };
}

describe.each(SAMPLER_NAMES)("%s with the schedule changed mid-run", (name) => {
  it("calls the model for exactly the steps it now takes", async () => {
    const { calls, seen } = await patched(name, 5);
    expect(seen).toHaveLength(15);
    expect(calls).toBe(TWO_CALLS.includes(name) ? 2 * 15 - 1 : 15);
    expect(seen[9].total).toBe(30);
    expect(seen[10].total).toBe(15);
    expect(seen[10].sigma).toBe(karras(30)[10]);
  });

  it("equals a run over the spliced schedule (history survives the swap)", async () => {
    const { x, out } = await patched(name, 5);
    const spliced = [...karras(30).slice(0, 10), ...remainingSchedule(karras, karras(30)[10], 5)];
    const direct = await SAMPLERS[name](gaussianDenoiser(), x, spliced, { noise: createNoise(1001) });
    expect(Array.from(out)).toEqual(Array.from(direct));
  });

  it("still lands on the target distribution when the rest is lengthened", async () => {
    // 10 Karras steps then 190 more from there: enough for the first-order methods too
    const { out } = await patched(name, 190);
    expect(Math.abs(mean(out) - MU)).toBeLessThan(0.02);
    expect(Math.abs(std(out) - S)).toBeLessThan(0.02);
  });
});

describe("rescheduled deterministic runs against the exact ODE", () => {
  it.each(["euler", "heun", "dpmpp_2m", "lms", "uni_pc"] as const)(
    "%s: more remaining steps are more accurate than the original plan, fewer are less",
    async (name) => {
      const x = startLatent(1, SIGMA_MAX);
      const exact = exactOde(x, SIGMA_MAX);
      const plain = await SAMPLERS[name](gaussianDenoiser(), x, karras(30), { noise: createNoise(1001) });
      const more = (await patched(name, 60)).out;
      const fewer = (await patched(name, 5)).out;
      expect(relError(more, exact)).toBeLessThan(relError(plain, exact) / 2);
      expect(relError(fewer, exact)).toBeGreaterThan(relError(plain, exact) * 2);
    },
  );

  it("ends the run where it stands when the replacement is just [sigmaNow]", async () => {
    const counter = { calls: 0 };
    const out = await SAMPLERS.heun(gaussianDenoiser(counter), startLatent(1, SIGMA_MAX, 8), karras(10), {
      noise: createNoise(1),
      reschedule: (i, sigmaNow) => (i === 4 ? [sigmaNow] : undefined),
    });
    expect(counter.calls).toBe(8);
    expect(out).toHaveLength(8);
  });

  it("rejects a replacement that does not start at the current sigma", async () => {
    const run = SAMPLERS.euler(gaussianDenoiser(), startLatent(1, SIGMA_MAX, 8), karras(10), {
      noise: createNoise(1),
      reschedule: (i) => (i === 3 ? [1, 0.5, 0] : undefined),
    });
    await expect(run).rejects.toThrow(/current sigma/);
  });
});
