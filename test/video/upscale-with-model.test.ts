// The learned upscaler: the shipped pack through its two nodes, against the world's own large renders.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fromApiPrompt, validate } from "../../core/engine/index.ts";
import type { Frames } from "../../core/index.ts";
import { registry } from "../../nodes/index.ts";
import { listPacks, packChoices, readUpscalerManifest, verifyPack } from "../../nodes/model/pack.ts";
import { SHIPPED_MODELS } from "../../nodes/model/roots.ts";
import { renderScene } from "../../nodes/physics/clip.ts";
import { resolveScene } from "../../nodes/physics/describe.ts";
import { clipSeed, sampleDescription } from "../../nodes/physics/sample.ts";
import loadUpscaleModel from "../../nodes/video/load-upscale-model.ts";
import upscaleFrames from "../../nodes/video/upscale-frames.ts";
import upscaleWithModel from "../../nodes/video/upscale-with-model.ts";
import { makeCtx, movingSquare, sandbox } from "./helpers.ts";

const PACK = join(SHIPPED_MODELS, "physics-tiny-upscaler");
const loaderParams = { model_name: "physics-tiny-upscaler", device: "cpu", if_unavailable: "fall back to cpu" } as const;

async function loadShipped() {
  const ctx = makeCtx(sandbox());
  ctx.services.modelRoots = [SHIPPED_MODELS];
  return { ctx, model: (await loadUpscaleModel.run(ctx, loaderParams)).outputs.UPSCALE_MODEL };
}

function psnr(a: Uint8Array, b: Uint8Array): number {
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i]! - b[i]!) ** 2;
  return 10 * Math.log10((255 * 255) / (se / a.length));
}

/** A held-out scene (not a night sky: its stars are hashed per pixel, so they differ between sizes) at 64 and 256 px. */
async function heldOutPair(): Promise<{ small: Frames; big: Frames }> {
  for (let i = 0; ; i++) {
    const seed = clipSeed(1, i, "heldout");
    const d = sampleDescription(seed, "heldout");
    if (d.background === "night") continue;
    const scene = resolveScene(d, seed);
    const [small, big] = await Promise.all([64, 256].map((px) => renderScene(scene, { width: px, height: px, frames: 16, fps: 8 })));
    const frames = (r: typeof small) => ({ rgb: r!.render.rgb, width: r!.render.width, height: r!.render.height, frames: 16, batch: 1, fps: 8 });
    return { small: frames(small), big: frames(big) };
  }
}

describe("the shipped upscaler pack", () => {
  it("is an upscaler pack, listed apart from the video packs, with files matching their hashes", () => {
    const m = readUpscalerManifest(PACK);
    expect([m.kind, m.scale, m.temporal_context.frames]).toEqual(["upscaler", 4, 3]);
    expect(verifyPack(PACK, m)).toEqual([]);
    expect(readFileSync(join(PACK, m.files.model.path)).length).toBeLessThan(8 * 1024 * 1024);
    expect(packChoices([SHIPPED_MODELS], "upscaler")).toEqual(["physics-tiny-upscaler"]);
    expect(packChoices([SHIPPED_MODELS])).not.toContain("physics-tiny-upscaler");
  });

  it("a broken upscaler manifest is refused with the pack and the field named", () => {
    const dir = mkdtempSync(join(tmpdir(), "t2v-up-"));
    cpSync(PACK, join(dir, "broken"), { recursive: true });
    const m = JSON.parse(readFileSync(join(dir, "broken", "manifest.json"), "utf8"));
    m.scale = "four";
    delete m.receptive_radius;
    writeFileSync(join(dir, "broken", "manifest.json"), JSON.stringify(m));
    expect(() => readUpscalerManifest(join(dir, "broken"))).toThrow(/broken.*manifest\.json is invalid[\s\S]*scale[\s\S]*receptive_radius/);
    expect(listPacks([dir], "upscaler")[0]?.error).toMatch(/scale/);
  });
});

describe("Load Upscale Model / Upscale With Model", () => {
  it("brings a 64 px render closer to the true 256 px render than lanczos does", async () => {
    const { ctx, model } = await loadShipped();
    const { small, big } = await heldOutPair();
    const learned = (await upscaleWithModel.run(ctx, { upscale_model: model, image: small, tile: 128 })).outputs.FRAMES;
    const lanczos = (await upscaleFrames.run(ctx, { frames: small, by: "factor", factor: 4, width: 256, height: 256, fit: "stretch", method: "lanczos3" })).outputs.FRAMES;
    expect([learned.width, learned.height, learned.frames, learned.fps]).toEqual([256, 256, 16, 8]);
    const [m, l] = [psnr(learned.rgb, big.rgb), psnr(lanczos.rgb, big.rgb)];
    expect(m - l, `model ${m.toFixed(2)} dB, lanczos ${l.toFixed(2)} dB`).toBeGreaterThan(2);
  });

  it("gives the same pixels in small tiles and short chunks as in one call, for any size, length and batch", async () => {
    const { ctx, model } = await loadShipped();
    const image = movingSquare({ width: 40, height: 24, frames: 5, batch: 2, fps: 12 });
    const steps: number[] = [];
    ctx.progress = (done) => steps.push(done);
    const whole = await model.upscale(image, { tile: 1024, chunk: 100 });
    const tiled = (await upscaleWithModel.run(ctx, { upscale_model: model, image, tile: 16 })).outputs.FRAMES;
    const chunked = await model.upscale(image, { tile: 16, chunk: 2 });
    expect([whole.width, whole.height, whole.frames, whole.batch, whole.fps]).toEqual([160, 96, 5, 2, 12]);
    expect(Buffer.compare(Buffer.from(tiled.rgb), Buffer.from(whole.rgb))).toBe(0);
    expect(Buffer.compare(Buffer.from(chunked.rgb), Buffer.from(whole.rgb))).toBe(0);
    expect(steps.at(-1)).toBe(2 * 3 * 2); // batch × row tiles × column tiles
  });

  it("stops at an interrupt and refuses a clip that would grow past the size limit, naming the field", async () => {
    const { ctx, model } = await loadShipped();
    const stop = new AbortController();
    stop.abort();
    await expect(model.upscale(movingSquare({ width: 16, height: 16, frames: 2 }), { signal: stop.signal })).rejects.toThrow(/abort/i);
    const huge = { rgb: new Uint8Array(0), width: 2048, height: 8, frames: 0, batch: 1, fps: 8 };
    await expect(upscaleWithModel.run(ctx, { upscale_model: model, image: huge, tile: 128 })).rejects.toThrow(/^image: 2048×8 would become 8192×32/);
  });

  it("names model_name when the pack is missing or is a video pack, and shares one session across jobs", async () => {
    const { ctx, model } = await loadShipped();
    await expect(loadUpscaleModel.run(ctx, { ...loaderParams, model_name: "esrgan-4x" })).rejects.toThrow(/^model_name: no upscaler pack named "esrgan-4x" \(available: physics-tiny-upscaler\)/);
    await expect(loadUpscaleModel.run(ctx, { ...loaderParams, model_name: "physics-tiny" })).rejects.toThrow(/^model_name: no upscaler pack/);
    expect((await loadUpscaleModel.run(ctx, loaderParams)).outputs.UPSCALE_MODEL).toBe(model);
  });

  it("resolves a ComfyUI prompt that names UpscaleModelLoader and ImageUpscaleWithModel", () => {
    const prompt = {
      "1": { class_type: "t2v.LoadModel", inputs: { pack: "physics-tiny" } },
      "2": { class_type: "t2v.TextEncode", inputs: { clip: ["1", 1], text: "a red ball" } },
      "4": { class_type: "t2v.EmptyVideoLatent", inputs: {} },
      "5": { class_type: "t2v.Scheduler", inputs: { model: ["1", 0] } },
      "6": { class_type: "KSampler", inputs: { model: ["1", 0], positive: ["2", 0], negative: ["2", 0], latent_image: ["4", 0], sigmas: ["5", 0] } },
      "7": { class_type: "t2v.Decode", inputs: { samples: ["6", 0], vae: ["1", 2] } },
      "10": { class_type: "UpscaleModelLoader", inputs: { model_name: "physics-tiny-upscaler" } },
      "8": { class_type: "ImageUpscaleWithModel", inputs: { upscale_model: ["10", 0], image: ["7", 0] } },
      "9": { class_type: "t2v.VideoWriter", inputs: { frames: ["8", 0] } },
    };
    const wf = fromApiPrompt(prompt, registry);
    const typeOf = (id: string) => wf.nodes.find((n) => n.id === id)?.type;
    expect([typeOf("10"), typeOf("8")]).toEqual(["t2v.LoadUpscaleModel", "t2v.UpscaleWithModel"]);
    expect(validate(wf, registry)).toEqual([]);
  });
});
