// The visible "AI-GENERATED" label burned into the bottom-right corner of a frame. A 3×5 bitmap
// font, scaled by whole pixels: crisp and legible from 64 px frames up, no fonts needed.

const GLYPHS: Record<string, string[]> = {
  A: [".#.", "#.#", "###", "#.#", "#.#"],
  I: ["###", ".#.", ".#.", ".#.", "###"],
  "-": ["...", "...", "###", "...", "..."],
  G: [".##", "#..", "#.#", "#.#", ".##"],
  E: ["###", "#..", "##.", "#..", "###"],
  N: ["##.", "#.#", "#.#", "#.#", "#.#"],
  R: ["##.", "#.#", "##.", "#.#", "#.#"],
  T: ["###", ".#.", ".#.", ".#.", ".#."],
  D: ["##.", "#.#", "#.#", "#.#", "##."],
};
const GLYPH_W = 3;
const GLYPH_H = 5;
/** The full label, and the short one for frames too small for it. */
export const AI_LABELS = ["AI-GENERATED", "AI"] as const;
/** Background under the text keeps this share of its brightness. */
const SHADE = 0.3;

export interface MarkBox {
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
  scale: number;
}

/** Where the label goes on a frame of this size; undefined when even "AI" does not fit. */
export function markBox(width: number, height: number): MarkBox | undefined {
  // The full label at about 1/7 of the longer side; smaller, then "AI" alone, when the frame is tight.
  for (const text of AI_LABELS) {
    for (let scale = Math.max(1, Math.round(Math.max(width, height) / 320)); scale >= 1; scale--) {
      const w = (text.length * (GLYPH_W + 1) + 1) * scale; // 1 px padding each side, 1 px between glyphs
      const h = (GLYPH_H + 2) * scale;
      const margin = scale;
      if (w + 2 * margin <= width && h + 2 * margin <= height) {
        return { text, x: width - w - margin, y: height - h - margin, width: w, height: h, scale };
      }
    }
  }
  return undefined;
}

/** Burns the label into one RGB frame in place (pass a copy: frames upstream are shared). */
export function burnAiMark(rgb: Uint8Array, width: number, height: number, box = markBox(width, height)): void {
  if (!box) return;
  const { x: bx, y: by, scale: s } = box;
  for (let y = by; y < by + box.height; y++) {
    for (let x = bx; x < bx + box.width; x++) {
      const i = (y * width + x) * 3;
      rgb[i] = rgb[i] * SHADE;
      rgb[i + 1] = rgb[i + 1] * SHADE;
      rgb[i + 2] = rgb[i + 2] * SHADE;
    }
  }
  [...box.text].forEach((ch, k) => {
    const rows = GLYPHS[ch];
    for (let gy = 0; gy < GLYPH_H; gy++) {
      for (let gx = 0; gx < GLYPH_W; gx++) {
        if (rows[gy][gx] !== "#") continue;
        const x0 = bx + (1 + k * (GLYPH_W + 1) + gx) * s;
        const y0 = by + (1 + gy) * s;
        for (let dy = 0; dy < s; dy++) rgb.fill(255, ((y0 + dy) * width + x0) * 3, ((y0 + dy) * width + x0 + s) * 3);
      }
    }
  });
}
