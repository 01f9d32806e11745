import { latentPreview } from "../model/convert.ts";
import type { Latent } from "../model/values.ts";
import { createNoise, makeDenoiser, SAMPLER_NAMES, SAMPLERS } from "../sampling/index.ts";
import { CONDITIONING, GUIDANCE, LATENT, MODEL, SIGMAS } from "../../core/node/sockets.ts";
import { defineNode, p } from "../../core/node/definition.ts";
import { guidedDenoiser } from "../guidance/compose.ts";
import { GUIDANCE_STRENGTH } from "../guidance/method.ts";
import { packModel } from "./pack-model.ts";
import { packSampling } from "./pack-sampling.ts";
import { sampleClip } from "./sample-clip.ts";
import { latentShape, windowFrames } from "./shape.ts";

/** Latent frames each window of a long clip takes over from the one before (half a second at 8 fps). */
export const OVERLAP = 4;

export default defineNode({
  type: "t2v.Sampler",
  version: 1,
  title: "Sampler",
  category: "sampling",
  description: "Removes noise step by step: MODEL + prompts + LATENT + SIGMAS (+ GUIDANCE) → LATENT. Previews every step. steps, cfg and guidance_strength can be changed while it runs. A clip longer than the model's window is made window by window, each continuing the last; frames the latent gives (Image To Video, Extend Video) are kept.",
  aliases: ["SamplerCustom", "KSampler"],
  aliasWidgets: {
    KSampler: ["seed", "control_after_generate", null, "cfg", "sampler_name", null, null],
    SamplerCustom: [null, "seed", "control_after_generate", "cfg"],
  },
  inputs: {
    model: { type: MODEL },
    positive: { type: CONDITIONING },
    negative: { type: CONDITIONING, optional: true, description: "Defaults to the empty prompt" },
    latent_image: { type: LATENT },
    sigmas: { type: SIGMAS },
    guidance: { type: GUIDANCE, optional: true },
  },
  params: {
    sampler_name: p.choice(SAMPLER_NAMES, { default: "euler" }),
    cfg: p.float({ default: 3, min: 0, max: 20, step: 0.1, description: "Classifier-free guidance scale (1 = off, one model call per step)", live: { applies: "next_step" } }),
    seed: p.seed({ default: 0, description: "Noise added by ancestral and SDE samplers" }),
  },
  outputs: { LATENT },
  run: async (ctx, { model, positive, negative, latent_image, sigmas, guidance, sampler_name, cfg, seed }) => {
    const pack = model.pack;
    const m = pack.manifest;
    if (positive.pack !== pack.name) throw new Error(`positive: encoded by "${positive.pack}", but the model is "${pack.name}"`);
    const shape = latentShape(latent_image, m);
    const [batch, , frames] = shape;
    const size = shape.reduce((a, b) => a * b, 1);
    const ms = packSampling(m);
    const negFeatures = negative?.features ?? (await pack.encodeText(pack.tokenize("").ids, 1));
    if (negative?.shots) throw new Error("negative: a Storyboard's prompts can only be the positive input");
    if (positive.shots && positive.shots.length !== batch) throw new Error(`positive: the storyboard has ${positive.shots.length} shots, but the latent's batch is ${batch}; use the Storyboard's LATENT or set the batch to ${positive.shots.length}`);
    // Live patches (cfg here, guidance strength from the Physics Guidance node) are read per step.
    const liveAt = (i: number) => ctx.live.get(i);
    let calls = 0;
    const methods = guidance?.methods ?? [];
    for (const g of methods) g.check?.(pack, frames * m.latent.temporal_factor);
    if (sigmas.values.length < 2) throw new Error("sigmas: the schedule has no steps");
    const known = latent_image.known;
    if (known && known.data.length !== size) throw new Error(`latent_image: its known frames hold ${known.data.length} values, the latent ${size}`);
    const window = windowFrames(m);
    const notes: string[] = [];
    const reimpose = Boolean(known?.given.some(Boolean)) && !m.conditioning.known;
    if (reimpose) notes.push(`model "${pack.name}" has no known-frames input: the given frames are re-imposed at every step instead (weaker continuity)`);
    if (window !== undefined && frames > window) ctx.log.info({ frames, window, overlap: OVERLAP }, "sampling the clip window by window");
    let live = liveAt(0);
    const { latent: result, windows, steps } = await sampleClip({
      shape,
      window,
      overlap: known?.context ?? OVERLAP,
      sigmas: sigmas.values,
      noise: createNoise(latent_image.seed).randn(size),
      start: latent_image.samples ? Float64Array.from(latent_image.samples.data) : undefined,
      known,
      sampler: SAMPLERS[sampler_name],
      stepNoise: createNoise(seed),
      signal: ctx.signal,
      reimpose,
      denoiser: (plan) => {
        const callPack = packModel({ pack, positive: positive.features, negative: negFeatures, batch, known: { values: plan.known, mask: plan.mask }, onCall: () => void calls++ });
        return guidedDenoiser(
          ({ x, sigma, at, simulation }) => makeDenoiser(ms, (xm, time) => callPack(xm, time, liveAt(at.i).cfg ?? cfg, simulation))(x, sigma, at),
          methods,
          (at) => liveAt(at.i)[GUIDANCE_STRENGTH] ?? guidance?.strength ?? 0,
          { start: plan.start, frames: plan.frames, total: frames },
        );
      },
      reschedule: (i, sigmaNow) => {
        const values = liveAt(i);
        if (values === live) return undefined;
        live = values;
        if (values.steps === undefined || !sigmas.recompute) return undefined;
        ctx.log.info({ step: i, steps: values.steps }, "steps changed while running");
        return sigmas.recompute(sigmaNow, Math.max(1, Math.round(values.steps) - i));
      },
      onStep: (clip, done, total, info) => {
        ctx.progress(done, total);
        const perClip = clip.subarray(0, size / batch);
        ctx.preview({ frames: latentPreview(perClip, shape, m), width: shape[4] * 4, height: shape[3] * 4, frameCount: frames, step: info.i + 1, steps: info.total });
      },
    });
    const out: Latent = { ...latent_image, known: undefined, samples: { data: Float32Array.from(result), shape } };
    return { outputs: { LATENT: out }, ui: { steps: [steps], model_calls: [calls], windows: [windows], ...(notes.length ? { text: notes } : {}) } };
  },
});
