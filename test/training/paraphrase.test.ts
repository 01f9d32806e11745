import { describe, expect, it } from "vitest";
import type { SceneDescription } from "../../nodes/physics/describe.ts";
import { heldOutPrompts } from "../../training/eval/held-out.ts";
import { paraphrase } from "../../training/eval/paraphrase.ts";
import { freshParaphrase } from "../../training/eval/paraphrase-fresh.ts";
import { thirdParaphrase } from "../../training/eval/paraphrase-third.ts";

type Phrasing = (d: SceneDescription, seed: number) => string;

// The first 200 held-out scenes, each with its grammar prompt as the eval phrases it.
const scenes = heldOutPrompts(200);

/**
 * Every scene's text in `phrasing`: the same for its seed, naming the scene's colour, passing `check`,
 * and different from the grammar's prompt and from each of `others`, for all 200.
 */
function eachScene(phrasing: Phrasing, others: Phrasing[], check: (lower: string, d: SceneDescription) => void): void {
  let differs = 0;
  for (const { prompt: grammar, seed, description: d } of scenes) {
    const text = phrasing(d, seed);
    expect(phrasing(d, seed)).toBe(text);
    const lower = text.toLowerCase();
    expect(lower).toContain(d.color);
    check(lower, d);
    if (text !== grammar && others.every((other) => text !== other(d, seed))) differs++;
  }
  expect(differs).toBe(200);
}

describe("the paraphrase split", () => {
  it("names each held-out scene's colour and count in other words than the grammar's, the same way every time", () => {
    const counts = ["a|one|a single|1|an", "two|2|a pair of|a couple of", "three|3|a trio of"];
    eachScene(paraphrase, [], (lower, d) => expect(lower).toMatch(new RegExp(`^(.*, )?(${counts[d.count - 1]}) `)));
  });

  it("the fresh split (written blind) also names each scene's colour, differs from the grammar, and repeats itself for a seed", () => {
    eachScene(freshParaphrase, [paraphrase], () => undefined);
  });

  it("the third split (written blind) names each scene's colour, its walls and its side, differs from the others, and repeats itself for a seed", () => {
    eachScene(thirdParaphrase, [paraphrase, freshParaphrase], (lower, d) => {
      if (d.walls) expect(lower).toContain("wall");
      if (d.motion.endsWith("_left")) expect(lower).toMatch(/left/);
      if (d.motion.endsWith("_right")) expect(lower).toMatch(/right/);
    });
  });
});
