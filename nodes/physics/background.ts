import type { BackgroundName } from "./vocabulary.ts";

type RGB = [number, number, number];
const mix = (a: RGB, b: RGB, t: number): RGB => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];

/** Deterministic star field: a pixel is a star when its hash is rare. */
function star(x: number, y: number): number {
  let h = Math.imul(x * 374761393 + y * 668265263, 1274126177) >>> 0;
  h = (h ^ (h >>> 13)) >>> 0;
  return h % 97 === 0 ? 0.6 + (h % 7) / 17 : 0;
}

/**
 * The background's hard-edged detail (the sea and hedge bands, the stars) is laid out on a grid of
 * this many cells across the frame at any larger resolution: a render k× larger draws each cell as a
 * k×k block, so it area-averages back to the small render (what an upscaler learns from).
 */
export const DETAIL_GRID = 64;

/**
 * Paints one background into an RGB float buffer (0–255), resolution-independent.
 * `groundTop` is the ground line in pixels from the top.
 */
export function paintBackground(bg: BackgroundName, w: number, h: number, groundTop: number): Float32Array {
  const out = new Float32Array(w * h * 3);
  const sunX = 0.72 * w, sunY = groundTop - 0.08 * h, sunR = 0.11 * w;
  const cell = Math.max(1, w / DETAIL_GRID);
  for (let y = 0; y < h; y++) {
    const t = y / Math.max(1, groundTop);
    const row = Math.floor(y / cell); // the detail grid's row, compared with band tops in grid rows
    for (let x = 0; x < w; x++) {
      let c: RGB;
      const ground = y + 0.5 >= groundTop;
      switch (bg) {
        case "sky":
          c = ground ? mix([140, 112, 84], [110, 86, 64], (y - groundTop) / (h - groundTop + 1)) : mix([80, 140, 225], [185, 215, 245], t);
          break;
        case "night": {
          c = ground ? [42, 42, 56] : mix([8, 12, 36], [32, 42, 86], t);
          const s = ground ? 0 : star(Math.floor(x / cell), row);
          if (s > 0) c = mix(c, [255, 255, 240], s);
          break;
        }
        case "sunset": {
          c = ground ? [78, 52, 48] : mix([72, 48, 120], [250, 150, 80], t);
          if (!ground) {
            const d = Math.hypot(x + 0.5 - sunX, y + 0.5 - sunY) - sunR;
            const cover = Math.min(1, Math.max(0, 0.5 - d / Math.min(1, w / DETAIL_GRID))); // one pixel's ramp
            c = mix(c, [255, 214, 110], cover);
          }
          break;
        }
        case "beach": {
          const seaTop = groundTop - 0.12 * h;
          c = ground ? mix([236, 214, 160], [214, 190, 136], (y - groundTop) / (h - groundTop + 1)) : row >= seaTop / cell ? [40, 118, 188] : mix([110, 170, 235], [190, 225, 250], y / seaTop);
          break;
        }
        case "grass":
          c = ground ? [68, 150, 58] : mix([100, 160, 230], [200, 228, 248], t);
          if (!ground && row >= (groundTop - 0.06 * h) / cell) c = [92, 170, 80];
          break;
      }
      const i = (y * w + x) * 3;
      out[i] = c[0]; out[i + 1] = c[1]; out[i + 2] = c[2];
    }
  }
  return out;
}
