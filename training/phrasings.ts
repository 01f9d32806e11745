// More of the ways people describe a short physics clip, for the text encoder's training pairs
// (training/augment.ts --rich): a noun phrase with a participle ("a red ball falling at night"),
// requests ("can you make a video of …"), someone doing the throwing, the setting in a sentence of its
// own, telegraphic lists, colour and material after the noun, the setting as the head ("a beach with
// …"). Written from how people caption and request such clips, never from the eval's splits, and
// used for training scenes only.
import type { SceneDescription } from "../nodes/physics/describe.ts";
import type { Rng } from "../nodes/physics/rng.ts";

/** A verb in the three forms a clause needs: one subject, several, and the participle. */
type Verb = readonly [one: string, many: string, ing: string];
const verb = (one: string, many: string, ing: string): Verb => [one, many, ing];

const COUNT = [
  ["a", "one", "1", "a single", "only one", "just a", "one single"],
  ["two", "2", "a pair of", "a couple of", "twin", "two identical"],
  ["three", "3", "a trio of", "three identical", "a group of three", "a set of three", "three separate"],
] as const;
const SIZE = {
  small: ["small", "tiny", "little", "mini", "small-sized", "very small", "teeny"],
  medium: ["", "", "", "", "medium-sized", "mid-sized", "regular", "normal-sized"],
  large: ["big", "large", "huge", "giant", "jumbo", "large-sized", "really big", "very large"],
} as const;
/** Before the noun, and after it ("…, made of rubber"). */
const MATERIAL = {
  normal: { before: [""], after: [""] },
  bouncy: { before: ["bouncy", "rubber", "springy", "super bouncy", "rubbery"], after: ["made of rubber", "that bounces a lot", "that is very bouncy"] },
  heavy: { before: ["heavy", "metal", "steel", "iron", "very heavy", "dense"], after: ["made of metal", "made of steel", "that is really heavy"] },
  slippery: { before: ["slippery", "icy", "slick", "ice", "low-friction"], after: ["made of ice", "that is slippery", "with no friction"] },
} as const;
const NOUN = {
  ball: [["ball", "balls"], ["sphere", "spheres"], ["orb", "orbs"], ["globe", "globes"], ["round ball", "round balls"]],
  box: [["box", "boxes"], ["cube", "cubes"], ["block", "blocks"], ["crate", "crates"], ["square", "squares"], ["brick", "bricks"]],
  triangle: [["triangle", "triangles"], ["wedge", "wedges"], ["pyramid", "pyramids"], ["triangular block", "triangular blocks"], ["triangle-shaped block", "triangle-shaped blocks"]],
} as const;
/** The setting as a phrase after the clause, and as a noun phrase that can head one. */
const SETTING = {
  sky: { after: ["", "", "", "in the sky", "under a blue sky", "against the sky", "in broad daylight", "during the day", "on a clear day", "with a plain sky behind"], noun: ["a blue sky", "a clear sky", "a daytime sky", "an empty sky"] },
  night: { after: ["at night", "at nighttime", "in the dark", "at midnight", "under a night sky", "with stars overhead", "in the middle of the night", "at night time"], noun: ["a night sky", "a dark night", "a starry night", "the night"] },
  sunset: { after: ["at sunset", "at dusk", "at sundown", "in the evening light", "during golden hour", "as the sun goes down", "with the sunset behind"], noun: ["a sunset", "a sunset sky", "an evening sky at dusk", "a sky at sundown"] },
  beach: { after: ["on the beach", "at the beach", "on the sand", "by the sea", "on a sandy shore", "near the ocean", "at the seaside"], noun: ["a beach", "a sandy beach", "the seaside", "a beach by the sea"] },
  grass: { after: ["on grass", "in a meadow", "in a grassy field", "in the garden", "on a lawn", "in a park", "on a field of grass"], noun: ["a grassy field", "a meadow", "a lawn", "a park with grass"] },
} as const;
const PLACE = {
  left: ["on the left", "on the left-hand side", "at the far left", "on the left side of the screen", "near the left edge", "in the left part of the frame"],
  center: ["in the middle", "in the center", "centered", "dead center", "in the middle of the screen", "in the centre"],
  right: ["on the right", "on the right-hand side", "at the far right", "on the right side of the screen", "near the right edge", "in the right part of the frame"],
} as const;
const WALLS = ["between two walls", "with walls on both sides", "between a pair of walls", "with a wall on the left and one on the right", "between two tall walls", "in a space closed off by two walls"] as const;
const AGENT = ["someone", "somebody", "a person", "a kid", "a child", "a player", "an invisible hand"] as const;

function toward(dir: "left" | "right", rng: Rng): string {
  const from = dir === "left" ? "right" : "left";
  return rng.pick([`to the ${dir}`, `${dir}`, `${dir}wards`, `towards the ${dir}`, `off to the ${dir}`, `from ${from} to ${dir}`, `toward the ${dir} edge`, `over to the ${dir}-hand side`]);
}

/** The motion as verb + what follows it, and, where there is one, with someone doing it ("throws … up"). */
function motion(d: SceneDescription, rng: Rng): { verb: Verb; tail: string; agent?: readonly [verb: string, tail: string] } {
  const passive = (p: string): Verb => verb(`is ${p}`, `are ${p}`, `being ${p}`);
  switch (d.motion) {
    case "falls": {
      const v = rng.pick([verb("falls", "fall", "falling"), verb("drops", "drop", "dropping"), verb("plummets", "plummet", "plummeting"), verb("comes down", "come down", "coming down"), passive("dropped"), passive("let go from above")]);
      const tail = rng.pick(["", "", "down", "to the ground", "straight down", "from above", "from high up", "onto the ground", "to the floor"]);
      return { verb: v, tail: v[0].startsWith("comes down") && tail === "down" ? "" : tail, agent: [rng.pick(["drops", "lets go of", "releases"]), rng.pick(["", "from above", "from up high"])] };
    }
    case "thrown_left":
    case "thrown_right": {
      const dir = d.motion === "thrown_left" ? "left" : "right";
      const v = rng.pick([passive("thrown"), passive("tossed"), passive("lobbed"), passive("launched"), passive("kicked"), passive("flung"), verb("flies", "fly", "flying"), verb("sails", "sail", "sailing"), verb("arcs", "arc", "arcing"), verb("soars", "soar", "soaring")]);
      return { verb: v, tail: toward(dir, rng) + rng.pick(["", "", " through the air", " in an arc"]), agent: [rng.pick(["throws", "tosses", "kicks", "lobs", "launches"]), toward(dir, rng)] };
    }
    case "thrown_up": {
      const v = rng.pick([passive("thrown"), passive("tossed"), passive("launched"), passive("popped"), verb("shoots", "shoot", "shooting"), verb("flies", "fly", "flying"), verb("goes", "go", "going"), verb("rises", "rise", "rising")]);
      return { verb: v, tail: rng.pick(["up", "upward", "straight up", "up into the air", "high into the air", "vertically", "up toward the top"]), agent: [rng.pick(["throws", "tosses", "launches"]), rng.pick(["up", "straight up", "into the air", "up high"])] };
    }
    case "rolls_left":
    case "rolls_right": {
      const dir = d.motion === "rolls_left" ? "left" : "right";
      const own = d.shape === "ball"
        ? [verb("rolls", "roll", "rolling"), verb("rolls along", "roll along", "rolling along"), passive("rolled")]
        : [verb("slides", "slide", "sliding"), verb("skids", "skid", "skidding"), verb("slips", "slip", "slipping"), passive("pushed"), passive("shoved")];
      const v = rng.pick([...own, ...own, verb("moves", "move", "moving"), verb("travels", "travel", "traveling"), verb("heads", "head", "heading")]);
      const along = rng.pick(["", "", "", " across the ground", " along the floor", " on the ground"]);
      return { verb: v, tail: toward(dir, rng) + along, agent: [d.shape === "ball" ? rng.pick(["rolls", "pushes"]) : rng.pick(["pushes", "slides", "shoves"]), toward(dir, rng) + along] };
    }
    case "collide": {
      const [v, tails] = rng.pick<readonly [Verb, readonly string[]]>([
        [verb("collides", "collide", "colliding"), ["", "with each other", "head-on", "in the middle"]],
        [verb("crashes", "crash", "crashing"), ["into each other", "together", "into one another"]],
        [verb("smashes", "smash", "smashing"), ["into each other", "together"]],
        [verb("bumps", "bump", "bumping"), ["into each other", "into one another"]],
        [verb("runs", "run", "running"), ["into each other", "into one another"]],
        [verb("hits", "hit", "hitting"), ["each other", "each other head-on"]],
        [verb("meets", "meet", "meeting"), ["and collide", "in a collision"]],
      ]);
      const tail = rng.pick(tails);
      return { verb: v, tail: tail === "and collide" ? "in the middle and collide" : tail };
    }
  }
}

/** The object: a determiner (count), size, material and colour in some order, and the noun; or the colour and material after it. */
function subject(d: SceneDescription, rng: Rng): { np: string; bare: string } {
  const many = d.count > 1;
  const [one, more] = rng.pick<readonly [string, string]>(NOUN[d.shape]);
  const noun = many ? more : one;
  const size: string = rng.pick(SIZE[d.size as keyof typeof SIZE]);
  const mat = MATERIAL[d.material as keyof typeof MATERIAL];
  const colour = rng.chance(0.12) ? rng.pick([`${d.color}-colored`, `${d.color} colored`, `bright ${d.color}`, `${d.color}-painted`]) : d.color;
  let bare: string;
  if (rng.chance(0.25)) {
    const after = many ? rng.pick<string>(mat.after).replace("that is", "that are").replace("bounces", "bounce") : rng.pick<string>(mat.after);
    const attrs = [rng.pick([`${many ? "are" : "is"} ${d.color}`, `painted ${d.color}`, `colored ${d.color}`, `in ${d.color}`]), after].filter(Boolean);
    bare = [size, noun].filter(Boolean).join(" ") + (attrs[0]!.startsWith("is") || attrs[0]!.startsWith("are") ? ` that ${attrs.join(" and ")}` : `, ${attrs.join(", ")},`);
  } else {
    const material: string = rng.pick(mat.before);
    bare = (rng.chance(0.6) ? [size, material, colour, noun] : [size, colour, material, noun]).filter(Boolean).join(" ");
  }
  let np = `${rng.pick(COUNT[d.count - 1]!)} ${bare}`;
  if (/^a [aeiou]/.test(np)) np = "an" + np.slice(1);
  return { np, bare };
}

/** One paraphrase of a description in one of the clause shapes above; `rng` picks the shape and the words. */
export function richPhrase(d: SceneDescription, rng: Rng): string {
  const many = d.count > 1 || d.motion === "collide";
  const s = subject(d, rng);
  const m = motion(d, rng);
  const finite = [m.verb[many ? 1 : 0], m.tail].filter(Boolean).join(" ");
  const ing = [m.verb[2], m.tail].filter(Boolean).join(" ");
  const directional = d.motion !== "falls" && d.motion !== "thrown_up";
  const where = d.place && !directional ? rng.pick(PLACE[d.place]) : "";
  const walls = d.walls ? rng.pick(WALLS) : "";
  const setting = SETTING[d.background];
  const after: string = rng.pick(setting.after);
  const rest = (...xs: string[]) => xs.filter(Boolean).join(" ");
  const shapes: (() => string)[] = [
    () => rest(s.np, ing, where, walls, after),
    () => rest(rng.pick(["a video of", "video of", "footage of", "an animation of", "a clip showing", "show me", "I want", "I'd like to see", "generate", "render", "simulate", "please animate"]), s.np, ing, where, walls, after),
    () => rest(rng.pick(["can you make a video of", "could you show", "can I get"]), s.np, ing, where, walls, after) + "?",
    () => (m.agent ? rest(rng.pick(AGENT), m.agent[0], s.np, m.agent[1], where, walls, after) : rest(s.np, many ? "are pushed together and" : "is pushed and", m.verb[1], m.tail, walls, after)),
    () => rest(after ? `${cap(after)}.` : "", cap(rest(s.np, finite, where, walls))),
    () => rest(`${rng.pick(["Scene:", "Setting:", "Background:"])} ${rng.pick(setting.noun)}${walls ? `, ${walls}` : ""}.`, cap(rest(s.np, finite, where))),
    () => [s.bare.replace(/,$/, ""), rest(m.verb[many ? 1 : 0].replace(/^(is|are) /, ""), m.tail), where, walls, after].filter(Boolean).join(rng.pick([", ", " - ", " / "])),
    () => rest(cap(rng.pick(setting.noun)), walls, "with", s.np, ing, where),
    () => rest(cap(rng.pick(setting.noun)), walls, "where", s.np, finite, where),
    () => rest(where || after ? `${cap(where || after)},` : "", s.np, finite, walls, where ? after : ""),
    () => rest(rng.pick(["we see", "you can see", "watch as", "here", "in this clip"]), s.np, rng.pick([finite, ing]), where, walls, after),
    () => rest(rng.pick(["wide shot:", "static camera,", "side view of", "simple 2D scene:"]), s.np, ing, where, walls, after),
  ];
  let text = rng.pick(shapes)().replace(/\s+/g, " ").replace(/,\s*,/g, ",").replace(/ ,/g, ",").trim();
  text = rng.chance(0.04) ? text.toUpperCase() : rng.chance(0.5) ? cap(text) : text;
  if (!/[.?!]$/.test(text)) text += rng.pick(["", "", "", ".", "!", ", realistic physics", ", 2d animation", ", high quality"]);
  return text;
}

const cap = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);
