// `npm run eval -- --interpolate`: frame-interpolation methods against the truth. The physics world
// renders each held-out scene at 16 and 24 fps; every 2nd / 3rd frame is the 8 fps source, and each
// method's in-betweens are compared with the true frames between them.
import { Presets, SingleBar } from "cli-progress";
import { join } from "node:path";
import { mergedMasks, renderScene } from "../../nodes/physics/clip.ts";
import { INTERPOLATION_METHODS, interpolateFrames, type InterpolationMethod } from "../../nodes/video/interpolate.ts";
import type { HeldOut } from "./held-out.ts";
import { psnrDb } from "./image-metrics.ts";
import { contactSheet, type SheetRow } from "./report.ts";

const MULTIPLIERS = [2, 3] as const;
const SOURCE = { width: 64, height: 64, frames: 16, fps: 8 };

interface Score { psnr_db: number; moving_psnr_db: number; ms_per_clip: number }
type Scores = Record<InterpolationMethod, Score>;

/** PSNR of the in-between frames only (source frames are copied), over all pixels and over pixels an object covers in the truth or either source frame. */
function score(out: Uint8Array, truth: Uint8Array, objectMask: Uint8Array, m: number, frames: number, px: number): { all: number; moving: number } {
  let se = 0, n = 0, seMoving = 0, nMoving = 0;
  for (let f = 0; f < frames; f++) {
    if (f % m === 0) continue;
    const a = Math.floor(f / m) * m, b = a + m;
    for (let i = 0; i < px; i++) {
      const moving = objectMask[f * px + i]! > 0 || objectMask[a * px + i]! > 0 || objectMask[b * px + i]! > 0;
      for (let c = 0; c < 3; c++) {
        const d = out[(f * px + i) * 3 + c]! - truth[(f * px + i) * 3 + c]!;
        se += d * d;
        n++;
        if (moving) {
          seMoving += d * d;
          nMoving++;
        }
      }
    }
  }
  return { all: psnrDb(se, n), moving: psnrDb(seMoving, Math.max(nMoving, 1)) };
}

export async function interpolationEval(items: HeldOut[], out: string): Promise<Record<string, unknown>> {
  const sums = Object.fromEntries(MULTIPLIERS.map((m) => [`x${m}`, Object.fromEntries(INTERPOLATION_METHODS.map((k) => [k, { psnr_db: 0, moving_psnr_db: 0, ms_per_clip: 0 }])) as Scores]));
  const perPrompt: Record<string, unknown>[] = [];
  const sheet: SheetRow[] = [];
  const bar = new SingleBar({ format: "interpolation eval {bar} {value}/{total} scenes | {eta}s left" }, Presets.shades_classic);
  bar.start(items.length, 0);
  for (const it of items) {
    const row: Record<string, unknown> = { prompt: it.prompt };
    for (const m of MULTIPLIERS) {
      const frames = (SOURCE.frames - 1) * m + 1;
      const truth = await renderScene(it.scene, { ...SOURCE, frames, fps: SOURCE.fps * m });
      const { width: W, height: H } = truth.render;
      const px = W * H, size = px * 3;
      const source = new Uint8Array(SOURCE.frames * size);
      for (let i = 0; i < SOURCE.frames; i++) source.set(truth.render.rgb.subarray(i * m * size, (i * m + 1) * size), i * size);
      const objects = mergedMasks(truth.render, truth.scene.objects.length);
      const scores: Record<string, Score> = {};
      const shown = m === 3 && perPrompt.length < 3;
      for (const method of INTERPOLATION_METHODS) {
        const t0 = performance.now();
        const made = await interpolateFrames({ rgb: source, width: W, height: H, frames: SOURCE.frames, batch: 1, fps: SOURCE.fps }, m, method);
        const ms = performance.now() - t0;
        const s = score(made.rgb, truth.render.rgb, objects, m, frames, px);
        scores[method] = { psnr_db: s.all, moving_psnr_db: s.moving, ms_per_clip: ms };
        const acc = sums[`x${m}`]![method];
        acc.psnr_db += s.all;
        acc.moving_psnr_db += s.moving;
        acc.ms_per_clip += ms;
        if (shown) sheet.push({ prompt: `${method}: ${it.prompt}`, rgb: made.rgb.subarray(0, 24 * size), width: W, height: H, frames: 24 });
      }
      if (shown) sheet.push({ prompt: "true render at 24 fps", rgb: truth.render.rgb.subarray(0, 24 * size), width: W, height: H, frames: 24 });
      row[`x${m}`] = scores;
    }
    perPrompt.push(row);
    bar.increment();
  }
  bar.stop();
  const round = (v: number) => Math.round((v / items.length) * 100) / 100;
  const summary = Object.fromEntries(Object.entries(sums).map(([k, by]) => [k, Object.fromEntries(Object.entries(by).map(([method, s]) => [method, { psnr_db: round(s.psnr_db), moving_psnr_db: round(s.moving_psnr_db), ms_per_clip: round(s.ms_per_clip) }]))]));
  const file = join(out, "interpolation.png");
  await contactSheet(sheet, file, 2, 1);
  const lines = ["| fps | method | PSNR (in-betweens) | PSNR where objects move | ms per 16-frame clip |", "|---|---|---|---|---|"];
  for (const m of MULTIPLIERS) for (const method of INTERPOLATION_METHODS) {
    const s = summary[`x${m}`]![method]!;
    lines.push(`| 8 → ${8 * m} | ${method} | ${s.psnr_db} dB | ${s.moving_psnr_db} dB | ${s.ms_per_clip} |`);
  }
  console.log(`\n${lines.join("\n")}\nframes (24 fps, first second): ${file}`);
  return { prompts: items.length, ...summary, per_prompt: perPrompt };
}
