import { describe, expect, it } from "vitest";
import { betaCdf, betaPpf } from "../../nodes/sampling/beta-dist.ts";
import { discreteSampling, flowSampling, flowTimeToSigma } from "../../nodes/sampling/model-sampling.ts";
import {
  SCHEDULES,
  SCHEDULE_NAMES,
  exponentialSigmas,
  karrasSigmas,
  remainingSchedule,
  scheduleSigmas,
  simpleSigmas,
  splitSigmas,
} from "../../nodes/sampling/schedules.ts";

const eps = discreteSampling("eps");
const flow = flowSampling({ shift: 3 });

describe.each([
  ["discrete eps", eps],
  ["flow shift 3", flow],
] as const)("every schedule on %s", (_label, ms) => {
  it.each(SCHEDULE_NAMES)("%s: steps + 1 values, strictly descending, trailing 0, starting at sigmaMax", (name) => {
    for (const steps of [1, 2, 10, 30]) {
      const s = SCHEDULES[name](ms, steps);
      expect(s).toHaveLength(steps + 1);
      expect(s[steps]).toBe(0);
      for (let i = 1; i < s.length; i++) expect(s[i]).toBeLessThan(s[i - 1]);
      expect(s[0]).toBeCloseTo(ms.sigmaMax, 6);
      expect(s.every(Number.isFinite)).toBe(true);
    }
  });
});

describe("schedule formulas", () => {
  it("karras is uniform in sigma^(1/7) between the ends", () => {
    const s = karrasSigmas(0.002, 80, 11);
    expect(s[0]).toBeCloseTo(80, 12);
    expect(s[10]).toBeCloseTo(0.002, 14);
    const roots = s.slice(0, 11).map((v) => v ** (1 / 7));
    for (let i = 1; i < 11; i++) expect(roots[i] - roots[i - 1]).toBeCloseTo((0.002 ** (1 / 7) - 80 ** (1 / 7)) / 10, 12);
    // the midpoint by hand: ((1.8704 + 0.4116) / 2)^7 = 1.1410^7 ≈ 2.515
    expect(s[5]).toBeCloseTo(2.5152, 3);
  });

  it("exponential has a constant ratio", () => {
    const s = exponentialSigmas(0.03, 14.6, 6);
    for (let i = 1; i < 6; i++) expect(s[i] / s[i - 1]).toBeCloseTo((0.03 / 14.6) ** (1 / 5), 12);
  });

  it("the discrete table is SD's scaled-linear one", () => {
    expect(eps.sigmas).toHaveLength(1000);
    expect(eps.sigmaMin).toBeCloseTo(0.0292, 4);
    expect(eps.sigmaMax).toBeCloseTo(14.6146, 3);
    expect(simpleSigmas(eps, 1000).slice(0, 1000).reverse()).toEqual(Array.from(eps.sigmas));
  });

  it("normal ends on the table's lowest sigma; sgm_uniform stops one slot above it", () => {
    expect(SCHEDULES.normal(eps, 10)[9]).toBeCloseTo(eps.sigmaMin, 12);
    expect(SCHEDULES.sgm_uniform(eps, 10)[9]).toBeGreaterThan(eps.sigmaMin * 1.5);
  });

  it("beta follows the Beta(0.6, 0.6) quantiles; the distribution matches closed forms", () => {
    // I_x(2,3) = Σ_{j=2..4} C(4,j) x^j (1−x)^(4−j)
    const x = 0.3;
    expect(betaCdf(x, 2, 3)).toBeCloseTo(6 * x ** 2 * (1 - x) ** 2 + 4 * x ** 3 * (1 - x) + x ** 4, 13);
    expect(betaCdf(0.37, 1, 1)).toBeCloseTo(0.37, 14);
    expect(betaCdf(0.2, 0.6, 0.6)).toBeCloseTo(1 - betaCdf(0.8, 0.6, 0.6), 13);
    expect(betaPpf(0.5, 0.6, 0.6)).toBeCloseTo(0.5, 12);
    expect(betaCdf(betaPpf(0.1, 0.6, 0.6), 0.6, 0.6)).toBeCloseTo(0.1, 12);
    const s = SCHEDULES.beta(eps, 4);
    expect(s[1]).toBeCloseTo(eps.sigmaAt(999 * betaPpf(0.75, 0.6, 0.6)), 12);
  });

  it("linear_quadratic keeps 1 − threshold of the noise after the linear half", () => {
    const s = SCHEDULES.linear_quadratic(flow, 10);
    expect(s[5]).toBeCloseTo(flowTimeToSigma(0.975 * flow.tMax), 9);
    expect(SCHEDULES.linear_quadratic(eps, 10)[5]).toBeCloseTo(0.975 * eps.sigmaMax, 9);
  });

  it("a flow shift above 1 moves every sigma but the capped first one up", () => {
    const plain = flowSampling({ shift: 1 });
    for (const name of ["simple", "normal", "sgm_uniform", "beta"] as const) {
      const a = SCHEDULES[name](plain, 20);
      const b = SCHEDULES[name](flow, 20);
      for (let i = 1; i < 20; i++) expect(b[i]).toBeGreaterThan(a[i]);
    }
  });
});

describe("denoise strength, split and remaining schedule", () => {
  it("denoise < 1 keeps the tail of a longer schedule", () => {
    for (const name of SCHEDULE_NAMES) {
      const s = scheduleSigmas(name, eps, 10, 0.5);
      expect(s).toEqual(SCHEDULES[name](eps, 20).slice(-11));
      expect(s[0]).toBeLessThan(eps.sigmaMax);
    }
    expect(scheduleSigmas("karras", eps, 10, 1)).toEqual(SCHEDULES.karras(eps, 10));
    expect(scheduleSigmas("karras", eps, 10, 0)).toEqual([]);
  });

  it("splitSigmas shares the boundary sigma", () => {
    const s = karrasSigmas(0.1, 10, 6);
    const [high, low] = splitSigmas(s, 2);
    expect(high).toEqual(s.slice(0, 3));
    expect(low).toEqual(s.slice(2));
    expect(splitSigmas(s, 99)[1]).toEqual([0]);
  });

  it("remainingSchedule on karras is karras from the current sigma", () => {
    const fn = (n: number) => SCHEDULES.karras(eps, n);
    const full = fn(30);
    const rest = remainingSchedule(fn, full[10], 5);
    const expected = karrasSigmas(eps.sigmaMin, full[10], 5);
    expect(rest).toHaveLength(6);
    expect(rest[0]).toBe(full[10]);
    for (let i = 1; i < 5; i++) expect(rest[i] / expected[i]).toBeCloseTo(1, 5);
    expect(rest[5]).toBe(0);
  });

  it("remainingSchedule keeps any schedule's shape valid", () => {
    for (const name of SCHEDULE_NAMES) {
      const fn = (n: number) => SCHEDULES[name](flow, n);
      const now = fn(20)[7];
      for (const steps of [1, 3, 40]) {
        const rest = remainingSchedule(fn, now, steps);
        expect(rest).toHaveLength(steps + 1);
        expect(rest[0]).toBe(now);
        expect(rest[steps]).toBe(0);
        for (let i = 1; i < rest.length; i++) expect(rest[i]).toBeLessThan(rest[i - 1]);
      }
    }
  });
});
