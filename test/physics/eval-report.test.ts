import { describe, expect, it } from "vitest";
import type { ClipMetrics } from "../../nodes/physics/measure.ts";
import { countByObjects, formatCountSplit } from "../../training/eval/report.ts";

describe("the eval's count split", () => {
  it("splits count accuracy by the objects each prompt asks for", () => {
    const clip = (ok: boolean) => ({ count_ok: ok }) as ClipMetrics;
    const split = countByObjects([clip(true), clip(false), clip(true), clip(true), clip(false)], [1, 3, 2, 1, 3]);
    expect(split).toEqual([
      { objects: 1, right: 2, of: 2, acc: 1 },
      { objects: 2, right: 1, of: 1, acc: 1 },
      { objects: 3, right: 0, of: 2, acc: 0 },
    ]);
    expect(formatCountSplit(split)).toBe("count by objects: 1: 2/2 (1.00), 2: 1/1 (1.00), 3: 0/2 (0.00)");
  });
});
