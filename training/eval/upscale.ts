// `npm run eval -- --upscale`: the learned 4× upscaler against Lanczos on the held-out scenes, each
// measured against the true 256×256 render of the same simulated trace (night stars drawn as the
// small render draws them: training/upscale/pairs.ts). Two inputs per scene:
//   reconstructed  the 64×64 render through the pack's encoder and decoder (what the model trained on)
//   generated      the physics-guided template's 64×64 frames for the held-out prompt (its Decode
//                  node), against the render of the trace that guided it
// and, on the generated clips, the text eval's instrument (measureClip) on the 64×64 frames beside
// the model's output area-averaged back to 64×64: upscaling must not lose what the eval measures.
import { Presets, SingleBar } from "cli-progress";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import sharp from "sharp";
import { loadWorkflow, type Engine } from "../../core/engine/index.ts";
import type { Frames } from "../../core/node/definition.ts";
import { planarToRgb8, rgb8ToPlanar } from "../../nodes/model/convert.ts";
import { SHIPPED_MODELS } from "../../nodes/model/roots.ts";
import { openPack, type LoadedPack } from "../../nodes/model/runtime.ts";
import { openUpscaler } from "../../nodes/model/upscaler.ts";
import { registry } from "../../nodes/index.ts";
import { DEFAULT_CLIP } from "../../nodes/physics/clip.ts";
import { measureClip, type ClipMetrics } from "../../nodes/physics/measure.ts";
import type { HeldOut } from "./held-out.ts";
import { renderHigh, simulatePair, type HighRender } from "../upscale/pairs.ts";
import { EdgeProfiles, median } from "./edge-width.ts";
import { generate, type Sampling } from "./graph.ts";
import { areaDown, staticPixels } from "./image-metrics.ts";
import { formatInstrument, instrumentCheck, scoresTable, Tally, upscaleSheet, type InputScores, type SheetFrame } from "./upscale-report.ts";

export const DEFAULT_UPSCALER = "physics-tiny-upscaler";
const SHEET_CLIPS = 2;
const SHEET_FRAMES = [0, 8, 15];
const INPUTS = {
  reconstructed: "the true 64×64 render through the pack's autoencoder (encode + decode)",
  generated: "the physics-guided template's 64×64 frames (Decode) for the held-out prompt, against the render of the trace that guided it",
} as const;
type InputName = keyof typeof INPUTS;

/** An upscaler pack: a folder name under models/, or a path (anything with a slash). */
export const upscalerDir = (name = DEFAULT_UPSCALER): string => (/[/\\]/.test(name) ? resolve(name) : join(SHIPPED_MODELS, name));

/** Lanczos (sharp's lanczos3, as the Upscale Frames node resizes) of every frame. */
export async function lanczos(clip: Frames, scale: number): Promise<Frames> {
  const W = clip.width * scale, H = clip.height * scale;
  const inSize = clip.width * clip.height * 3, outSize = W * H * 3, n = clip.batch * clip.frames;
  const rgb = new Uint8Array(n * outSize);
  for (let i = 0; i < n; i++) {
    const src = clip.rgb.subarray(i * inSize, (i + 1) * inSize);
    const data = await sharp(src, { raw: { width: clip.width, height: clip.height, channels: 3 } })
      .resize(W, H, { kernel: "lanczos3", fit: "fill" }).removeAlpha().raw().toBuffer();
    if (data.length !== outSize) throw new Error(`sharp returned ${data.length} bytes, expected ${outSize}`);
    rgb.set(data, i * outSize);
  }
  return { ...clip, rgb, width: W, height: H };
}

/** Frames through the pack's encoder and straight back through its decoder (raw latents, as Decode sees them). */
async function throughAutoencoder(p: LoadedPack, rgb: Uint8Array, frames: number, h: number, w: number): Promise<Uint8Array> {
  const range = p.manifest.rgb_range;
  const z = await p.encode(rgb8ToPlanar(rgb, frames, h, w, range), frames);
  return planarToRgb8(await p.decode(z, frames), frames, h, w, range);
}

const frameOf = (rgb: Uint8Array, f: number, w: number, h: number) => rgb.subarray(f * w * h * 3, (f + 1) * w * h * 3);

export interface UpscaleEvalOptions { upscaler?: string }

export async function upscaleEval(engine: Engine, items: HeldOut[], sampling: Sampling, out: string, o: UpscaleEvalOptions = {}): Promise<Record<string, unknown>> {
  const pack = await openPack(join(SHIPPED_MODELS, sampling.pack ?? "physics-tiny"), "cpu", true);
  const up = await openUpscaler(upscalerDir(o.upscaler), "cpu", true);
  // Read here rather than through eval.ts's loadTemplate, so this module imports without running the CLI.
  const physics = loadWorkflow(JSON.parse(readFileSync(new URL("../../workflows/physics-guided.json", import.meta.url), "utf8")), registry);
  const { width: w, height: h, frames: T, fps } = DEFAULT_CLIP;
  const s = up.scale, W = w * s, H = h * s;
  const tally = { reconstructed: { model: new Tally(), lanczos: new Tally() }, generated: { model: new Tally(), lanczos: new Tally() } };
  const truthWidths: Record<InputName, number[]> = { reconstructed: [], generated: [] };
  const instrument = { small: [] as ClipMetrics[], model: [] as ClipMetrics[], lanczos: [] as ClipMetrics[], truth: [] as ClipMetrics[] };
  const sheet: SheetFrame[] = [];
  const perClip: Record<string, unknown>[] = [];
  let sameScene = 0;
  const bar = new SingleBar({ format: "upscale eval {bar} {value}/{total} scenes | {eta}s left" }, Presets.shades_classic);
  bar.start(items.length, 0);
  try {
    for (const [i, it] of items.entries()) {
      const pair = await simulatePair(it.scene, DEFAULT_CLIP, s);
      const recon = await throughAutoencoder(pack, pair.lr.rgb, T, h, w);
      const g = await generate(engine, physics, { prompt: it.prompt, seed: it.noiseSeed, ...sampling, scene: { seed: it.seed, gravity_preset: "earth" } });
      const sim = g.trace;
      if (!sim) throw new Error("the physics-guided template produced no simulation trace");
      if (g.frames.batch !== 1 || g.frames.width !== w || g.frames.height !== h || g.frames.frames !== T) {
        throw new Error(`generated ${g.frames.batch}×${g.frames.frames}×${g.frames.width}×${g.frames.height}, expected 1×${T}×${w}×${h}`);
      }
      // The Physics Scene node parses the prompt; where that gives the held-out scene, its render is the same.
      const same = JSON.stringify(sim.scene) === JSON.stringify(it.scene) && Buffer.compare(sim.render.rgb, pair.lr.rgb) === 0;
      if (same) sameScene++;
      const clips: Record<InputName, { frames: Frames; truth: HighRender }> = {
        reconstructed: { frames: { rgb: recon, width: w, height: h, frames: T, batch: 1, fps }, truth: pair.hr },
        generated: { frames: g.frames, truth: same ? pair.hr : renderHigh(sim.scene, sim.trace, DEFAULT_CLIP, s) },
      };
      const row: Record<string, unknown> = { prompt: it.prompt, seed: it.seed, generated_scene_is_heldout: same };
      for (const name of Object.keys(clips) as InputName[]) {
        const { frames, truth } = clips[name];
        const prof = new EdgeProfiles(truth.mask, truth.rgb, W, H, T, { seed: i });
        truthWidths[name].push(...prof.widths(truth.rgb));
        const still = staticPixels(truth.rgb, W, H, T);
        let t0 = performance.now();
        const m = await up.upscale(frames);
        const msModel = performance.now() - t0;
        t0 = performance.now();
        const l = await lanczos(frames, s);
        const msLanczos = performance.now() - t0;
        row[name] = {
          model: tally[name].model.add(m.rgb, truth.rgb, W, H, T, prof, still, msModel),
          lanczos: tally[name].lanczos.add(l.rgb, truth.rgb, W, H, T, prof, still, msLanczos),
        };
        if (i < SHEET_CLIPS) {
          for (const f of SHEET_FRAMES.filter((f) => f < T)) {
            sheet.push({ label: `${name} ${i + 1}, frame ${f}: ${it.prompt}`, lanczos: frameOf(l.rgb, f, W, H), model: frameOf(m.rgb, f, W, H), truth: frameOf(truth.rgb, f, W, H) });
          }
        }
        if (name === "generated") {
          const down = (x: Uint8Array) => ({ rgb: areaDown(x, W, H, T, s), width: w, height: h, frames: T });
          instrument.small.push(measureClip(frames, sim.scene, sim.trace));
          instrument.model.push(measureClip(down(m.rgb), sim.scene, sim.trace));
          instrument.lanczos.push(measureClip(down(l.rgb), sim.scene, sim.trace));
          instrument.truth.push(measureClip(down(truth.rgb), sim.scene, sim.trace));
          const brief = (k: keyof typeof instrument) => {
            const c = instrument[k].at(-1)!;
            return { count: c.predicted.count, color: c.predicted.color ?? null, direction_ok: c.direction_ok, trajectory_err_px: Number(c.trajectory_err_px.toFixed(2)) };
          };
          row.instrument = { truth: { count: sim.scene.objects.length, color: sim.scene.objects[0]!.color }, "64×64": brief("small"), "model ↓64": brief("model"), "lanczos ↓64": brief("lanczos"), "truth ↓64": brief("truth") };
        }
      }
      perClip.push(row);
      bar.increment();
    }
  } finally {
    bar.stop();
    await up.release();
    await pack.release();
  }
  const sheetFile = join(out, "upscale.png");
  await upscaleSheet(sheet, W, H, sheetFile);
  const inputs = {} as Record<InputName, InputScores>;
  for (const name of Object.keys(INPUTS) as InputName[]) {
    const tw = median(truthWidths[name]);
    inputs[name] = {
      about: INPUTS[name],
      truth_edge_width_px: tw === null ? null : Number(tw.toFixed(3)),
      truth_edge_profiles: truthWidths[name].length,
      model: tally[name].model.result(),
      lanczos: tally[name].lanczos.result(),
    };
  }
  const check = instrumentCheck(instrument, items.map((it) => it.scene.background));
  console.log(`\nheld-out scenes: ${items.length} × ${T} frames, ${w}×${h} → ${W}×${H}; upscaler ${up.name} on ${up.provider}${up.notes.length ? ` (${up.notes.join("; ")})` : ""}`);
  console.log(`generated clips guided by the held-out scene itself: ${sameScene}/${items.length}\n`);
  console.log(scoresTable(inputs));
  console.log(`\nthe text eval's instrument on the generated clips:\n\n${formatInstrument(check)}\n\ncontact sheet: ${sheetFile} (lanczos | model | truth)`);
  return {
    upscaler: { name: up.name, dir: up.dir, provider: up.provider, scale: s },
    pack: pack.name,
    scenes: items.length,
    frames: T,
    size: { input: [w, h], output: [W, H] },
    sampling,
    generated_scene_is_heldout: sameScene,
    inputs,
    instrument: { measured: "measureClip on the generated 64×64 clips and on the upscaled clips (and the true render) area-averaged 4×4 back to 64×64", ...check },
    contact_sheet: sheetFile,
    per_clip: perClip,
  };
}
