// `npm run eval -- [--json FILE] [--limit N] [--physics | --autoencoder | --upscale | --i2v | --interpolate | --long | --sketch | --paraphrase [first|fresh|third]] [--pack NAME] [--out DIR]`: generates the held-out prompts
// through the real node graph and measures the frames against the simulated ground truth.
import { Command } from "commander";
import { Presets, SingleBar } from "cli-progress";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { registry } from "../nodes/index.ts";
import { findPack, loadReaderTokenizer, loadTokenizer } from "../nodes/model/pack.ts";
import { DEFAULT_PACK, SHIPPED_MODELS } from "../nodes/model/roots.ts";
import { SAMPLER_NAMES } from "../nodes/sampling/index.ts";
import { measureClip, type ClipMetrics } from "../nodes/physics/measure.ts";
import { renderScene } from "../nodes/physics/clip.ts";
import { createEngine, type Engine } from "../core/engine/index.ts";
import { compact } from "../core/node/catalogue.ts";
import { createServices } from "../server/services.ts";
import { generate, loadTemplate, type Sampling } from "./eval/graph.ts";
import { heldOutPrompts, PARAPHRASE_SPLITS, PARAPHRASES, type HeldOut } from "./eval/held-out.ts";
import { contactSheet, countSplit, formatCountSplit, formatMedians, medians, misses, summarize, table, worst, worstTable, type SheetRow, type Summary } from "./eval/report.ts";
import { autoencoderEval } from "./eval/autoencoder.ts";
import { physicsEval } from "./eval/physics.ts";
import { upscaleEval } from "./eval/upscale.ts";
import { imageToVideoEval } from "./eval/image-to-video.ts";
import { interpolationEval } from "./eval/interpolate.ts";
import { longVideoEval } from "./eval/long-video.ts";
import { sketchEval } from "./eval/sketch.ts";

const args = z.object({
  json: z.string().optional(),
  /** Default 100 prompts; 300 with --physics (a mean over fewer hid which prompts guidance failed on). */
  limit: z.coerce.number().int().positive().optional(),
  skip: z.coerce.number().int().min(0).default(0),
  out: z.string().default("eval-out"),
  physics: z.boolean().default(false),
  autoencoder: z.boolean().default(false),
  upscale: z.boolean().default(false),
  i2v: z.boolean().default(false),
  interpolate: z.boolean().default(false),
  long: z.boolean().default(false),
  sketch: z.boolean().default(false),
  // `--paraphrase` alone is the first split; `--paraphrase fresh` and `third` were written blind.
  paraphrase: z.union([z.literal(true).transform(() => "first" as const), z.enum(PARAPHRASE_SPLITS)]).optional(),
  upscaler: z.string().min(1).optional(),
  steps: z.coerce.number().int().positive().optional(),
  cfg: z.coerce.number().min(1).max(30).optional(),
  shift: z.coerce.number().min(0.1).max(20).optional(),
  sampler: z.enum(SAMPLER_NAMES).optional(),
  pack: z.string().regex(/^[\w.-]+$/, "a folder name under models/").optional(),
  method: z.enum(["simulation", "blend", "both"]).optional(),
  strength: z.coerce.number().min(0).max(1).optional(),
  start: z.coerce.number().min(0).max(1).optional(),
  end: z.coerce.number().min(0).max(1).optional(),
  background: z.coerce.number().min(0).max(1).optional(),
  hold: z.coerce.number().min(0).max(1).optional(),
  emphasis: z.coerce.number().min(0).max(3).optional(),
});

/**
 * How many prompts carry words outside the pack's vocabulary (its prompt reader's, when it has one:
 * the words that decide what is drawn), and the commonest such words.
 */
function unknownWords(prompts: string[], packName = DEFAULT_PACK): string {
  const pack = findPack([SHIPPED_MODELS], packName);
  if (!pack?.manifest) return "no shipped pack to tokenize with";
  const reader = loadReaderTokenizer(pack.dir, pack.manifest);
  const tokenize = reader ?? loadTokenizer(pack.dir, pack.manifest);
  const tally = new Map<string, number>();
  let withUnknown = 0;
  for (const p of prompts) {
    const { unknown } = tokenize(p);
    if (unknown.length) withUnknown++;
    for (const w of unknown) tally.set(w, (tally.get(w) ?? 0) + 1);
  }
  const top = [...tally.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([w, n]) => `${w} ×${n}`).join(", ");
  return `prompts with words outside the ${reader ? "prompt reader's " : ""}vocabulary: ${withUnknown}/${prompts.length}; commonest: ${top}`;
}

/**
 * Generated clips measured against the simulation, and the simulation's own render measured the same
 * way (`truth`): what the instrument reads from a perfect clip, the ceiling over each number.
 */
async function textEval(engine: Engine, items: HeldOut[], sampling: Sampling, out: string): Promise<{ summary: Summary; metrics: ClipMetrics[]; truth: ClipMetrics[] }> {
  const template = loadTemplate("text-to-video.json");
  const bar = new SingleBar({ format: "eval {bar} {value}/{total} prompts | {eta}s left" }, Presets.shades_classic);
  bar.start(items.length, 0);
  const metrics: ClipMetrics[] = [], truth: ClipMetrics[] = [];
  const clips: SheetRow[] = [];
  for (const it of items) {
    const { frames } = await generate(engine, template, { prompt: it.prompt, seed: it.noiseSeed, ...sampling });
    const { trace, render } = await renderScene(it.scene, { width: frames.width, height: frames.height, frames: frames.frames, fps: frames.fps });
    metrics.push(measureClip(frames, it.scene, trace));
    truth.push(measureClip(render, it.scene, trace));
    clips.push({ prompt: it.prompt, ...frames });
    bar.increment();
  }
  bar.stop();
  await contactSheet(clips.slice(0, 16), join(out, "samples.png"));
  await contactSheet(worst(metrics).map((i) => ({ ...clips[i]!, prompt: `${i + 1}. ${clips[i]!.prompt} (wrong: ${misses(metrics[i]!).join(", ") || "none"})` })), join(out, "worst.png"));
  return { summary: summarize(metrics), metrics, truth };
}

const program = new Command()
  .option("--json <file>", "write the numbers as JSON")
  .option("--limit <n>", "held-out prompts to generate (default 100; 300 with --physics)")
  .option("--skip <n>", "start after this many held-out prompts (choose settings on prompts the report does not use)", "0")
  .option("--out <dir>", "folder for the contact sheet and plots", "eval-out")
  .option("--physics", "compare unguided and physics-guided generation")
  .option("--autoencoder", "measure the true renders and their trip through the pack's autoencoder (no generation)")
  .option("--upscale", "score the 4× upscaler against Lanczos and the true 256×256 renders (autoencoder reconstructions and physics-guided clips)")
  .option("--i2v", "image-to-video: each scene's true first frame + its prompt; the clip against the simulation, its first frame against the truth")
  .option("--interpolate", "frame interpolation 8 → 16 and 24 fps: each method's in-betweens against true renders at those rates (no generation)")
  .option("--long", "the long-video template: 64-frame clips (5 windows) against a 64-frame simulation, and how visible the joins between windows are")
  .option("--paraphrase [split]", "the text eval on a paraphrase split, the same held-out scenes in people's words: first (training/eval/paraphrase.ts, the default), fresh or third (paraphrase-fresh.ts, paraphrase-third.ts, each written blind)")
  .option("--sketch", "sketch to video: programmatic sketches of held-out combinations through the sketch-to-video template, against the sketch and its simulation")
  .option("--upscaler <name|dir>", "with --upscale: upscaler pack, a folder under models/ or a path (default: physics-tiny-upscaler)")
  .option("--steps <n>", "sampler steps (default: the workflow's)")
  .option("--cfg <x>", "classifier-free guidance scale (default: the workflow's)")
  .option("--shift <x>", "the scheduler's timestep shift (default: the workflow's)")
  .option("--sampler <name>", `sampler: ${SAMPLER_NAMES.join("|")} (default: the workflow's)`)
  .option("--pack <name>", "model pack under models/ (default: the workflow's)")
  .option("--method <m>", "with --physics: guidance method simulation|blend|both (default: the template's)")
  .option("--strength <x>", "with --physics: guidance strength 0–1")
  .option("--start <x>", "with --physics: guidance start, a fraction of the schedule")
  .option("--end <x>", "with --physics: guidance end, a fraction of the schedule")
  .option("--background <x>", "with --physics: blend weight outside the objects, 0–1")
  .option("--hold <x>", "with --physics: share of the blend's pull kept at the end of the schedule, 0–1")
  .option("--emphasis <x>", "with --physics or --autoencoder: times what the autoencoder loses of the rendered scene is added back before encoding it, 0–3 (the blend's target; --autoencoder: 0 unless given)")
  .action(async (raw: Record<string, unknown>) => {
    const o = args.parse(raw);
    mkdirSync(o.out, { recursive: true });
    const engine = createEngine({ registry, services: createServices({ outputDir: join(o.out, "output"), tempDir: join(o.out, "temp"), inputDir: join(o.out, "input") }) });
    const limit = o.limit ?? (o.physics ? 300 : 100);
    const split = heldOutPrompts(limit, o.skip);
    // The paraphrase split: the same scenes and seeds, other words.
    const phrasing = o.paraphrase ? PARAPHRASES[o.paraphrase] : undefined;
    const items = phrasing ? split.map((it) => ({ ...it, prompt: phrasing(it.description, it.seed) })) : split;
    // Only the options given: the workflow keeps its own values for the rest.
    const sampling: Sampling = compact({ steps: o.steps, cfg: o.cfg, shift: o.shift, sampler: o.sampler, pack: o.pack });
    let result: Record<string, unknown>;
    if (o.autoencoder) {
      result = await autoencoderEval(items, o.out, o.pack, o.emphasis);
    } else if (o.long) {
      result = await longVideoEval(engine, items, sampling, o.out);
    } else if (o.sketch) {
      result = await sketchEval(engine, limit, o.skip, sampling, o.out);
    } else if (o.interpolate) {
      result = await interpolationEval(items, o.out);
    } else if (o.i2v) {
      result = await imageToVideoEval(engine, items, sampling, o.out, join(o.out, "input"));
    } else if (o.upscale) {
      result = await upscaleEval(engine, items, sampling, o.out, { upscaler: o.upscaler });
    } else if (o.physics) {
      const { method, strength, start, end, background, hold, emphasis } = o;
      const overrides = compact({ method, strength, start, end, background, hold, emphasis });
      result = await physicsEval(engine, items, sampling, o.out, overrides);
    } else {
      const { summary, metrics, truth } = await textEval(engine, items, sampling, o.out);
      const objects = items.map((it) => it.scene.objects.length);
      const byObjects = countSplit(metrics, objects), truthByObjects = countSplit(truth, objects);
      const byBackground = countSplit(metrics, items.map((it) => it.scene.background));
      const med = medians(metrics);
      const truthSummary = summarize(truth);
      console.log(`\n${table({ "held-out": summary, "true renders": truthSummary })}\n${formatMedians("held-out", med)}\n\n${formatCountSplit("objects", byObjects)}\n${formatCountSplit("objects, true renders", truthByObjects)}\n${formatCountSplit("background", byBackground)}\n\nworst ten:\n${worstTable(metrics, items.map((it) => it.prompt))}\ncontact sheets: ${join(o.out, "samples.png")}, ${join(o.out, "worst.png")}`);
      if (o.paraphrase) console.log(`\n${unknownWords(items.map((it) => it.prompt), o.pack)}`);
      result = {
        split: o.paraphrase ?? "grammar", ...summary, median: med, count_by_objects: byObjects, count_by_background: byBackground,
        truth: { ...truthSummary, count_by_objects: truthByObjects },
        per_prompt: metrics.map((m, i) => ({ prompt: items[i]!.prompt, ...m, track: undefined, truth_wrong: misses(truth[i]!) })),
      };
    }
    if (o.json) writeFileSync(o.json, JSON.stringify(result, null, 2));
  });
await program.parseAsync();
