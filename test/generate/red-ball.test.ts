// The model-quality acceptance check of the bundled model: a red ball in the prompt gives a red object
// on screen. It runs the real pack through the real graph, so it fails when a re-trained pack draws
// the wrong colour, too little object, or nothing.
import { describe, expect, it } from "vitest";
import type { Frames } from "../../nodes/model/values.ts";
import { backgroundTemplate, nameColor, objectMask } from "../../nodes/physics/measure.ts";
import { testEngine, template, withParams } from "./helpers.ts";

const engine = testEngine();

async function clip(prompt: string, seed: number): Promise<Frames> {
  const r = await engine.run(withParams(withParams(template(), "2", { text: prompt }), "4", { seed }), { targets: ["7"] });
  expect(r.error).toBeUndefined();
  return r.values["7"]!.FRAMES as Frames;
}

describe("what the shipped model draws", { timeout: 300_000 }, () => {
  it("a prompt with a red ball gives mostly red object pixels", async () => {
    let red = 0, total = 0;
    for (const seed of [1, 2, 3]) {
      const f = await clip("a large red ball falls and bounces on the ground", seed);
      const bg = backgroundTemplate("sky", 64, 64, 56);
      const px = 64 * 64 * 3;
      for (let k = 0; k < f.frames; k++) {
        const frame = f.rgb.subarray(k * px, (k + 1) * px);
        const mask = objectMask(frame, bg, 64, 64);
        mask.forEach((m, i) => {
          if (!m) return;
          total++;
          if (nameColor([frame[i * 3]!, frame[i * 3 + 1]!, frame[i * 3 + 2]!]) === "red") red++;
        });
      }
    }
    // Printed so a re-trained pack's margin shows in every run, not only when it drops below half.
    console.log(`red share of object pixels: ${(red / total).toFixed(3)} of ${total} px over 3 seeds`);
    expect(total).toBeGreaterThan(100);
    expect(red / total).toBeGreaterThan(0.5);
  });
});
