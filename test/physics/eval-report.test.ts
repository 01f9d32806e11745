import { describe, expect, it } from "vitest";
import type { ClipMetrics } from "../../nodes/physics/measure.ts";
import { countSplit, formatCountSplit, medians, worst, worstTable } from "../../training/eval/report.ts";

const clip = (ok: boolean) => ({ count_ok: ok }) as ClipMetrics;

describe("the eval's count split", () => {
  it("splits count accuracy by the objects each prompt asks for", () => {
    const split = countSplit([clip(true), clip(false), clip(true), clip(true), clip(false)], [1, 3, 2, 1, 3]);
    expect(split).toEqual([
      { group: 1, right: 2, of: 2, acc: 1 },
      { group: 2, right: 1, of: 1, acc: 1 },
      { group: 3, right: 0, of: 2, acc: 0 },
    ]);
    expect(formatCountSplit("objects", split)).toBe("count by objects: 1: 2/2 (1.00), 2: 1/1 (1.00), 3: 0/2 (0.00)");
  });

  it("splits it by background as well, in name order", () => {
    const split = countSplit([clip(false), clip(true), clip(true), clip(false)], ["sunset", "night", "sunset", "sunset"]);
    expect(split).toEqual([
      { group: "night", right: 1, of: 1, acc: 1 },
      { group: "sunset", right: 1, of: 3, acc: 1 / 3 },
    ]);
    expect(formatCountSplit("background", split)).toBe("count by background: night: 1/1 (1.00), sunset: 1/3 (0.33)");
  });
});

describe("the eval's medians and worst prompts", () => {
  const m = (wrong: number, traj: number, accel?: number) =>
    ({ color_ok: wrong < 1, count_ok: wrong < 2, direction_ok: true, background_ok: true, permanence_ok: true, trajectory_err_px: traj, accel_err_rel: accel, penetration_px: 0 }) as ClipMetrics;
  const ms = [m(0, 1, 0.1), m(2, 0.5), m(0, 9, 0.3), m(1, 2, 0.2)];

  it("takes medians of the continuous metrics, over the clips that have them", () => {
    expect(medians(ms)).toEqual({ trajectory_err_px: 1.5, accel_err_rel: 0.2, penetration_px: 0, bounce_ratio: null });
  });

  it("ranks by attributes wrong, then trajectory; or by trajectory alone", () => {
    expect(worst(ms, 3)).toEqual([1, 3, 2]);
    expect(worst(ms, 2, "trajectory")).toEqual([2, 3]);
    expect(worstTable(ms, ["a", "b", "c", "d"], 1)).toBe("| # | prompt | wrong | trajectory px |\n|---|---|---|---|\n| 2 | b | color, count | 0.5 |");
  });
});
