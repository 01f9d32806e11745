import { describe, expect, it } from "vitest";
import { loadTokenizer, readManifest } from "../../nodes/model/pack.ts";
import { parsePrompt } from "../../nodes/physics/parse.ts";
import { createRng } from "../../nodes/physics/rng.ts";
import { isHeldOut, sampleDescription } from "../../nodes/physics/sample.ts";
import { augmentedPhrase, canonicalPhrase } from "../../training/augment.ts";

describe("training paraphrases for the text encoder", () => {
  it("phrase training scenes only, deterministically, and name the scene's colour", () => {
    for (let i = 0; i < 500; i++) {
      const d = sampleDescription(7 * 1_000_003 + i, "train");
      expect(isHeldOut(d)).toBe(false);
      const text = augmentedPhrase(d, createRng(i));
      expect(augmentedPhrase(d, createRng(i))).toBe(text);
      expect(text.toLowerCase()).toContain(d.color);
    }
  });

  it("pair each with a grammar phrasing the shipped tokenizer reads without a gap, and that parses back to the scene", () => {
    const tokenize = loadTokenizer("models/physics-tiny", readManifest("models/physics-tiny"));
    for (let i = 0; i < 200; i++) {
      const d = sampleDescription(i, "train");
      const target = canonicalPhrase(d);
      expect(tokenize(target).unknown).toEqual([]);
      expect(parsePrompt(target).description).toMatchObject({ color: d.color, shape: d.shape, count: d.count, background: d.background });
    }
  });
});
