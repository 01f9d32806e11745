import { describe, expect, it } from "vitest";
import upscaleFrames from "../../nodes/video/upscale-frames.ts";
import { BACKGROUND, makeCtx, movingSquare, sandbox, SQUARE } from "./helpers.ts";

const base = { by: "factor", factor: 4, width: 512, height: 512, fit: "stretch", method: "nearest" } as const;

describe("Upscale Frames", () => {
  it("nearest ×4 repeats every pixel 4×4 and keeps batch, frame count and fps", async () => {
    const frames = movingSquare({ width: 16, height: 16, frames: 3, batch: 2, fps: 12 });
    const { outputs } = await upscaleFrames.run(makeCtx(sandbox()), { ...base, frames });
    const out = outputs.FRAMES;
    expect({ w: out.width, h: out.height, f: out.frames, b: out.batch, fps: out.fps, len: out.rgb.length }).toEqual({ w: 64, h: 64, f: 3, b: 2, fps: 12, len: 2 * 3 * 64 * 64 * 3 });
    for (const [clip, frame] of [[0, 0], [1, 2]]) {
      for (let y = 0; y < 64; y++) {
        for (let x = 0; x < 64; x++) {
          const i = (((clip * 3 + frame) * 64 + y) * 64 + x) * 3;
          const j = (((clip * 3 + frame) * 16 + (y >> 2)) * 16 + (x >> 2)) * 3;
          if (out.rgb[i] !== frames.rgb[j] || out.rgb[i + 2] !== frames.rgb[j + 2]) throw new Error(`pixel ${x},${y} of clip ${clip} frame ${frame} differs`);
        }
      }
    }
    expect(frames.width).toBe(16); // the input value is untouched
  });

  it("resizes to a size with bilinear or lanczos3, blending at the square's edge", async () => {
    const frames = movingSquare({ width: 64, height: 64, frames: 1 });
    for (const method of ["bilinear", "lanczos3"] as const) {
      const { outputs } = await upscaleFrames.run(makeCtx(sandbox()), { ...base, by: "size", width: 256, height: 128, method, frames });
      const out = outputs.FRAMES;
      expect([out.width, out.height]).toEqual([256, 128]);
      const red = (x: number, y: number) => out.rgb[(y * 256 + x) * 3];
      expect(red(30, 20)).toBe(SQUARE[0]); // well inside the square (x 2–14, y 4–16 → ×4, ×2)
      expect(red(200, 100)).toBe(BACKGROUND[0]);
      const edge = red(55, 20); // the square's right edge at x = 14 → 56
      expect(edge).toBeGreaterThan(BACKGROUND[0]);
      expect(edge).toBeLessThan(SQUARE[0] + 10);
    }
  });

  it("pads or crops when the aspect ratio changes", async () => {
    const frames = movingSquare({ width: 64, height: 64, frames: 1 });
    const pad = (await upscaleFrames.run(makeCtx(sandbox()), { ...base, by: "size", width: 256, height: 128, fit: "pad", frames })).outputs.FRAMES;
    expect([pad.rgb[0], pad.rgb[1], pad.rgb[2]]).toEqual([0, 0, 0]); // left bar
    expect(pad.rgb[(64 * 256 + 128) * 3 + 2]).toBe(BACKGROUND[2]);
    const crop = (await upscaleFrames.run(makeCtx(sandbox()), { ...base, by: "size", width: 256, height: 128, fit: "crop", frames })).outputs.FRAMES;
    // Cover: scaled to 256×256, rows 64–191 kept; the square (rows 16–63 once scaled) is cut away.
    expect(crop.rgb.length).toBe(256 * 128 * 3);
    expect(crop.rgb.filter((v, i) => i % 3 === 0 && v === SQUARE[0]).length).toBe(0);
    expect(crop.rgb[2]).toBe(BACKGROUND[2]);
  });

  it("refuses sizes beyond 4096 px a side, naming the field", async () => {
    const frames = movingSquare({ width: 64, height: 64, frames: 1 });
    await expect(upscaleFrames.run(makeCtx(sandbox()), { ...base, factor: 16, frames: { ...frames, width: 512, height: 8, rgb: new Uint8Array(512 * 8 * 3) } })).rejects.toThrow(/^factor: 8192×128/);
  });
});
