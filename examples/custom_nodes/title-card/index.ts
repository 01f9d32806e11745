// A custom node pack of one node, Title Card: draws a caption onto a clip's frames. It is loaded
// from any folder (`t2v serve --custom-nodes <folder holding title-card/>`): it imports nothing of
// the studio's at run time — the studio hands its node API to the default export — and only types
// at check time. See README.md here and docs/custom-nodes.md.
import type { Frames, NodePack } from "../../../core/index.ts";
import { GLYPH_H, GLYPH_W, glyph } from "./font.ts";

export type Position = "top" | "center" | "bottom";

export interface Caption {
  text: string;
  position: Position;
  /** Each font dot becomes size × size pixels: a letter is 7 × size px tall. */
  size: number;
  rgb: [number, number, number];
  /** How much darker the band behind the text is: 0 none, 1 black. */
  background: number;
  /** The frames it shows on: [start, start + duration), duration 0 = to the end. */
  start: number;
  duration: number;
}

/** "#rgb" or "#rrggbb" (the "#" optional) → [r, g, b]; throws a sentence otherwise. */
export function parseColour(text: string): [number, number, number] {
  const hex = text.trim().replace(/^#/, "");
  const full = /^[0-9a-f]{3}$/i.test(hex) ? [...hex].map((c) => c + c).join("") : hex;
  if (!/^[0-9a-f]{6}$/i.test(full)) throw new Error(`colour: "${text}" is not a colour like #ffcc00`);
  return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16)) as [number, number, number];
}

/** Lines of at most `max` characters, broken at spaces (a longer word is cut). */
export function wrap(text: string, max: number): string[] {
  const lines: string[] = [];
  for (const para of text.split("\n")) {
    let line = "";
    for (const word of para.split(/\s+/).filter(Boolean)) {
      for (let w = word; w.length > 0; w = w.slice(max)) {
        const piece = w.slice(0, max);
        if (line && line.length + 1 + piece.length <= max) line += ` ${piece}`;
        else {
          if (line) lines.push(line);
          line = piece;
        }
      }
    }
    lines.push(line);
  }
  return lines;
}

/** Draws the caption onto a copy of the clip; the input is left as it was (upstream values are shared). */
export function drawCaption(clip: Frames, c: Caption): Frames {
  const rgb = new Uint8Array(clip.rgb);
  const { width, height } = clip;
  const s = Math.max(1, Math.floor(c.size));
  const advance = (GLYPH_W + 1) * s;
  const lines = wrap(c.text, Math.max(1, Math.floor((width - 2 * s) / advance)));
  const lineH = (GLYPH_H + 2) * s;
  const bandH = lines.length * lineH;
  const top = c.position === "top" ? s : c.position === "bottom" ? height - bandH - s : Math.floor((height - bandH) / 2);
  const end = c.duration === 0 ? clip.frames : Math.min(clip.frames, c.start + c.duration);
  const frameBytes = width * height * 3;
  const keep = 1 - c.background;
  const put = (base: number, x: number, y: number) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    rgb.set(c.rgb, base + (y * width + x) * 3);
  };
  for (let b = 0; b < clip.batch; b++) {
    for (let f = c.start; f < end; f++) {
      const base = (b * clip.frames + f) * frameBytes;
      for (let y = Math.max(0, top); y < Math.min(height, top + bandH); y++) {
        for (let i = base + y * width * 3; i < base + (y + 1) * width * 3; i++) rgb[i] = Math.round(rgb[i] * keep);
      }
      lines.forEach((line, l) => {
        const x0 = Math.floor((width - line.length * advance + s) / 2);
        const y0 = top + s + l * lineH;
        [...line].forEach((ch, k) => {
          glyph(ch).forEach((row, gy) =>
            row.forEach((ink, gx) => {
              if (!ink) return;
              for (let dy = 0; dy < s; dy++) for (let dx = 0; dx < s; dx++) put(base, x0 + k * advance + gx * s + dx, y0 + gy * s + dy);
            }),
          );
        });
      });
    }
  }
  return { ...clip, rgb };
}

const pack: NodePack = ({ defineNode, p, FRAMES }) => [
  defineNode({
    type: "titlecard.TitleCard",
    version: 1,
    title: "Title Card",
    category: "video/text",
    description: "Draws a caption (capitals, digits and punctuation; lower case is drawn as capitals) onto the clip, on a darkened band, for the chosen frames.",
    inputs: { frames: { type: FRAMES } },
    params: {
      text: p.multiline({ default: "TITLE", description: "the caption; long lines wrap, a newline starts a new one" }),
      position: p.choice(["top", "center", "bottom"], { default: "bottom", description: "where the caption sits" }),
      size: p.int({ default: 1, min: 1, max: 32, description: "each font dot becomes size × size pixels (letters are 7 × size px tall)" }),
      colour: p.text({ default: "#ffffff", description: "text colour, #rrggbb" }),
      background: p.slider({ default: 0.6, min: 0, max: 1, step: 0.05, description: "how much darker the band behind the text is (0: no band)" }),
      start: p.int({ default: 0, min: 0, max: 100_000, description: "first frame it shows on" }),
      duration: p.int({ default: 0, min: 0, max: 100_000, description: "frames it stays (0: to the end)" }),
    },
    outputs: { FRAMES },
    run: (ctx, { frames, text, position, size, colour, background, start, duration }) => {
      ctx.signal.throwIfAborted();
      const rgb = parseColour(colour);
      return { outputs: { FRAMES: drawCaption(frames, { text, position, size, rgb, background, start, duration }) } };
    },
  }),
];

export default pack;
