import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Frames } from "../../nodes/model/values.ts";
import { testEngine, template, withParams } from "./helpers.ts";

const engine = testEngine();

async function clip(prompt: string, seed: number): Promise<Frames> {
  let wf = withParams(template(), "2", { text: prompt });
  wf = withParams(wf, "4", { seed });
  const r = await engine.run(wf, { targets: ["7"] });
  expect(r.error).toBeUndefined();
  return r.values["7"]!.FRAMES as Frames;
}

describe("one real generation on the shipped pack", { timeout: 300_000 }, () => {
  it("has the pack's shape, real content, and is deterministic for a seed", async () => {
    const a = await clip("a red ball falls and bounces on the ground", 11);
    expect([a.frames, a.height, a.width, a.batch, a.fps]).toEqual([16, 64, 64, 1, 8]);
    expect(a.rgb.length).toBe(16 * 64 * 64 * 3);
    let min = 255, max = 0;
    for (const v of a.rgb) { min = Math.min(min, v); max = Math.max(max, v); }
    expect(max - min).toBeGreaterThan(100); // an image, not a flat field
    engine.clearCache();
    const b = await clip("a red ball falls and bounces on the ground", 11);
    const hash = (f: Frames) => createHash("sha256").update(f.rgb).digest("hex");
    expect(hash(b)).toBe(hash(a));
    const c = await clip("a red ball falls and bounces on the ground", 12);
    expect(hash(c)).not.toBe(hash(a));
  });
});
