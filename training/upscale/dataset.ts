// Training pairs for the 4× upscaler: the same simulated scene rendered at 64×64 (what the pack
// makes) and at 256×256 (the target).
//   npx tsx training/upscale/dataset.ts --count 1200 --heldout 100 --out ../t2v-cache/up
// Layout per split (DIR/train, DIR/heldout), clips appended as they are made, so training can
// start on a split that is still being written:
//   lr.u8      N × T × 64 × 64 × 3     the pack-size render
//   hr.u8      N × T × 256 × 256 × 3   the same scene and trace rendered at 256×256
//   hrmask.u8  N × T × 256 × 256       all objects' coverage at 256 (0–255), for edge measurements
//   meta.jsonl one JSON per clip (index, seed, description); info.json when the split is complete
import { Command } from "commander";
import { SingleBar, Presets } from "cli-progress";
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, truncateSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { DEFAULT_CLIP } from "../../nodes/physics/clip.ts";
import { resolveScene } from "../../nodes/physics/describe.ts";
import { clipSeed, sampleDescription } from "../../nodes/physics/sample.ts";
import { SCALE, simulatePair } from "./pairs.ts";

const args = z.object({
  count: z.coerce.number().int().positive(),
  heldout: z.coerce.number().int().min(0),
  out: z.string().min(1),
  seed: z.coerce.number().int().default(1),
});

/** Clips already complete on disk (a restarted run appends after them). */
function done(dir: string, lrBytes: number, hrBytes: number): number {
  const size = (f: string): number => (existsSync(join(dir, f)) ? statSync(join(dir, f)).size : 0);
  const metaLines = existsSync(join(dir, "meta.jsonl")) ? readFileSync(join(dir, "meta.jsonl"), "utf8").split("\n").filter((l) => l.trim()).length : 0;
  return Math.min(Math.floor(size("lr.u8") / lrBytes), Math.floor(size("hr.u8") / hrBytes), Math.floor(size("hrmask.u8") / (hrBytes / 3)), metaLines);
}

async function writeSplit(dir: string, split: "train" | "heldout", count: number, seed: number): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const { width: W, height: H, frames: T } = DEFAULT_CLIP;
  const hrFmt = { width: W * SCALE, height: H * SCALE };
  const lrBytes = T * W * H * 3, hrBytes = T * hrFmt.width * hrFmt.height * 3;
  const start = done(dir, lrBytes, hrBytes);
  if (start >= count && existsSync(join(dir, "info.json"))) return;
  // Truncate every file to the complete clips, then append.
  const open = (f: string, bytes: number): number => {
    if (!existsSync(join(dir, f))) closeSync(openSync(join(dir, f), "w"));
    truncateSync(join(dir, f), start * bytes);
    return openSync(join(dir, f), "a");
  };
  const lr = open("lr.u8", lrBytes), hr = open("hr.u8", hrBytes), hm = open("hrmask.u8", hrBytes / 3);
  const metaPath = join(dir, "meta.jsonl");
  const kept = existsSync(metaPath) ? readFileSync(metaPath, "utf8").split("\n").filter((l) => l.trim()).slice(0, start) : [];
  writeFileSync(metaPath, kept.map((l) => l + "\n").join(""));
  const bar = new SingleBar({ format: `${split} {bar} {value}/{total} clips | {eta}s left` }, Presets.shades_classic);
  bar.start(count, start);
  for (let i = start; i < count; i++) {
    const s = clipSeed(seed, i, split);
    const desc = sampleDescription(s, split);
    const pair = await simulatePair(resolveScene(desc, s), DEFAULT_CLIP, SCALE);
    writeSync(lr, pair.lr.rgb);
    writeSync(hr, pair.hr.rgb);
    writeSync(hm, pair.hr.mask);
    appendFileSync(metaPath, JSON.stringify({ i, seed: s, description: desc, objects: pair.scene.objects.length }) + "\n");
    bar.increment();
  }
  bar.stop();
  for (const fd of [lr, hr, hm]) closeSync(fd);
  writeFileSync(join(dir, "info.json"), JSON.stringify({ split, count, ...DEFAULT_CLIP, scale: SCALE, seed }, null, 2));
}

const program = new Command()
  .requiredOption("--count <n>", "training clips")
  .option("--heldout <n>", "held-out clips", "100")
  .requiredOption("--out <dir>", "output folder")
  .option("--seed <n>", "base seed", "1")
  .action(async (raw: Record<string, string>) => {
    const opts = args.parse(raw);
    // Held-out first: it is small, and the trainer's periodic check needs it from the start.
    if (opts.heldout > 0) await writeSplit(join(opts.out, "heldout"), "heldout", opts.heldout, opts.seed);
    await writeSplit(join(opts.out, "train"), "train", opts.count, opts.seed);
  });
await program.parseAsync();
