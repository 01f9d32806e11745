// Writes the training and held-out clips: `npm run dataset -- --count N --out DIR`.
// Layout per split: meta.jsonl (one JSON per clip), frames.u8 (N×T×H×W×3), masks.u8 (N×T×H×W).
import { Command } from "commander";
import { SingleBar, Presets } from "cli-progress";
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { DEFAULT_CLIP, makeClip, mergedMasks, type Clip } from "../nodes/physics/clip.ts";
import { phrase } from "../nodes/physics/phrase.ts";
import { createRng } from "../nodes/physics/rng.ts";
import { clipSeed, sampleDescription } from "../nodes/physics/sample.ts";
import { promptWords } from "../nodes/physics/words.ts";
import { COLORS } from "../nodes/physics/vocabulary.ts";

const args = z.object({
  count: z.coerce.number().int().positive(),
  heldout: z.coerce.number().int().min(0),
  out: z.string().min(1),
  seed: z.coerce.number().int().default(1),
  later: z.coerce.number().min(0).max(1).default(0),
});

/** Latest start of a later window: a clip of the long-video template (64 frames) ends at frame 63. */
const LATEST_START = 48;

/**
 * The clip `offset` frames into a longer simulation of the same scene: what a window after the
 * first of a long video has to continue (objects already fallen, rolled, at rest).
 */
async function laterClip(desc: Parameters<typeof makeClip>[0], seed: number, offset: number): Promise<Clip> {
  const whole = await makeClip(desc, seed, { ...DEFAULT_CLIP, frames: DEFAULT_CLIP.frames + offset });
  const { width, height, frames } = DEFAULT_CLIP;
  const px = width * height, objects = whole.scene.objects.length;
  const render = {
    ...whole.render,
    frames,
    rgb: whole.render.rgb.slice(offset * px * 3, (offset + frames) * px * 3),
    masks: whole.render.masks.slice(offset * objects * px, (offset + frames) * objects * px),
  };
  return { scene: whole.scene, trace: { ...whole.trace, frames, poses: whole.trace.poses.slice(offset, offset + frames) }, render };
}

async function writeSplit(dir: string, split: "train" | "heldout", count: number, seed: number, later = 0): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const frames = openSync(join(dir, "frames.u8"), "w");
  const masks = openSync(join(dir, "masks.u8"), "w");
  const meta: string[] = [];
  const bar = new SingleBar({ format: `${split} {bar} {value}/{total} clips | {eta}s left` }, Presets.shades_classic);
  bar.start(count, 0);
  for (let i = 0; i < count; i++) {
    const s = clipSeed(seed, i, split);
    const desc = sampleDescription(s, split);
    // A share of the training clips (drawn by the clip's own seed) start later in a longer simulation.
    const rng = createRng(s ^ 0x1a7e);
    const offset = rng.chance(later) ? rng.int(1, LATEST_START) : 0;
    const clip = offset ? await laterClip(desc, s, offset) : await makeClip(desc, s, DEFAULT_CLIP);
    writeSync(frames, clip.render.rgb);
    writeSync(masks, mergedMasks(clip.render, clip.scene.objects.length));
    const prompt = phrase(desc, createRng(s ^ 0xbeef));
    meta.push(JSON.stringify({ i, seed: s, prompt, description: desc, scene: clip.scene, trace: clip.trace.poses, ...(offset ? { offset } : {}) }));
    bar.increment();
  }
  bar.stop();
  closeSync(frames);
  closeSync(masks);
  writeFileSync(join(dir, "meta.jsonl"), meta.join("\n") + "\n");
  writeFileSync(join(dir, "info.json"), JSON.stringify({ split, count, ...DEFAULT_CLIP, seed, palette: COLORS, ...(later ? { later } : {}) }, null, 2));
}

const program = new Command()
  .requiredOption("--count <n>", "training clips")
  .option("--heldout <n>", "held-out clips", "500")
  .requiredOption("--out <dir>", "output folder")
  .option("--seed <n>", "base seed", "1")
  .option("--later <share>", "share of training clips taken 1–48 frames into a longer simulation (what a long video's later windows continue); meta.jsonl records each one's offset", "0")
  .action(async (raw: Record<string, string>) => {
    const opts = args.parse(raw);
    await writeSplit(join(opts.out, "train"), "train", opts.count, opts.seed, opts.later);
    if (opts.heldout > 0) await writeSplit(join(opts.out, "heldout"), "heldout", opts.heldout, opts.seed);
    writeFileSync(join(opts.out, "words.json"), JSON.stringify(promptWords(), null, 0));
  });
await program.parseAsync();
