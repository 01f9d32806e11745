// `npm run eval -- --autoencoder`: the held-out scenes rendered by the simulator, passed through the
// pack's own encoder and decoder, and measured like generated clips. What a perfect denoiser could
// score with this autoencoder: the floor under every generated number. With `emphasis`, the scenes are
// encoded as Physics Guidance encodes its blend's target (nodes/guidance/target.ts).
import { Presets, SingleBar } from "cli-progress";
import { join } from "node:path";
import { encodeTarget } from "../../nodes/guidance/target.ts";
import { planarToRgb8, rgb8ToPlanar } from "../../nodes/model/convert.ts";
import { SHIPPED_MODELS } from "../../nodes/model/roots.ts";
import { openPack } from "../../nodes/model/runtime.ts";
import { DEFAULT_CLIP, renderScene } from "../../nodes/physics/clip.ts";
import { measureClip, type ClipMetrics } from "../../nodes/physics/measure.ts";
import type { HeldOut } from "./held-out.ts";
import { contactSheet, formatMedians, medians, summarize, table, worstTable, type Medians, type SheetRow, type Summary } from "./report.ts";

export type AutoencoderResult = {
  /** The emphasis the scenes were encoded with, as Physics Guidance uses it (0: the plain encoding). */
  emphasis: number;
  truth: Summary;
  reconstructed: Summary;
  median: { truth: Medians; reconstructed: Medians };
  /** Each scene's metrics, the true render beside its trip through the autoencoder. */
  per_prompt: { prompt: string; seed: number; truth: Row; reconstructed: Row }[];
};

export async function autoencoderEval(items: HeldOut[], out: string, pack = "physics-tiny", emphasis = 0): Promise<AutoencoderResult> {
  const p = await openPack(join(SHIPPED_MODELS, pack), "cpu", true);
  const range = p.manifest.rgb_range;
  const { width: W, height: H, frames: T } = DEFAULT_CLIP;
  const truth: ClipMetrics[] = [], rec: ClipMetrics[] = [];
  const sheet: SheetRow[] = [];
  const bar = new SingleBar({ format: "autoencoder eval {bar} {value}/{total} scenes | {eta}s left" }, Presets.shades_classic);
  bar.start(items.length, 0);
  for (const it of items) {
    const clip = await renderScene(it.scene);
    const { decoded } = await encodeTarget(p, rgb8ToPlanar(clip.render.rgb, T, H, W, range), T, emphasis);
    const rgb = planarToRgb8(decoded, T, H, W, range);
    truth.push(measureClip({ rgb: clip.render.rgb, width: W, height: H, frames: T }, clip.scene, clip.trace));
    const m = measureClip({ rgb, width: W, height: H, frames: T }, clip.scene, clip.trace);
    rec.push(m);
    if (sheet.length < 16) {
      sheet.push({ prompt: `true render: ${it.prompt}`, rgb: clip.render.rgb, width: W, height: H, frames: T });
      sheet.push({ prompt: `through the autoencoder (count ${m.predicted.count}, colour ${m.predicted.color ?? "none"})`, rgb, width: W, height: H, frames: T });
    }
    bar.increment();
  }
  bar.stop();
  await contactSheet(sheet, join(out, "autoencoder.png"));
  const r: AutoencoderResult = {
    emphasis,
    truth: summarize(truth),
    reconstructed: summarize(rec),
    median: { truth: medians(truth), reconstructed: medians(rec) },
    per_prompt: items.map((it, i) => ({ prompt: it.prompt, seed: it.seed, truth: strip(truth[i]!), reconstructed: strip(rec[i]!) })),
  };
  const prompts = items.map((it) => it.prompt);
  console.log(`\n${table({ "true renders": r.truth, "through the autoencoder": r.reconstructed })}`);
  console.log(`${formatMedians("true renders", r.median.truth)}\n${formatMedians("through the autoencoder", r.median.reconstructed)}`);
  console.log(`\nworst ten through the autoencoder (by trajectory error):\n${worstTable(rec, prompts, 10, "trajectory")}\n\npairs: ${join(out, "autoencoder.png")}`);
  return r;
}

/** A row for the JSON: the metrics without the per-frame track. */
type Row = Omit<ClipMetrics, "track"> & { track?: undefined };
const strip = (m: ClipMetrics): Row => ({ ...m, track: undefined });
