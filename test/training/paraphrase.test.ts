import { describe, expect, it } from "vitest";
import { heldOutPrompts } from "../../training/eval/held-out.ts";
import { paraphrase } from "../../training/eval/paraphrase.ts";
import { freshParaphrase } from "../../training/eval/paraphrase-fresh.ts";
import { thirdParaphrase } from "../../training/eval/paraphrase-third.ts";

// The first 200 held-out scenes, each with its grammar prompt as the eval phrases it.
const scenes = heldOutPrompts(200);

describe("the paraphrase split", () => {
  it("names each held-out scene's colour and count in other words than the grammar's, the same way every time", () => {
    const counts = ["a|one|a single|1|an", "two|2|a pair of|a couple of", "three|3|a trio of"];
    let differs = 0;
    for (const { prompt: grammar, seed, description: d } of scenes) {
      const text = paraphrase(d, seed);
      expect(paraphrase(d, seed)).toBe(text);
      expect(text.toLowerCase()).toContain(d.color);
      expect(text.toLowerCase()).toMatch(new RegExp(`^(.*, )?(${counts[d.count - 1]}) `));
      if (text !== grammar) differs++;
    }
    expect(differs).toBe(200);
  });

  it("the fresh split (written blind) also names each scene's colour, differs from the grammar, and repeats itself for a seed", () => {
    let differs = 0;
    for (const { prompt: grammar, seed, description: d } of scenes) {
      const text = freshParaphrase(d, seed);
      expect(freshParaphrase(d, seed)).toBe(text);
      expect(text.toLowerCase()).toContain(d.color);
      if (text !== grammar && text !== paraphrase(d, seed)) differs++;
    }
    expect(differs).toBe(200);
  });

  it("the third split (written blind) names each scene's colour, its walls and its side, differs from the others, and repeats itself for a seed", () => {
    let differs = 0;
    for (const { prompt: grammar, seed, description: d } of scenes) {
      const text = thirdParaphrase(d, seed);
      expect(thirdParaphrase(d, seed)).toBe(text);
      const lower = text.toLowerCase();
      expect(lower).toContain(d.color);
      if (d.walls) expect(lower).toContain("wall");
      if (d.motion.endsWith("_left")) expect(lower).toMatch(/left/);
      if (d.motion.endsWith("_right")) expect(lower).toMatch(/right/);
      if (text !== grammar && text !== paraphrase(d, seed) && text !== freshParaphrase(d, seed)) differs++;
    }
    expect(differs).toBe(200);
  });
});
