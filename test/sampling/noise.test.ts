import { describe, expect, it } from "vitest";
import { createNoise } from "../../nodes/sampling/noise.ts";
import { mean, std } from "../../nodes/sampling/tensor.ts";

describe("createNoise", () => {
  it("produces the recorded first values for known seeds (portable: integer ops + Box–Muller)", () => {
    // recorded once from this implementation; a change here changes every saved workflow's output
    expect(Array.from(createNoise(0).randn(4))).toEqual([
      0.40592570946183859, -0.57952635977383904, 2.6287182752268321, -1.9804122999520117,
    ]);
    expect(Array.from(createNoise(42).randn(4))).toEqual([
      0.26633307587257471, 0.71540011067595766, -0.83533211061626311, -0.83121030512466365,
    ]);
    // seeds above 2^32 use their high word too
    expect(Array.from(createNoise(2 ** 40 + 7).randn(2))).toEqual([-1.3626449954945608, 0.089452146675616351]);
  });

  it("is standard normal over 1e5 draws", () => {
    const z = createNoise(7).randn(100_000);
    // standard errors: mean 1/√1e5 ≈ 0.0032, std ≈ 0.0022; tolerances are ~4 of them
    expect(Math.abs(mean(z))).toBeLessThan(0.013);
    expect(Math.abs(std(z) - 1)).toBeLessThan(0.009);
    const tail = z.filter((v) => Math.abs(v) > 1.96).length / z.length;
    expect(Math.abs(tail - 0.05)).toBeLessThan(0.003);
    expect(z.every(Number.isFinite)).toBe(true);
  });

  it("continues one stream across calls and repeats it for the same seed", () => {
    const a = createNoise(9);
    const parts = [...a.randn(3), ...a.randn(3), ...a.randn(5)];
    expect(parts).toEqual(Array.from(createNoise(9).randn(11)));
    expect(Array.from(createNoise(10).randn(11))).not.toEqual(parts);
  });

  it("separates seeds that differ only in the high word", () => {
    expect(Array.from(createNoise(1).randn(4))).not.toEqual(Array.from(createNoise(1 + 2 ** 32).randn(4)));
  });

  it("rejects seeds that are not non-negative safe integers", () => {
    expect(() => createNoise(-1)).toThrow(RangeError);
    expect(() => createNoise(1.5)).toThrow(RangeError);
    expect(() => createNoise(2 ** 53)).toThrow(RangeError);
  });
});
