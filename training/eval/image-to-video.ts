// `npm run eval -- --i2v`: each held-out scene's true first frame, given to Image To Video with the
// scene's prompt; the clip made is measured against the simulation like a text-to-video clip, and
// its first frame against the true one. A pack with a known-frames input uses it; others get the
// given frame re-imposed at every step (training-free), so running this on both compares the two.
import { Presets, SingleBar } from "cli-progress";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import type { Engine, Workflow } from "../../core/engine/index.ts";
import { renderScene } from "../../nodes/physics/clip.ts";
import { measureClip, type ClipMetrics } from "../../nodes/physics/measure.ts";
import type { HeldOut } from "./held-out.ts";
import { generate, loadTemplate, nodeOfType, type Sampling, setParams } from "./graph.ts";
import { psnrDb, sse } from "./image-metrics.ts";
import { contactSheet, summarize, table, type SheetRow } from "./report.ts";

/** The text-to-video template with Load Image → Image To Video between the empty latent and the sampler. */
export function imageToVideoWorkflow(): Workflow {
  const wf = loadTemplate("text-to-video.json");
  const model = nodeOfType(wf, "t2v.LoadModel"), empty = nodeOfType(wf, "t2v.EmptyVideoLatent"), sampler = nodeOfType(wf, "t2v.Sampler");
  const at = { x: 0, y: 0 };
  const link = (id: string, from: string, output: string, to: string, input: string) => ({ id, from: { node: from, output }, to: { node: to, input } });
  return {
    ...wf,
    nodes: [...wf.nodes, { id: "i2v-image", type: "t2v.LoadImage", params: { image: "", width: 64, height: 64, fit: "crop" }, position: at }, { id: "i2v", type: "t2v.ImageToVideo", params: {}, position: at }],
    links: [
      ...wf.links.filter((l) => !(l.to.node === sampler && l.to.input === "latent_image")),
      link("i2v-1", model, "ENCODER", "i2v", "vae"),
      link("i2v-2", "i2v-image", "FRAMES", "i2v", "start_image"),
      link("i2v-3", empty, "LATENT", "i2v", "latent"),
      link("i2v-4", "i2v", "LATENT", sampler, "latent_image"),
    ],
  };
}

export async function imageToVideoEval(engine: Engine, items: HeldOut[], sampling: Sampling, out: string, inputDir: string): Promise<Record<string, unknown>> {
  mkdirSync(inputDir, { recursive: true });
  const template = imageToVideoWorkflow();
  const metrics: ClipMetrics[] = [];
  const firstPsnr: number[] = [], clipPsnr: number[] = [];
  const sheet: SheetRow[] = [];
  const bar = new SingleBar({ format: "image-to-video eval {bar} {value}/{total} scenes | {eta}s left" }, Presets.shades_classic);
  bar.start(items.length, 0);
  for (const [i, it] of items.entries()) {
    const truth = await renderScene(it.scene);
    const { width: W, height: H, frames: T } = truth.render;
    const size = W * H * 3;
    const name = `i2v-${i}.png`;
    await sharp(truth.render.rgb.subarray(0, size), { raw: { width: W, height: H, channels: 3 } }).png().toFile(join(inputDir, name));
    const { frames } = await generate(engine, setParams(template, "i2v-image", { image: name }), { prompt: it.prompt, seed: it.noiseSeed, ...sampling });
    metrics.push(measureClip(frames, truth.scene, truth.trace));
    firstPsnr.push(psnrDb(sse(frames.rgb.subarray(0, size), truth.render.rgb.subarray(0, size)), size));
    clipPsnr.push(psnrDb(sse(frames.rgb.subarray(0, T * size), truth.render.rgb.subarray(0, T * size)), T * size));
    if (sheet.length < 16) {
      sheet.push({ prompt: `true render: ${it.prompt}`, rgb: truth.render.rgb, width: W, height: H, frames: T });
      sheet.push({ prompt: "from its first frame", ...frames });
    }
    bar.increment();
  }
  bar.stop();
  await contactSheet(sheet, join(out, "image-to-video.png"));
  const mean = (v: number[]) => Math.round((v.reduce((a, b) => a + b, 0) / Math.max(v.length, 1)) * 100) / 100;
  const summary = { ...summarize(metrics), first_frame_psnr_db: mean(firstPsnr), clip_psnr_db: mean(clipPsnr) };
  console.log(`\n${table({ "image-to-video": summarize(metrics) })}\nfirst frame PSNR ${summary.first_frame_psnr_db} dB, whole clip against the truth ${summary.clip_psnr_db} dB\npairs: ${join(out, "image-to-video.png")}`);
  return { ...summary, per_prompt: metrics.map((m, i) => ({ prompt: items[i]!.prompt, ...m, track: undefined, first_frame_psnr_db: firstPsnr[i], clip_psnr_db: clipPsnr[i] })) };
}
