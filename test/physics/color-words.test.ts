import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { COLOR_WORDS, colorsSettingAt, nearestColor, paletteColorFor, substituteColors } from "../../nodes/model/color-words.ts";
import { parsePrompt } from "../../nodes/physics/parse.ts";
import { COLORS } from "../../nodes/physics/vocabulary.ts";

describe("colour words outside the palette", () => {
  it("are drawn as the palette's nearest hue, a grey as the nearest of white and black", () => {
    expect(paletteColorFor("pink", COLORS)).toBe("red");
    expect(paletteColorFor("Crimson", COLORS)).toBe("red");
    expect(paletteColorFor("gold", COLORS)).toBe("yellow");
    expect(paletteColorFor("lavender", COLORS)).toBe("purple");
    expect(paletteColorFor("brown", COLORS)).toBe("orange");
    expect(paletteColorFor("silver", COLORS)).toBe("white");
    expect(paletteColorFor("charcoal", COLORS)).toBe("black");
    // Palette words and words that are not colours are left alone.
    expect(paletteColorFor("red", COLORS)).toBeUndefined();
    expect(paletteColorFor("ball", COLORS)).toBeUndefined();
    // Every word maps into the palette, whatever the palette.
    for (const w of Object.keys(COLOR_WORDS)) expect(Object.keys(COLORS)).toContain(paletteColorFor(w, COLORS));
    expect(nearestColor([250, 10, 10], { teal: [0, 128, 128], crimson: [220, 20, 60] })).toBe("crimson");
  });

  it("are replaced in the text and listed once each", () => {
    const r = substituteColors("A Pink ball and a pink box by a RED wall", COLORS);
    expect(r.text).toBe("A red ball and a red box by a RED wall");
    expect(r.substituted).toEqual([{ word: "pink", as: "red" }]);
    expect(substituteColors("a pink ball", undefined)).toEqual({ text: "a pink ball", substituted: [] });
  });

  it("are left as typed where they colour the setting, not an object, in the text and in the scene", () => {
    const r = substituteColors("Over brown dirt, a pink ball; under a grey sky. A brown, dusty box.", COLORS);
    expect(r.text).toBe("Over brown dirt, a red ball; under a grey sky. A orange, dusty box.");
    expect(r.substituted).toEqual([{ word: "pink", as: "red" }, { word: "brown", as: "orange" }]);
    const p = parsePrompt("over brown dirt, a white box falls");
    expect(p.description.color).toBe("white");
    expect(p.substituted).toEqual([]);
  });

  it("colour the setting just before a setting word, or one word before it", () => {
    const words = "a white box under a black starry sky on green grass by a blue ocean of red".split(" ");
    expect(words.flatMap((w, i) => (w in COLORS && colorsSettingAt(words, i) ? [w] : []))).toEqual(["black", "green", "blue"]);
    expect(colorsSettingAt(["a", "red", "starry", "ball"], 1)).toBe(false);
    expect(substituteColors("A pink ball under a grey starry sky", COLORS).text).toBe("A red ball under a grey starry sky");
    expect(parsePrompt("under a crimson starry sky a white box falls").description.color).toBe("white");
  });

  it("of the palette, colour the scene's objects only when the prompt names no other colour", () => {
    const colour = (p: string) => parsePrompt(p).description.color;
    expect(colour("under a red sky a white box falls")).toBe("white");
    expect(colour("On green grass, two yellow balls collide.")).toBe("yellow");
    expect(colour("Against a black starry sky, a blue box is thrown to the left")).toBe("blue");
    // The scene needs a colour: with no other, the setting's is drawn, as the text side does.
    expect(colour("a ball falls under a red sky")).toBe("red");
    expect(colour("a red ball on a green lawn")).toBe("red");
  });

  it("reach the physics scene as the same colour the text side draws, with the substitution reported", () => {
    const r = parsePrompt("A gold ball falls.");
    expect(r.description.color).toBe("yellow");
    expect(r.substituted).toEqual([{ word: "gold", as: "yellow" }]);
    expect(r.unmapped).toEqual([]);
    // "Golden hour" is a time of day, not a colour.
    expect(parsePrompt("At golden hour, a blue ball falls").description.color).toBe("blue");
    expect(substituteColors("at golden hour", COLORS).substituted).toEqual([]);
  });

  it("the bundled pack's palette is the world's", () => {
    const manifest = JSON.parse(readFileSync("models/physics-tiny/manifest.json", "utf8")) as { palette: unknown };
    expect(manifest.palette).toEqual(COLORS);
  });
});
