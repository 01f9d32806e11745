import { describe, expect, it } from "vitest";
import { burnAiMark, markBox } from "../../nodes/video/ai-mark.ts";

function grey(width: number, height: number): Uint8Array {
  return new Uint8Array(width * height * 3).fill(100);
}

describe("AI mark", () => {
  it("fits the full label in the bottom-right corner of a 64 px frame, 1 px per font pixel", () => {
    expect(markBox(64, 64)).toEqual({ text: "AI-GENERATED", x: 14, y: 56, width: 49, height: 7, scale: 1 });
  });

  it("grows with the frame and falls back to smaller scales, then to \"AI\", then to nothing", () => {
    expect(markBox(1280, 720)).toMatchObject({ text: "AI-GENERATED", scale: 4, width: 196, height: 28 });
    expect(markBox(960, 20)).toMatchObject({ text: "AI-GENERATED", scale: 2 });
    expect(markBox(32, 32)).toMatchObject({ text: "AI", width: 9, scale: 1 });
    expect(markBox(8, 8)).toBeUndefined();
  });

  it("shades the box and draws white glyph pixels, touching nothing outside it", () => {
    const rgb = grey(64, 64);
    burnAiMark(rgb, 64, 64);
    const at = (x: number, y: number) => rgb[(y * 64 + x) * 3];
    // "A" top row is ".#.": the box's padding pixel is shaded, the glyph pixel white.
    expect(at(15, 57)).toBe(30);
    expect(at(16, 57)).toBe(255);
    expect(at(13, 60)).toBe(100);
    expect(at(63, 63)).toBe(100);
    const changed = [...rgb].filter((v) => v !== 100).length / 3;
    expect(changed).toBe(49 * 7);
  });
});
