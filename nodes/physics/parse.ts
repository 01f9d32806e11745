import { sceneDescription, type SceneDescription } from "./describe.ts";
import { colorsSettingAt, paletteColorFor, type ColorSubstitution } from "../model/color-words.ts";
import { COLOR_NAMES, COLORS, type MotionName } from "./vocabulary.ts";

// Prompt → scene description, reporting what it could not map. Rule-based on purpose: the world is
// small and a user must be able to predict what a word does.

const SYNONYMS: Record<string, Partial<Record<"shape" | "size" | "material" | "color" | "background", string>>> = {
  ball: { shape: "ball" }, balls: { shape: "ball" }, sphere: { shape: "ball" }, spheres: { shape: "ball" }, circle: { shape: "ball" },
  box: { shape: "box" }, boxes: { shape: "box" }, cube: { shape: "box" }, cubes: { shape: "box" }, crate: { shape: "box" }, crates: { shape: "box" }, block: { shape: "box" }, blocks: { shape: "box" }, square: { shape: "box" },
  triangle: { shape: "triangle" }, triangles: { shape: "triangle" }, wedge: { shape: "triangle" }, wedges: { shape: "triangle" },
  small: { size: "small" }, little: { size: "small" }, tiny: { size: "small" }, large: { size: "large" }, big: { size: "large" }, huge: { size: "large" },
  bouncy: { material: "bouncy" }, rubber: { material: "bouncy" }, heavy: { material: "heavy" }, metal: { material: "heavy" }, iron: { material: "heavy" }, steel: { material: "heavy" }, slippery: { material: "slippery" }, icy: { material: "slippery" }, ice: { material: "slippery" },
  violet: { color: "purple" }, night: { background: "night" }, starry: { background: "night" }, sunset: { background: "sunset" }, dusk: { background: "sunset" }, evening: { background: "sunset" },
  beach: { background: "beach" }, sea: { background: "beach" }, ocean: { background: "beach" }, sand: { background: "beach" },
  grass: { background: "grass" }, meadow: { background: "grass" }, lawn: { background: "grass" }, field: { background: "grass" },
  sky: { background: "sky" }, day: { background: "sky" },
};
for (const c of COLOR_NAMES) SYNONYMS[c] = { color: c };

const COUNTS: Record<string, number> = { a: 1, an: 1, one: 1, single: 1, two: 2, pair: 2, three: 3, "1": 1, "2": 2, "3": 3 };
const FALL = new Set(["falls", "fall", "falling", "drops", "drop", "dropping", "dropped", "bounces", "bounce", "bouncing"]);
const THROW = new Set(["thrown", "throw", "throws", "tossed", "toss", "tosses", "flies", "fly", "flying", "launched", "kicked", "jumps", "jump"]);
const ROLL = new Set(["rolls", "roll", "rolling", "slides", "slide", "sliding", "moves", "move", "moving", "glides", "glide"]);
const COLLIDE = new Set(["collide", "collides", "colliding", "crash", "crashes", "hit", "hits", "collision"]);
const UP = new Set(["up", "upward", "upwards", "high"]);
const WALLS = new Set(["wall", "walls"]);
/** Words that carry grammar, not scene content; never reported as unmapped. */
const FILLER = new Set(["the", "and", "on", "of", "to", "is", "are", "in", "at", "with", "from", "by", "under", "each", "other", "toward", "towards", "into", "onto", "ground", "floor", "above", "down", "clear", "middle", "center", "centre", "left", "right", "leftward", "rightward", "between", "then", "it", "they", "its", "their", "sun", "while", "as", "over", "across", "along"]);

export interface ParseResult {
  description: SceneDescription;
  /** Words the parser could not map to anything in the scene. */
  unmapped: string[];
  /** Colour words outside the palette, and the palette colour each became. */
  substituted: ColorSubstitution[];
}

export function parsePrompt(prompt: string): ParseResult {
  const words = prompt.toLowerCase().replace(/[^a-z0-9\s-]/g, " ").split(/\s+/).filter(Boolean);
  const out: Record<string, unknown> = {};
  const unmapped: string[] = [];
  const substituted: ColorSubstitution[] = [];
  let motionKind: "fall" | "throw" | "roll" | "collide" | undefined;
  let direction: "left" | "right" | "up" | undefined;
  let place: "left" | "center" | "right" | undefined;
  // A palette colour of the setting ("under a red sky a white box"): the objects' only if no other colour is named.
  let settingColor: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const prev = words[i - 1];
    const syn = SYNONYMS[w];
    if (syn && Object.keys(syn).length > 0) {
      // The first word for a field wins: "a red ball on a green lawn" keeps its red ball.
      for (const [k, v] of Object.entries(syn)) {
        if (k === "color" && colorsSettingAt(words, i)) settingColor ??= v;
        else out[k] ??= v;
      }
      continue;
    }
    const as = colorsSettingAt(words, i) ? undefined : paletteColorFor(w, COLORS);
    if (as !== undefined) {
      out.color ??= as;
      if (!substituted.some((x) => x.word === w)) substituted.push({ word: w, as });
      continue;
    }
    if (w in COUNTS) { out.count ??= COUNTS[w]; continue; } // later ones: "in a meadow", "two walls"
    if (FALL.has(w)) { motionKind ??= "fall"; continue; }
    if (THROW.has(w)) { if (motionKind !== "collide") motionKind = "throw"; if (w.startsWith("jump")) direction ??= "up"; continue; }
    if (ROLL.has(w)) { if (motionKind !== "collide" && motionKind !== "throw") motionKind = "roll"; continue; }
    if (COLLIDE.has(w)) { motionKind = "collide"; continue; }
    if (UP.has(w)) { direction = "up"; continue; }
    if (WALLS.has(w)) { out.walls = true; continue; }
    if (w === "left" || w === "leftward" || w === "right" || w === "rightward") {
      const side = w.startsWith("left") ? "left" : "right";
      // "on/at the left" names a place; "to the left", "left", "leftward" name a direction.
      if (prev === "the" && (words[i - 2] === "on" || words[i - 2] === "at")) place = side; else direction = side;
      continue;
    }
    if (w === "middle" || w === "center" || w === "centre") { place = "center"; continue; }
    if (FILLER.has(w) || w === "an") continue;
    unmapped.push(w);
  }
  if (settingColor) out.color ??= settingColor;
  const motion = resolveMotion(motionKind, direction);
  if (motion) out.motion = motion;
  if (place) out.place = place;
  if (motion === "collide" && (out.count === undefined || (out.count as number) < 2)) out.count = 2;
  return { description: sceneDescription.parse(out), unmapped, substituted };
}

function resolveMotion(kind: string | undefined, dir: string | undefined): MotionName | undefined {
  if (kind === "collide") return "collide";
  if (kind === "throw") return dir === "left" ? "thrown_left" : dir === "right" ? "thrown_right" : "thrown_up";
  if (kind === "roll") return dir === "left" ? "rolls_left" : "rolls_right";
  if (kind === "fall") return "falls";
  if (dir === "up") return "thrown_up";
  return undefined;
}

/** The words of `words` that name part of a scene (a shape, colour, count, motion, place or setting), not filler. */
export function sceneWords(words: readonly string[]): string[] {
  const motion = [FALL, THROW, ROLL, COLLIDE, UP, WALLS];
  return words.filter((w) => (SYNONYMS[w] !== undefined && Object.keys(SYNONYMS[w]!).length > 0) || (w in COUNTS && w !== "a") || motion.some((m) => m.has(w)));
}

/** Every word the parser maps or knows as filler (for building the model's vocabulary). */
export function parserWords(): string[] {
  return [...Object.keys(SYNONYMS), ...Object.keys(COUNTS), ...FALL, ...THROW, ...ROLL, ...COLLIDE, ...UP, ...WALLS, ...FILLER, "an"];
}
