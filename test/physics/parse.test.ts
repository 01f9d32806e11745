import { describe, expect, it } from "vitest";
import { parsePrompt } from "../../nodes/physics/parse.ts";
import { grammarPhrasings, phrase } from "../../nodes/physics/phrase.ts";
import { createRng } from "../../nodes/physics/rng.ts";
import { sampleDescription } from "../../nodes/physics/sample.ts";

describe("prompt parser", () => {
  it("maps the words of a plain prompt", () => {
    const r = parsePrompt("two blue boxes slide to the right and collide at sunset");
    expect(r.description).toMatchObject({ count: 2, color: "blue", shape: "box", motion: "collide", background: "sunset" });
    expect(r.unmapped).toEqual([]);
  });

  it("reads direction, size, material and place", () => {
    expect(parsePrompt("a small green ball is thrown to the left on the beach").description).toMatchObject({ size: "small", color: "green", motion: "thrown_left", background: "beach" });
    expect(parsePrompt("a big bouncy yellow cube falls on the left at night").description).toMatchObject({ size: "large", material: "bouncy", shape: "box", motion: "falls", place: "left", background: "night" });
    expect(parsePrompt("a heavy purple wedge rolls right").description).toMatchObject({ material: "heavy", shape: "triangle", motion: "rolls_right" });
  });

  it("keeps the object's colour when the background names another one", () => {
    expect(parsePrompt("a red ball falls on a green lawn").description).toMatchObject({ color: "red", background: "grass" });
  });

  it("reports the words it cannot map", () => {
    const r = parsePrompt("a shiny red ball falls slowly into a volcano");
    expect(r.unmapped).toEqual(["shiny", "slowly", "volcano"]);
    expect(r.description.color).toBe("red");
  });

  it("asks for two objects when they collide", () => {
    expect(parsePrompt("balls collide").description.count).toBe(2);
  });

  it("recovers every generated phrasing's description", () => {
    for (let i = 0; i < 300; i++) {
      const d = sampleDescription(i, "train");
      const r = parsePrompt(phrase(d, createRng(i)));
      expect(r.unmapped).toEqual([]);
      const { place: _p, ...rest } = d;
      expect(r.description).toMatchObject({ ...rest, count: d.motion === "collide" ? Math.max(2, d.count) : d.count });
    }
  });

  it("lists every phrasing the grammar gives for a scene, and only those", () => {
    const d = sampleDescription(3, "train");
    const all = grammarPhrasings(d);
    for (let i = 0; i < 300; i++) expect(all.has(phrase(d, createRng(i)))).toBe(true);
    // One red ball falling under a plain sky: 2 nouns × 4 verbs × 4 settings.
    const plain = grammarPhrasings({ shape: "ball", color: "red", size: "medium", material: "normal", count: 1, motion: "falls", background: "sky", walls: false });
    expect(plain.size).toBe(32);
    expect(plain.has("a red ball falls")).toBe(true);
    expect(plain.has("a red ball falls down")).toBe(false);
  });
});
