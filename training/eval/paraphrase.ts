// A second held-out split: the same held-out scenes, phrased the way people describe such scenes
// rather than in the grammar's words (written apart from nodes/physics/phrase.ts and its word
// list): other verbs and prepositions, the place or the setting first, numerals and quantity
// words, capitals and punctuation. Never used in training.
import type { SceneDescription } from "../../nodes/physics/describe.ts";
import { createRng, type Rng } from "../../nodes/physics/rng.ts";

const COUNT = [["a", "one", "a single", "1"], ["two", "2", "a pair of", "a couple of"], ["three", "3", "a trio of", "three little"]] as const;
const SIZE = { small: ["small", "little", "tiny", "mini", "petite"], medium: ["", "", "medium-sized", "regular"], large: ["big", "large", "huge", "giant", "oversized"] } as const;
const MATERIAL = { normal: [""], bouncy: ["bouncy", "rubbery", "springy", "rubber"], heavy: ["heavy", "iron", "steel", "weighty"], slippery: ["slippery", "icy", "slick", "greasy"] } as const;
const SHAPE = { ball: ["ball", "sphere", "orb", "marble"], box: ["box", "cube", "block", "crate"], triangle: ["triangle", "wedge", "pyramid", "triangular block"] } as const;
const SETTING = {
  sky: ["against a blue sky", "outdoors on a sunny day", "under clear skies", ""],
  night: ["at nighttime", "under the stars", "in the dark of night", "late at night"],
  sunset: ["during sunset", "at golden hour", "as the sun goes down", "in the orange evening light"],
  beach: ["on the sand", "at the seaside", "on a sandy beach", "near the ocean"],
  grass: ["on a lawn", "in a field", "on green grass", "in a grassy park"],
} as const;
const PLACE = { left: ["on the left side", "near the left edge", "over on the left"], center: ["in the centre", "in the middle of the screen", "right in the middle"], right: ["on the right side", "near the right edge", "over on the right"] } as const;

function motion(d: SceneDescription, many: boolean, rng: Rng): string {
  const v = (one: string, more: string) => (many ? more : one);
  const side = (dir: "left" | "right") => rng.pick([`${dir}ward`, `towards the ${dir}`, `off to the ${dir}`, `to the ${dir} side`]);
  switch (d.motion) {
    case "falls":
      return rng.pick([v("drops", "drop"), v("tumbles down", "tumble down"), v("plummets to the floor", "plummet to the floor"), v("comes falling down", "come falling down"), v("drops and bounces", "drop and bounce")]);
    case "thrown_left":
      return `${rng.pick([v("gets thrown", "get thrown"), v("is launched", "are launched"), v("sails", "sail"), v("is hurled", "are hurled")])} ${side("left")}`;
    case "thrown_right":
      return `${rng.pick([v("gets thrown", "get thrown"), v("is launched", "are launched"), v("sails", "sail"), v("is hurled", "are hurled")])} ${side("right")}`;
    case "thrown_up":
      return rng.pick([v("is tossed into the air", "are tossed into the air"), v("shoots upward", "shoot upward"), v("is launched straight up", "are launched straight up"), v("gets flung up", "get flung up")]);
    case "rolls_left":
    case "rolls_right": {
      const dir = d.motion === "rolls_left" ? "left" : "right";
      const go = d.shape === "ball" ? v("rolls", "roll") : v("glides", "glide");
      return `${rng.pick([go, v("moves", "move"), v("travels", "travel")])} ${side(dir)} along the ground`;
    }
    case "collide":
      return rng.pick(["crash into each other", "bump into one another", "smash together", "run into each other", "collide head-on"]);
  }
}

/** One paraphrase of a held-out description; `seed` picks the wording. */
export function paraphrase(d: SceneDescription, seed: number): string {
  const rng = createRng(seed ^ 0x9a7a);
  const many = d.count > 1;
  const shape = rng.pick(SHAPE[d.shape]);
  const noun = many ? (shape.endsWith("x") ? `${shape}es` : shape === "triangular block" ? "triangular blocks" : `${shape}s`) : shape;
  const words = [rng.pick(COUNT[d.count - 1]!), rng.pick(SIZE[d.size as keyof typeof SIZE]), rng.pick(MATERIAL[d.material as keyof typeof MATERIAL]), d.color, noun];
  const subject = words.filter(Boolean).join(" ");
  const where = d.place && d.motion !== "collide" && !d.motion.startsWith("thrown") && !d.motion.startsWith("rolls") ? rng.pick(PLACE[d.place]) : "";
  const walls = d.walls ? rng.pick(["between two walls", "inside a walled box", "with walls on both sides"]) : "";
  const setting = rng.pick(SETTING[d.background]);
  const front = setting && rng.chance(0.4);
  const body = [subject, motion(d, many, rng), where, walls, front ? "" : setting].filter(Boolean).join(" ");
  let text = front ? `${setting}, ${body}` : body;
  text = text.replace(/^a ([aeiou])/, "an $1");
  if (rng.chance(0.6)) text = text[0]!.toUpperCase() + text.slice(1);
  return text + rng.pick(["", ".", ".", "!"]);
}
