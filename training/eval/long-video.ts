// `npm run eval -- --long`: the long-video template (64 frames, 8 s, made in 5 windows) on held-out
// prompts, measured against a 64-frame simulation like a text-to-video clip, plus how visible the
// joins between windows are: the frame-to-frame change where a window's first new frame follows the
// frames it was given, against the change everywhere else (1 = no seam), for the clip and the truth.
import { Presets, SingleBar } from "cli-progress";
import { join } from "node:path";
import type { Engine } from "../../core/engine/index.ts";
import { OVERLAP } from "../../nodes/generate/sampler.ts";
import { planWindows } from "../../nodes/generate/windows.ts";
import { renderScene } from "../../nodes/physics/clip.ts";
import { measureClip, type ClipMetrics } from "../../nodes/physics/measure.ts";
import type { HeldOut } from "./held-out.ts";
import { generate, loadTemplate, type Sampling } from "./graph.ts";
import { contactSheet, summarize, table, type SheetRow } from "./report.ts";

const FRAMES = 64, WINDOW = 16;

/** Mean absolute change between frames t − 1 and t, per value. */
function change(rgb: Uint8Array, size: number, t: number): number {
  let s = 0;
  for (let i = 0; i < size; i++) s += Math.abs(rgb[t * size + i]! - rgb[(t - 1) * size + i]!);
  return s / size;
}

/** Mean change at the joins ÷ mean change elsewhere. */
export function seamRatio(rgb: Uint8Array, size: number, frames: number, joins: ReadonlySet<number>): number {
  let seam = 0, seams = 0, rest = 0, others = 0;
  for (let t = 1; t < frames; t++) {
    const c = change(rgb, size, t);
    if (joins.has(t)) {
      seam += c;
      seams++;
    } else {
      rest += c;
      others++;
    }
  }
  return seam / Math.max(seams, 1) / Math.max(rest / Math.max(others, 1), 1e-6);
}

export async function longVideoEval(engine: Engine, items: HeldOut[], sampling: Sampling, out: string): Promise<Record<string, unknown>> {
  const template = loadTemplate("long-video.json");
  const starts = planWindows(FRAMES, WINDOW, [], OVERLAP);
  const joins = new Set(starts.slice(1).map((s) => s + OVERLAP));
  const metrics: ClipMetrics[] = [];
  const seams: number[] = [], truthSeams: number[] = [];
  const sheet: SheetRow[] = [];
  const bar = new SingleBar({ format: "long-video eval {bar} {value}/{total} prompts | {eta}s left" }, Presets.shades_classic);
  bar.start(items.length, 0);
  for (const it of items) {
    const { frames } = await generate(engine, template, { prompt: it.prompt, seed: it.noiseSeed, ...sampling });
    if (frames.frames !== FRAMES) throw new Error(`the long-video template made ${frames.frames} frames, not ${FRAMES}`);
    const truth = await renderScene(it.scene, { width: frames.width, height: frames.height, frames: FRAMES, fps: frames.fps });
    metrics.push(measureClip(frames, truth.scene, truth.trace));
    const size = frames.width * frames.height * 3;
    seams.push(seamRatio(frames.rgb, size, FRAMES, joins));
    truthSeams.push(seamRatio(truth.render.rgb, size, FRAMES, joins));
    if (sheet.length < 8) sheet.push({ prompt: it.prompt, ...frames });
    bar.increment();
  }
  bar.stop();
  const file = join(out, "long-video.png");
  await contactSheet(sheet, file, 2, 4);
  const mean = (v: number[]) => Math.round((v.reduce((a, b) => a + b, 0) / Math.max(v.length, 1)) * 1000) / 1000;
  const summary = { ...summarize(metrics), seam_ratio: mean(seams), truth_seam_ratio: mean(truthSeams) };
  console.log(`\n${table({ "64 frames": summarize(metrics) })}\njoins at frames ${[...joins].join(", ")}: change there ÷ change elsewhere ${summary.seam_ratio} (true renders ${summary.truth_seam_ratio})\nevery 4th frame: ${file}`);
  return { ...summary, windows: starts, per_prompt: metrics.map((m, k) => ({ prompt: items[k]!.prompt, ...m, track: undefined, seam_ratio: seams[k] })) };
}
