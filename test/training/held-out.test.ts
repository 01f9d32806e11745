import { describe, expect, it } from "vitest";
import { isHeldOut, sampleDescription } from "../../nodes/physics/sample.ts";
import { heldOutPrompts } from "../../training/eval/held-out.ts";

describe("held-out prompts", () => {
  it("gives a prompt the same scene and noise seed with --skip as in a run from the start", () => {
    const whole = heldOutPrompts(7);
    const tail = heldOutPrompts(3, 4);
    expect(tail).toEqual(whole.slice(4));
    expect(new Set(whole.map((h) => h.noiseSeed)).size).toBe(7);
  });

  it("draws only held-out scenes", () => {
    for (const h of heldOutPrompts(20)) expect(isHeldOut(sampleDescription(h.seed, "heldout"))).toBe(true);
  });
});
