import { describe, expect, it } from "vitest";
import type { ClipMetrics } from "../../nodes/physics/measure.ts";
import { countSplit, formatCountSplit } from "../../training/eval/report.ts";

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
