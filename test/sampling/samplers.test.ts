import { describe, expect, it } from "vitest";
import { SAMPLERS, SAMPLER_NAMES, type SamplerName } from "../../nodes/sampling/index.ts";
import { createNoise } from "../../nodes/sampling/noise.ts";
import { karrasSigmas } from "../../nodes/sampling/schedules.ts";
import { mean, std } from "../../nodes/sampling/tensor.ts";
import type { SamplerOptions, StepInfo } from "../../nodes/sampling/types.ts";
import { MU, S, exactOde, gaussianDenoiser, relError, startLatent } from "./gaussian.ts";

const SIGMA_MIN = 0.002;
const SIGMA_MAX = 80;
const FIRST_ORDER: SamplerName[] = ["euler", "euler_ancestral", "ddim", "flow_euler"];
const DETERMINISTIC: SamplerName[] = ["euler", "heun", "dpm_2", "lms", "dpmpp_2m", "ddim", "uni_pc", "flow_euler"];
const TWO_CALLS_PER_STEP: SamplerName[] = ["heun", "dpm_2", "dpmpp_sde"];

async function run(name: SamplerName, steps: number, seed = 1, extra: Partial<SamplerOptions> = {}) {
  const x = startLatent(seed, SIGMA_MAX);
  const counter = { calls: 0 };
  const out = await SAMPLERS[name](gaussianDenoiser(counter), x, karrasSigmas(SIGMA_MIN, SIGMA_MAX, steps), {
    noise: createNoise(seed + 1000),
    ...extra,
  });
  return { x, out, calls: counter.calls };
}

describe("sampler registry", () => {
  it("lists every method once, each with a function", () => {
    expect([...SAMPLER_NAMES].sort()).toEqual(
      ["ddim", "dpm_2", "dpmpp_2m", "dpmpp_2m_sde", "dpmpp_sde", "euler", "euler_ancestral", "flow_euler", "heun", "lms", "uni_pc"],
    );
    expect(Object.keys(SAMPLERS).sort()).toEqual([...SAMPLER_NAMES].sort());
  });
});

// N = 5000 draws: standard error of the mean 0.3/√5000 ≈ 0.0042, of the std 0.3/√10000 = 0.003. The
// remaining budget covers discretisation bias, measured ≤ 0.01 at these step counts (first-order methods,
// ancestral Euler above all, lose variance at O(step) and need 200 Karras steps to get there; the rest 50).
const MOMENT_TOL = 0.02;

describe.each(SAMPLER_NAMES)("%s on a Gaussian with the exact denoiser", (name) => {
  it("lands on mean MU and std S", async () => {
    const { out } = await run(name, FIRST_ORDER.includes(name) ? 200 : 50);
    expect(Math.abs(mean(out) - MU)).toBeLessThan(MOMENT_TOL);
    expect(Math.abs(std(out) - S)).toBeLessThan(MOMENT_TOL);
  });

  it("calls the model once per step, twice for two-stage methods except on the last", async () => {
    const { calls } = await run(name, 12);
    expect(calls).toBe(TWO_CALLS_PER_STEP.includes(name) ? 2 * 12 - 1 : 12);
  });

  it("is bit-identical for the same seed and differs for another", async () => {
    const a = await run(name, 10, 5);
    const b = await run(name, 10, 5);
    const c = await run(name, 10, 6);
    expect(Array.from(b.out)).toEqual(Array.from(a.out));
    expect(Array.from(c.out)).not.toEqual(Array.from(a.out));
  });

  it("leaves its input latent alone", async () => {
    const x = startLatent(3, SIGMA_MAX, 64);
    const copy = x.slice();
    await SAMPLERS[name](gaussianDenoiser(), x, karrasSigmas(SIGMA_MIN, SIGMA_MAX, 6), { noise: createNoise(1) });
    expect(Array.from(x)).toEqual(Array.from(copy));
  });
});

// The problem is linear, so each deterministic sampler maps x_T to MU + g·(x_T − MU) and relError is
// |g − g_exact| / g_exact, the same for any draw. Ceilings are about 1.2× the measured error. The ratios
// err(30)/err(60) and err(60)/err(120) check the order of convergence: 2 for first order, 4 for second,
// ≥ 8 for lms (order 4) and UniPC (the corrector adds one order to the predictor's). UniPC-3 nears the
// floor set by the final x = x0 step from sigma_min = 0.002 (≈ sigma²/2S² = 2e-5) at 120 steps, hence 6.
// Both ratios are needed: a slightly wrong Heun weighting looks fine at 30/60 and shows at 60/120.
const ODE_CASES: { label: string; name: SamplerName; opts?: Partial<SamplerOptions> & Record<string, unknown>; at30: number; at60: number; minRatio: number; maxRatio?: number }[] = [
  { label: "euler", name: "euler", at30: 0.12, at60: 0.06, minRatio: 1.8, maxRatio: 2.2 },
  { label: "ddim", name: "ddim", at30: 0.12, at60: 0.06, minRatio: 1.8, maxRatio: 2.2 },
  { label: "flow_euler", name: "flow_euler", at30: 0.12, at60: 0.06, minRatio: 1.8, maxRatio: 2.2 },
  { label: "heun", name: "heun", at30: 0.025, at60: 0.006, minRatio: 3.5 },
  { label: "dpm_2", name: "dpm_2", at30: 0.015, at60: 0.0035, minRatio: 3.5 },
  { label: "dpmpp_2m", name: "dpmpp_2m", at30: 0.028, at60: 0.006, minRatio: 3.5 },
  { label: "lms", name: "lms", at30: 0.015, at60: 0.0015, minRatio: 8 },
  { label: "uni_pc", name: "uni_pc", at30: 0.0055, at60: 0.0004, minRatio: 6 },
  { label: "uni_pc bh1", name: "uni_pc", opts: { variant: "bh1" }, at30: 0.0055, at60: 0.0004, minRatio: 6 },
  { label: "uni_pc order 2", name: "uni_pc", opts: { order: 2 }, at30: 0.014, at60: 0.0016, minRatio: 6 },
  { label: "uni_pc order 1", name: "uni_pc", opts: { order: 1 }, at30: 0.044, at60: 0.011, minRatio: 3.5 },
  { label: "dpmpp_sde eta 0 (DPM-Solver++ 2S)", name: "dpmpp_sde", opts: { eta: 0 }, at30: 0.013, at60: 0.0032, minRatio: 3.5 },
];

describe("deterministic samplers against the exact probability-flow ODE", () => {
  it.each(ODE_CASES)("$label: error ceiling and order of convergence", async ({ name, opts, at30, at60, minRatio, maxRatio }) => {
    const err = async (steps: number) => {
      const r = await run(name, steps, 1, opts);
      return relError(r.out, exactOde(r.x, SIGMA_MAX));
    };
    const [e30, e60, e120] = [await err(30), await err(60), await err(120)];
    expect(e30).toBeLessThan(at30);
    expect(e60).toBeLessThan(at60);
    for (const ratio of [e30 / e60, e60 / e120]) {
      expect(ratio).toBeGreaterThan(minRatio);
      if (maxRatio) expect(ratio).toBeLessThan(maxRatio);
    }
  });

  it.each([
    ["dpmpp_2m", 3.5],
    ["lms", 8],
    ["heun", 3.5],
  ] as const)("%s keeps its order when step sizes alternate 1:2 (multistep history uses the visited sigmas)", async (name, minRatio) => {
    // log-uniform from SIGMA_MAX to SIGMA_MIN with alternating short and long steps
    const uneven = (n: number) => {
      const weights = Array.from({ length: n - 1 }, (_, i) => (i % 2 ? 2 : 1));
      const total = weights.reduce((a, b) => a + b, 0);
      let acc = 0;
      const logs = [Math.log(SIGMA_MAX), ...weights.map((w) => Math.log(SIGMA_MAX) + ((acc += w) / total) * Math.log(SIGMA_MIN / SIGMA_MAX))];
      return [...logs.map(Math.exp), 0];
    };
    const x = startLatent(1, SIGMA_MAX, 200);
    const err = async (n: number) =>
      relError(await SAMPLERS[name](gaussianDenoiser(), x, uneven(n), { noise: createNoise(1) }), exactOde(x, SIGMA_MAX));
    const [e30, e60, e120] = [await err(30), await err(60), await err(120)];
    expect(e30 / e60).toBeGreaterThan(minRatio);
    expect(e60 / e120).toBeGreaterThan(minRatio);
  });

  it("covers every deterministic method", () => {
    expect(DETERMINISTIC.every((n) => ODE_CASES.some((c) => c.name === n))).toBe(true);
  });

  it("ranks higher-order methods above Euler at the same step count", async () => {
    const err = async (name: SamplerName) => {
      const r = await run(name, 30);
      return relError(r.out, exactOde(r.x, SIGMA_MAX));
    };
    const euler = await err("euler");
    const dpmpp2m = await err("dpmpp_2m");
    expect(await err("heun")).toBeLessThan(euler / 4);
    expect(dpmpp2m).toBeLessThan(euler / 4);
    expect(await err("uni_pc")).toBeLessThan(dpmpp2m / 3);
  });
});

describe("equivalences that hold exactly in VE form", () => {
  const close = (a: Float64Array, b: Float64Array) => {
    let m = 0;
    for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
    return m;
  };

  it("flow_euler (stepping x_rf in flow time) agrees with euler in VE form", async () => {
    expect(close((await run("flow_euler", 25)).out, (await run("euler", 25)).out)).toBeLessThan(1e-12);
  });

  it("ddim with eta 0 is euler, and with eta 1 is euler_ancestral on the same noise", async () => {
    expect(close((await run("ddim", 25)).out, (await run("euler", 25)).out)).toBeLessThan(1e-12);
    const a = await run("ddim", 25, 1, { eta: 1 });
    const b = await run("euler_ancestral", 25, 1, { eta: 1 });
    expect(close(a.out, b.out)).toBeLessThan(1e-12);
  });

  it("euler_ancestral with eta 0 is euler", async () => {
    expect(close((await run("euler_ancestral", 25, 1, { eta: 0 })).out, (await run("euler", 25)).out)).toBeLessThan(1e-12);
  });

  it("dpmpp_2m_sde with eta 0 is dpmpp_2m", async () => {
    expect(close((await run("dpmpp_2m_sde", 25, 1, { eta: 0 })).out, (await run("dpmpp_2m", 25)).out)).toBeLessThan(1e-12);
  });
});

describe("step reports and abort", () => {
  it("reports every step with its sigma and the exact x0 estimate", async () => {
    const sigmas = karrasSigmas(SIGMA_MIN, SIGMA_MAX, 8);
    const seen: StepInfo[] = [];
    await SAMPLERS.dpmpp_2m(gaussianDenoiser(), startLatent(1, SIGMA_MAX, 16), sigmas, {
      noise: createNoise(1),
      onStep: (info) => void seen.push(info),
    });
    expect(seen.map((s) => s.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(seen.map((s) => s.sigma)).toEqual(sigmas.slice(0, 8));
    expect(seen.map((s) => s.sigmaNext)).toEqual(sigmas.slice(1));
    expect(seen.every((s) => s.total === 8)).toBe(true);
    const a = (S * S) / (S * S + sigmas[3] ** 2);
    expect(seen[3].denoised[0]).toBeCloseTo(a * seen[3].x[0] + (1 - a) * MU, 12);
  });

  it("stops at the next step boundary once the signal is aborted", async () => {
    const controller = new AbortController();
    const counter = { calls: 0 };
    const run = SAMPLERS.euler(gaussianDenoiser(counter), startLatent(1, SIGMA_MAX, 16), karrasSigmas(SIGMA_MIN, SIGMA_MAX, 20), {
      noise: createNoise(1),
      signal: controller.signal,
      onStep: ({ i }) => {
        if (i === 2) controller.abort();
      },
    });
    await expect(run).rejects.toThrow(/abort/i);
    expect(counter.calls).toBe(3);
  });

  it("rejects a schedule that is not strictly descending", async () => {
    const x = startLatent(1, SIGMA_MAX, 4);
    await expect(SAMPLERS.euler(gaussianDenoiser(), x, [10, 10, 0], { noise: createNoise(1) })).rejects.toThrow(/descending/);
    await expect(SAMPLERS.euler(gaussianDenoiser(), x, [10, -1], { noise: createNoise(1) })).rejects.toThrow(/non-negative/);
  });

  it("awaits an async onStep before moving on", async () => {
    const order: string[] = [];
    const denoise = gaussianDenoiser();
    await SAMPLERS.euler(
      async (x, s, at) => {
        order.push("model");
        return denoise(x, s, at);
      },
      startLatent(1, SIGMA_MAX, 4),
      karrasSigmas(SIGMA_MIN, SIGMA_MAX, 2),
      { noise: createNoise(1), onStep: async () => { await new Promise((r) => setTimeout(r, 5)); order.push("step"); } },
    );
    expect(order).toEqual(["model", "step", "model", "step"]);
  });
});
