import type { SceneDescription } from "./describe.ts";
import { createRng, type Rng } from "./rng.ts";

// Scene → natural phrasings. Every word used here is in the model's vocabulary (see words.ts).

const COUNT_WORDS = ["a", "two", "three"] as const;
const SIZE_WORDS = { small: ["small", "little", "tiny"], medium: [""], large: ["large", "big"] } as const;
const MATERIAL_WORDS = { normal: [""], bouncy: ["bouncy", "rubber"], heavy: ["heavy", "metal"], slippery: ["slippery", "icy"] } as const;
const SHAPE_WORDS = { ball: ["ball", "sphere"], box: ["box", "cube", "crate"], triangle: ["triangle", "wedge"] } as const;
const BACKGROUND_WORDS = {
  sky: ["", "under a blue sky", "on a clear day", "in the sky"],
  night: ["at night", "under the night sky", "on a starry night"],
  sunset: ["at sunset", "in the evening sun", "at dusk"],
  beach: ["on the beach", "by the sea", "at the beach"],
  grass: ["on the grass", "in a meadow", "on a green lawn"],
} as const;
const PLACE_WORDS = { left: ["on the left", "at the left"], center: ["in the middle", "in the center"], right: ["on the right", "at the right"] } as const;

function verb(d: SceneDescription, plural: boolean, rng: Rng): string {
  const s = (one: string, many: string) => (plural ? many : one);
  const rolls = d.shape === "ball" ? s("rolls", "roll") : s("slides", "slide");
  switch (d.motion) {
    case "falls":
      return rng.pick([s("falls and bounces on the ground", "fall and bounce on the ground"), s("falls", "fall"), s("drops from above", "drop from above"), s("falls to the ground", "fall to the ground")]);
    case "thrown_left":
      return rng.pick([s("is thrown to the left", "are thrown to the left"), s("flies to the left", "fly to the left"), s("is tossed left", "are tossed left")]);
    case "thrown_right":
      return rng.pick([s("is thrown to the right", "are thrown to the right"), s("flies to the right", "fly to the right"), s("is tossed right", "are tossed right")]);
    case "thrown_up":
      return rng.pick([s("is thrown up", "are thrown up"), s("is tossed upward", "are tossed upward"), s("jumps up", "jump up")]);
    case "rolls_left":
      return rng.pick([`${rolls} to the left`, `${rolls} left`]);
    case "rolls_right":
      return rng.pick([`${rolls} to the right`, `${rolls} right`]);
    case "collide":
      return rng.pick([`${s("rolls", "roll")} toward each other and collide`, "collide", `${s("slides", "slide")} toward each other and crash`]);
  }
}

/** One natural phrasing of a description; vary `rng` for others. */
export function phrase(d: SceneDescription, rng: Rng): string {
  const plural = d.count > 1;
  const parts: string[] = [COUNT_WORDS[d.count - 1] ?? "a"];
  parts.push(rng.pick(SIZE_WORDS[d.size as keyof typeof SIZE_WORDS]));
  const material = rng.pick(MATERIAL_WORDS[d.material as keyof typeof MATERIAL_WORDS]);
  const color = d.color;
  // Both orders occur in English: "a bouncy red ball", "a red bouncy ball".
  if (rng.chance(0.5)) parts.push(material, color); else parts.push(color, material);
  const shape = rng.pick(SHAPE_WORDS[d.shape]);
  parts.push(plural ? (shape === "box" ? "boxes" : `${shape}s`) : shape);
  parts.push(verb(d, plural, rng));
  const directional = d.motion !== "falls" && d.motion !== "thrown_up";
  if (d.place && !directional) parts.push(rng.pick(PLACE_WORDS[d.place]));
  if (d.walls) parts.push(rng.pick(["between two walls", "between walls"]));
  parts.push(rng.pick(BACKGROUND_WORDS[d.background]));
  let text = parts.filter((p) => p.length > 0).join(" ");
  if (text.startsWith("a ") && /^a [aeiou]/.test(text)) text = "an" + text.slice(1);
  return text;
}

/** One fixed phrasing per description: what a read prompt is encoded as, and what augment.ts's paraphrases are trained to read like. */
export const canonicalPhrase = (d: SceneDescription): string => phrase(d, createRng(0));

/**
 * Every phrasing `phrase` can give for `d`: each of its choices tried every way (depth first), so a
 * prompt can be checked for being the grammar's own words exactly. At most a few thousand.
 */
export function grammarPhrasings(d: SceneDescription): Set<string> {
  const out = new Set<string>();
  const taken: number[] = [];
  const ways: number[] = [];
  for (;;) {
    let k = 0;
    const choose = (n: number): number => {
      if (k === taken.length) { taken.push(0); ways.push(n); }
      return taken[k++]!;
    };
    const none = (): never => { throw new Error("phrase() draws only picks and chances"); };
    const rng: Rng = { next: none, range: none, int: none, pick: (items) => items[choose(items.length)]!, chance: () => choose(2) === 1 };
    out.add(phrase(d, rng));
    taken.length = ways.length = k;
    while (taken.length > 0 && taken.at(-1)! + 1 >= ways.at(-1)!) { taken.pop(); ways.pop(); }
    if (taken.length === 0) return out;
    taken[taken.length - 1]!++;
  }
}
