import { describe, expect, it } from "vitest";
import { SAMPLERS } from "../../nodes/sampling/index.ts";
import {
  discreteSampling,
  flowSampling,
  flowShift,
  makeDenoiser,
  noiseScaling,
  sigmaToFlowTime,
  type ModelFn,
} from "../../nodes/sampling/model-sampling.ts";
import { createNoise } from "../../nodes/sampling/noise.ts";
import { SCHEDULES } from "../../nodes/sampling/schedules.ts";
import { mean, std } from "../../nodes/sampling/tensor.ts";
import { MU, N, S, exactOde, gaussianDenoiser, relError } from "./gaussian.ts";

/** E[x0 | x_rf] for x_rf = (1−t)·x0 + t·noise, and the flow model's v = (x_rf − x0)/t, computed natively. */
const flowModel: ModelFn = async (xrf, t) =>
  xrf.map((v) => {
    const x0 = MU + ((1 - t) * S * S * (v - (1 - t) * MU)) / ((1 - t) ** 2 * S * S + t * t);
    return (v - x0) / t;
  });

/** Native DDPM-style models for the same Gaussian: they see x_vp and a timestep, and recover sigma from the table. */
/** A step position for direct calls (the adapters ignore it). */
const AT = { i: 0, total: 1 };

function vpModel(kind: "eps" | "v" | "x0", sigmaAt: (t: number) => number): ModelFn {
  return async (xvp, timestep) => {
    const sigma = sigmaAt(timestep);
    const alpha = 1 / Math.sqrt(1 + sigma * sigma);
    const sigmaVp = sigma * alpha;
    const x = xvp.map((v) => v / alpha); // back to VE
    const x0 = await gaussianDenoiser()(x, sigma, AT);
    const eps = x.map((v, i) => (v - x0[i]) / sigma);
    if (kind === "eps") return eps;
    if (kind === "x0") return x0;
    return eps.map((e, i) => alpha * e - sigmaVp * x0[i]);
  };
}

const probe = createNoise(3).randn(64);

describe("discrete (eps / v / x0) adapters", () => {
  it.each(["eps", "v", "x0"] as const)("%s: the VE denoiser equals the exact E[x0 | x]", async (kind) => {
    const ms = discreteSampling(kind);
    const denoise = makeDenoiser(ms, vpModel(kind, ms.sigmaAt));
    for (const sigma of [ms.sigmaMin, 0.3, 1, 5.5, ms.sigmaMax]) {
      const x = probe.map((z) => MU + z * Math.sqrt(S * S + sigma * sigma));
      const got = await denoise(x, sigma, AT);
      const want = await gaussianDenoiser()(x, sigma, AT);
      for (let i = 0; i < x.length; i++) expect(got[i]).toBeCloseTo(want[i], 10);
    }
  });

  it("timestep inverts sigmaAt over the table", () => {
    const ms = discreteSampling("eps");
    for (const f of [0, 0.5, 10, 250.25, 998.9, 999]) expect(ms.timestep(ms.sigmaAt(f))).toBeCloseTo(f, 9);
    expect(ms.timestep(ms.sigmaMax * 2)).toBe(999);
  });

  it("an eps model sampled through the adapter lands on MU, S", async () => {
    const ms = discreteSampling("eps");
    const sigmas = SCHEDULES.karras(ms, 40);
    const x = noiseScaling(sigmas[0], createNoise(11).randn(N));
    const out = await SAMPLERS.dpmpp_2m(makeDenoiser(ms, vpModel("eps", ms.sigmaAt)), x, sigmas, { noise: createNoise(1) });
    // sigma_max is only 14.6 here, so the exact ODE from there is the reference for the draw
    expect(relError(out, exactOde(x, sigmas[0], 0))).toBeLessThan(0.02);
    expect(Math.abs(mean(out) - MU)).toBeLessThan(0.02);
    expect(Math.abs(std(out) - S)).toBeLessThan(0.02);
  });
});

describe("rectified-flow adapter", () => {
  it("converts VE (x, sigma) to (x_rf, t) and back to x0", async () => {
    const ms = flowSampling();
    const denoise = makeDenoiser(ms, flowModel);
    for (const sigma of [0.01, 0.3, 2, 50, ms.sigmaMax]) {
      const x = probe.map((z) => MU + z * Math.sqrt(S * S + sigma * sigma));
      const got = await denoise(x, sigma, AT);
      const want = await gaussianDenoiser()(x, sigma, AT);
      for (let i = 0; i < x.length; i++) expect(got[i]).toBeCloseTo(want[i], 9);
    }
  });

  it("caps flow time at tMax so sigmaMax is finite, and applies the SD3 shift", () => {
    const ms = flowSampling({ shift: 3 });
    expect(ms.tMax).toBe(1 - 1e-4);
    expect(ms.sigmaMax).toBeCloseTo(9999, 6);
    expect(sigmaToFlowTime(ms.sigmaMax)).toBeCloseTo(ms.tMax, 12);
    expect(flowShift(0.5, 3)).toBeCloseTo(0.75, 15);
    expect(sigmaToFlowTime(ms.sigmas[499])).toBeCloseTo(flowShift(0.5, 3), 12);
    expect(() => flowSampling({ tMax: 1 })).toThrow(RangeError);
  });

  it.each(["flow_euler", "euler", "uni_pc"] as const)("%s through makeDenoiser(flow) lands on MU, S", async (name) => {
    const ms = flowSampling({ shift: 3 });
    const sigmas = SCHEDULES.simple(ms, 100);
    const x = noiseScaling(sigmas[0], createNoise(12).randn(N));
    const out = await SAMPLERS[name](makeDenoiser(ms, flowModel), x, sigmas, { noise: createNoise(1) });
    expect(Math.abs(mean(out) - MU)).toBeLessThan(0.02);
    expect(Math.abs(std(out) - S)).toBeLessThan(0.02);
    // the adapter is exact, so the trajectory is the one the VE closed form gives on the same sigmas
    const direct = await SAMPLERS[name](gaussianDenoiser(), x, sigmas, { noise: createNoise(1) });
    expect(relError(out, direct)).toBeLessThan(1e-9);
  });
});

describe("noiseScaling", () => {
  it("is sigma·noise, plus the clean latent for img2img", () => {
    const noise = Float64Array.from([1, -2]);
    expect(Array.from(noiseScaling(3, noise))).toEqual([3, -6]);
    expect(Array.from(noiseScaling(3, noise, Float64Array.from([0.5, 0.5])))).toEqual([3.5, -5.5]);
  });
});
