// Training-side paraphrases for the text encoder: training-split scenes phrased as people type them
// (other verbs, prepositions, clause orders, numerals, setting first), each paired with the grammar
// phrasing whose text features it should reproduce. Written apart from the eval's paraphrase splits
// and never drawn from held-out scenes.
//
//   npx tsx training/augment.ts [--count 120000] [--identity 0.3] [--out $T2V_CACHE/paraphrase/pairs.jsonl]
//   npx tsx training/augment.ts --describe --count 200000 --rich 0.5 --out $T2V_CACHE/reader/train.jsonl
//   npx tsx training/augment.ts --meta $T2V_CACHE/up/train/meta.jsonl --per-clip 8 [--rich 0.6] --out $T2V_CACHE/paraphrase/clip-pairs.jsonl
// The second form phrases the scenes of a rendered training split instead of drawing new ones, and
// names each pair's clip, so training can pair the words with that clip's latents.
import { Command } from "commander";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";
import { sceneDescription, type SceneDescription } from "../nodes/physics/describe.ts";
import { canonicalPhrase, phrase } from "../nodes/physics/phrase.ts";
import { createRng, type Rng } from "../nodes/physics/rng.ts";
import { isHeldOut, sampleDescription } from "../nodes/physics/sample.ts";
import { richPhrase } from "./phrasings.ts";

const COUNT = [["a", "one", "1", "a single", "just one", "one lone"], ["two", "2", "a pair of", "a couple of", "two matching"], ["three", "3", "a group of three", "three identical", "a set of 3"]] as const;
const SIZE = { small: ["small", "little", "tiny", "miniature", "smallish", "wee"], medium: ["", "", "", "medium", "normal sized", "average size"], large: ["large", "big", "huge", "giant", "massive", "enormous", "oversized"] } as const;
const MATERIAL = {
  normal: [""],
  bouncy: ["bouncy", "rubber", "rubbery", "springy", "elastic", "super bouncy"],
  heavy: ["heavy", "metal", "iron", "steel", "solid metal", "weighty", "lead"],
  slippery: ["slippery", "icy", "slick", "frictionless", "ice", "smooth icy"],
} as const;
const SHAPE = {
  ball: [["ball", "balls"], ["sphere", "spheres"], ["orb", "orbs"], ["marble", "marbles"], ["bouncing ball", "bouncing balls"], ["round ball", "round balls"]],
  box: [["box", "boxes"], ["cube", "cubes"], ["crate", "crates"], ["block", "blocks"], ["square block", "square blocks"], ["brick", "bricks"]],
  triangle: [["triangle", "triangles"], ["wedge", "wedges"], ["pyramid", "pyramids"], ["triangular block", "triangular blocks"], ["triangle shape", "triangle shapes"], ["ramp shaped block", "ramp shaped blocks"]],
} as const;
const SETTING = {
  sky: ["", "", "under a blue sky", "on a sunny day", "in daylight", "against a clear blue sky", "outside during the day", "on a bright afternoon"],
  night: ["at night", "at nighttime", "under the stars", "on a dark night", "in the night", "beneath a starry sky", "after dark", "late in the night"],
  sunset: ["at sunset", "during sunset", "at dusk", "as the sun sets", "in the evening", "at golden hour", "with the sun going down", "at twilight"],
  beach: ["on the beach", "on a sandy beach", "by the ocean", "at the seaside", "on the sand", "next to the sea", "at the shore", "along the coast"],
  grass: ["on the grass", "in a field", "on a lawn", "in a grassy meadow", "in the park", "on green grass", "in a grass field", "on the turf"],
} as const;
const PLACE = {
  left: ["on the left", "on the left side", "at the left edge", "to the left of the frame", "in the left part of the picture"],
  center: ["in the middle", "in the center", "in the centre of the frame", "right in the middle", "at the center of the screen"],
  right: ["on the right", "on the right side", "at the right edge", "to the right of the frame", "in the right part of the picture"],
} as const;
const WALLS = ["between two walls", "between walls", "inside walls", "with a wall on each side", "boxed in by walls", "walled in on both sides"] as const;

function motion(d: SceneDescription, many: boolean, rng: Rng): string {
  const v = (one: string, more: string) => (many ? more : one);
  const toward = (dir: "left" | "right") => rng.pick([`to the ${dir}`, `${dir}`, `${dir}ward`, `towards the ${dir}`, `off to the ${dir}`, `toward the ${dir} side`, `over to the ${dir}`]);
  const thrown = () => rng.pick([v("is thrown", "are thrown"), v("gets thrown", "get thrown"), v("is tossed", "are tossed"), v("is hurled", "are hurled"), v("is launched", "are launched"), v("is flung", "are flung"), v("flies", "fly"), v("is pitched", "are pitched"), v("is kicked", "are kicked")]);
  switch (d.motion) {
    case "falls":
      return rng.pick([v("falls", "fall"), v("drops", "drop"), v("falls down", "fall down"), v("tumbles down", "tumble down"), v("plunges to the ground", "plunge to the ground"), v("falls from the sky", "fall from the sky"), v("drops and bounces", "drop and bounce"), v("comes down", "come down"), v("is dropped", "are dropped"), v("falls onto the ground", "fall onto the ground")]);
    case "thrown_left":
      return `${thrown()} ${toward("left")}`;
    case "thrown_right":
      return `${thrown()} ${toward("right")}`;
    case "thrown_up":
      return rng.pick([`${thrown()} up`, `${thrown()} upward`, `${thrown()} into the air`, `${thrown()} straight up`, v("shoots up", "shoot up"), v("leaps up", "leap up"), v("jumps into the air", "jump into the air"), v("goes flying upward", "go flying upward")]);
    case "rolls_left":
    case "rolls_right": {
      const dir = d.motion === "rolls_left" ? "left" : "right";
      const go = d.shape === "ball" ? rng.pick([v("rolls", "roll"), v("is rolling", "are rolling")]) : rng.pick([v("slides", "slide"), v("is sliding", "are sliding"), v("skids", "skid")]);
      return `${rng.pick([go, go, v("moves", "move"), v("travels", "travel"), v("glides", "glide"), v("goes", "go")])} ${toward(dir)}${rng.pick(["", "", " along the ground", " across the floor", " over the ground"])}`;
    }
    case "collide":
      return rng.pick(["collide", "crash into each other", "collide with each other", "smash into one another", "bump into each other", "run into each other", "crash together", "hit each other", "slam into each other", "meet and collide"]);
  }
}

/** One training paraphrase of a description; `rng` picks the wording. */
export function augmentedPhrase(d: SceneDescription, rng: Rng): string {
  const many = d.count > 1;
  const [one, more] = rng.pick<readonly [string, string]>(SHAPE[d.shape]);
  const words: string[] = [rng.pick(COUNT[d.count - 1]!), rng.pick(SIZE[d.size as keyof typeof SIZE])];
  const material: string = rng.pick(MATERIAL[d.material as keyof typeof MATERIAL]);
  if (rng.chance(0.5)) words.push(material, d.color); else words.push(d.color, material);
  words.push(many ? more : one);
  let subject = words.filter(Boolean).join(" ");
  if (/^a [aeiou]/.test(subject)) subject = "an" + subject.slice(1);
  const directional = d.motion !== "falls" && d.motion !== "thrown_up";
  const where = d.place && !directional ? rng.pick(PLACE[d.place]) : "";
  const walls = d.walls ? rng.pick(WALLS) : "";
  const setting = rng.pick(SETTING[d.background]);
  const act = motion(d, many, rng);
  const shapes: (() => string)[] = [
    () => [subject, act, where, walls, setting].filter(Boolean).join(" "),
    () => [setting && `${setting},`, subject, act, where, walls].filter(Boolean).join(" "),
    () => [many ? "there are" : "there is", subject, where, walls, setting, many ? "that" : "which", act].filter(Boolean).join(" "),
    () => [rng.pick(["show", "animate", "a video of", "a clip of", "make"]), subject, many ? "that" : "that", act, where, walls, setting].filter(Boolean).join(" "),
    () => [subject, where, walls, setting].filter(Boolean).join(" ") + `; ${many ? "they" : "it"} ${act.replace(/^is /, "").replace(/^are /, "")}`,
  ];
  let text = rng.pick(shapes)();
  if (rng.chance(0.5)) text = text[0]!.toUpperCase() + text.slice(1);
  return text + rng.pick(["", "", ".", "!", "..."]);
}

const args = z.object({
  count: z.coerce.number().int().positive(),
  identity: z.coerce.number().min(0).max(1),
  out: z.string(),
  seed: z.coerce.number().int(),
  meta: z.string().optional(),
  perClip: z.coerce.number().int().positive(),
  rich: z.coerce.number().min(0).max(1),
  describe: z.boolean().default(false),
});
const metaLine = z.object({ i: z.number().int().min(0), description: sceneDescription });

/**
 * A training pair for `d`: a paraphrase (or, with probability `identity`, a grammar phrasing) and the
 * grammar phrasing it should read like. A share `rich` of the paraphrases comes from phrasings.ts's
 * wider set of clause shapes (none by default, so earlier runs' pairs are drawn again exactly).
 */
export function pairOf(d: SceneDescription, identity: number, rng: Rng, rich = 0): { text: string; target: string } {
  const keep = rng.chance(identity);
  const text = keep ? phrase(d, rng) : rich > 0 && rng.chance(rich) ? richPhrase(d, rng) : augmentedPhrase(d, rng);
  return { text, target: keep ? text : canonicalPhrase(d) };
}

/** The descriptions of a rendered training split's meta.jsonl, checked line by line: a held-out scene is refused. */
export function readMeta(file: string): { i: number; description: SceneDescription }[] {
  return readFileSync(file, "utf8").split("\n").map((l, n) => [l, n + 1] as const).filter(([l]) => l.trim()).map(([l, line]) => {
    let json: unknown;
    try {
      json = JSON.parse(l);
    } catch {
      throw new Error(`${file} line ${line}: not JSON`);
    }
    const r = metaLine.safeParse(json);
    if (!r.success) throw new Error(`${file} line ${line}: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    if (isHeldOut(r.data.description)) throw new Error(`${file} line ${line}: a held-out scene (clip ${r.data.i}); paraphrases are made for training scenes only`);
    return r.data;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const program = new Command("augment")
    .option("--count <n>", "pairs to write (scenes drawn from the training split)", "120000")
    .option("--identity <p>", "share of pairs that are grammar phrasings kept as they are", "0.3")
    .option("--out <file>", "JSON lines of {text, target} (and clip, with --meta)", join(process.env.T2V_CACHE ?? "../t2v-cache", "paraphrase", "pairs.jsonl"))
    .option("--seed <n>", "draws the scenes and the wordings", "7")
    .option("--meta <file>", "phrase the scenes of this rendered training split's meta.jsonl instead (--count is ignored)")
    .option("--per-clip <n>", "with --meta: pairs per clip", "8")
    .option("--rich <p>", "share of the paraphrases drawn from training/phrasings.ts's wider clause shapes", "0")
    .option("--describe", "write {text, description} instead (the prompt reader's training data: train_reader.py)");
  const o = args.parse(program.parse().opts());
  const rng = createRng(o.seed);
  const lines: string[] = [];
  if (o.meta) {
    for (const m of readMeta(o.meta)) {
      for (let k = 0; k < o.perClip; k++) lines.push(JSON.stringify({ clip: m.i, ...pairOf(m.description, o.identity, rng, o.rich) }));
    }
  } else {
    for (let i = 0; i < o.count; i++) {
      const d = sampleDescription(o.seed * 1_000_003 + i, "train");
      const pair = pairOf(d, o.identity, rng, o.rich);
      lines.push(JSON.stringify(o.describe ? { text: pair.text, description: d } : pair));
    }
  }
  mkdirSync(dirname(o.out), { recursive: true });
  writeFileSync(o.out, lines.join("\n") + "\n");
  console.log(`${lines.length} pairs → ${o.out}`);
}
