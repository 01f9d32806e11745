// A third held-out phrasing of the held-out scenes: one plain-English prompt per description, as a person
// might type it. Written blind: its author had not seen the grammar's phrase generator, the first
// paraphrase split or the training augmentation. Never used in training.
import type { SceneDescription } from "../../nodes/physics/describe.ts";
import { createRng, type Rng } from "../../nodes/physics/rng.ts";

/** A verb phrase as [it …, they …, … -ing]; "{d}" is filled with a direction. */
type Forms = readonly [string, string, string];

const NOUNS = {
  ball: [["ball", "balls"], ["sphere", "spheres"], ["circle", "circles"], ["round ball", "round balls"]],
  box: [["box", "boxes"], ["block", "blocks"], ["square", "squares"], ["cube", "cubes"], ["crate", "crates"]],
  triangle: [["triangle", "triangles"], ["triangular block", "triangular blocks"], ["pyramid", "pyramids"], ["triangle shape", "triangle shapes"]],
} as const;
const COUNTS = { 1: ["a", "one", "a single", "1", "just one"], 2: ["two", "2", "a pair of", "two"], 3: ["three", "3", "a trio of", "three"] } as const;
const SIZES = { small: ["small", "little", "tiny", "small"], medium: ["medium", "medium-sized", "mid-size"], large: ["large", "big", "huge", "oversized"] } as const;
const MATERIALS = {
  normal: ["ordinary", "regular"], bouncy: ["bouncy", "rubbery", "springy", "super bouncy"],
  heavy: ["heavy", "weighty", "dense", "really heavy"], slippery: ["slippery", "icy", "slick", "super slippery"],
} as const;
const DIRS = {
  left: ["to the left", "leftward", "towards the left", "off to the left", "left"],
  right: ["to the right", "rightward", "towards the right", "off to the right", "right"],
  up: ["up", "upward", "straight up", "up into the air", "high up", "skyward"],
} as const;
const FLAT_DIRS = { left: ["from right to left", "over to the left"], right: ["from left to right", "over to the right"] } as const;
const FALL: readonly Forms[] = [
  ["falls", "fall", "falling"], ["drops", "drop", "dropping"], ["falls from above", "fall from above", "falling from above"],
  ["tumbles down", "tumble down", "tumbling down"], ["drops to the ground", "drop to the ground", "dropping to the ground"],
  ["comes crashing down", "come crashing down", "coming crashing down"], ["plunges down", "plunge down", "plunging down"],
];
const THROW: readonly Forms[] = [
  ["is thrown {d}", "are thrown {d}", "being thrown {d}"], ["gets tossed {d}", "get tossed {d}", "getting tossed {d}"],
  ["is flung {d}", "are flung {d}", "being flung {d}"], ["is launched {d}", "are launched {d}", "being launched {d}"],
  ["is lobbed {d}", "are lobbed {d}", "being lobbed {d}"], ["gets chucked {d}", "get chucked {d}", "getting chucked {d}"],
  ["sails {d}", "sail {d}", "sailing {d}"], ["goes flying {d}", "go flying {d}", "flying {d}"],
];
const ROLL: readonly Forms[] = [
  ["rolls {d}", "roll {d}", "rolling {d}"], ["rolls along the ground {d}", "roll along the ground {d}", "rolling along the ground {d}"],
  ["goes rolling {d}", "go rolling {d}", "rolling away {d}"], ["trundles {d}", "trundle {d}", "trundling {d}"],
  ["moves along the ground {d}", "move along the ground {d}", "moving along the ground {d}"],
];
const SLIDE: readonly Forms[] = [
  ["slides {d}", "slide {d}", "sliding {d}"], ["skids across the ground {d}", "skid across the ground {d}", "skidding across the ground {d}"],
  ["glides along the floor {d}", "glide along the floor {d}", "gliding along the floor {d}"], ["scoots {d}", "scoot {d}", "scooting {d}"],
  ["moves along the ground {d}", "move along the ground {d}", "moving along the ground {d}"],
];
const COLLIDE: readonly Forms[] = [
  ["collide", "collide", "colliding"], ["crash into each other", "crash into each other", "crashing into each other"],
  ["bump into one another", "bump into one another", "bumping into one another"], ["smash together", "smash together", "smashing together"],
  ["run into each other", "run into each other", "running into each other"], ["hit each other", "hit each other", "hitting each other"],
];
const SETTINGS = {
  sky: ["under a clear sky", "against the sky", "in the open sky", "on a bright day", "in daylight", "with the sky behind"],
  night: ["at night", "at nighttime", "under the stars", "on a dark night", "after dark", "under a starry sky"],
  sunset: ["at sunset", "at dusk", "as the sun goes down", "during sunset", "with a sunset behind", "in the evening glow"],
  beach: ["on the beach", "at the beach", "on the sand", "by the sea", "on a sandy beach", "at the seaside"],
  grass: ["on the grass", "on a lawn", "in a grassy field", "on grassy ground", "in a field of grass", "on the grass outside"],
} as const;
const PLACES = {
  left: ["on the left", "on the left side", "over on the left", "on the left-hand side", "at the left"],
  center: ["in the middle", "in the center", "in the centre", "right in the middle", "at the center of the screen"],
  right: ["on the right", "on the right side", "over on the right", "on the right-hand side", "at the right"],
} as const;
const WALLS = ["with walls on both sides", "between two walls", "with side walls", "boxed in by walls", "with walls at the edges"] as const;
const ASKS = ["Show", "Animate", "Make a video of", "A clip of", "I want", "Render", "Generate", "Please show"] as const;

function nounPhrase(d: SceneDescription, r: Rng): string {
  const adjs: string[] = [];
  if (d.size !== "medium" || r.chance(0.12)) adjs.push(r.pick(SIZES[d.size as keyof typeof SIZES]));
  const mat = d.material !== "normal" || r.chance(0.06) ? r.pick(MATERIALS[d.material as keyof typeof MATERIALS]) : "";
  const late = mat !== "" && r.chance(0.3);
  if (mat && !late) adjs.push(mat);
  adjs.push(d.color);
  if (late) adjs.push(mat);
  const nouns: readonly (readonly [string, string])[] = NOUNS[d.shape];
  const [one, many] = r.pick(nouns);
  const words = `${adjs.join(" ")} ${d.count === 1 ? one : many}`;
  let count: string = r.pick(COUNTS[d.count as 1 | 2 | 3]);
  if (count === "a" && /^[aeiou]/.test(words)) count = "an";
  return `${count} ${words}`;
}

function verb(d: SceneDescription, r: Rng): Forms {
  const m = d.motion;
  const table = m === "falls" ? FALL : m === "collide" ? COLLIDE : m.startsWith("thrown") ? THROW : d.shape === "ball" ? ROLL : SLIDE;
  const side = m.endsWith("left") ? "left" : m.endsWith("right") ? "right" : "up";
  const dir = m.startsWith("rolls") && side !== "up" && r.chance(0.3) ? r.pick(FLAT_DIRS[side]) : r.pick(DIRS[side]);
  return r.pick(table).map((f) => f.replace("{d}", dir)) as unknown as Forms;
}

function build(d: SceneDescription, r: Rng): string {
  const np = nounPhrase(d, r), [vs, vp, ving] = verb(d, r), many = d.count > 1;
  const v = many ? vp : vs;
  const place = d.place ? ` ${r.pick(PLACES[d.place])}` : "";
  const set = r.pick(SETTINGS[d.background]);
  const walls = d.walls ? ` ${r.pick(WALLS)}` : "";
  switch (r.int(0, 5)) {
    case 0: return `${np} ${v}${place} ${set}${walls}`;
    case 1: return `${set}, ${np} ${v}${place}${walls}`;
    case 2: return `there ${many ? "are" : "is"} ${np} ${ving}${place} ${set}${walls}`;
    case 3: return `${r.pick(ASKS)} ${np} ${ving}${place} ${set}${walls}`;
    case 4: return `${np} ${set}${walls}; ${many ? "they" : "it"} ${v}${place}`;
    default: return `${np}, ${ving}${place}, ${set}${walls}`;
  }
}

/** One fresh prompt for a description; the same seed always gives the same words. */
export function freshParaphrase(d: SceneDescription, seed: number): string {
  const r = createRng(seed ^ 0x3f7a11);
  let text = build(d, r);
  for (let i = 0; i < 8 && text.split(" ").length > 21; i++) text = build(d, r);
  if (r.chance(0.06)) {
    const at = r.int(1, text.length - 2);
    text = text.slice(0, at) + text.slice(at).replace(" ", "  ");
  }
  const lower = r.chance(0.3);
  text = lower ? text.toLowerCase() : text[0]!.toUpperCase() + text.slice(1);
  return text + r.pick([".", ".", ".", "", "!", lower ? "" : "."]);
}
