import { latentPreview } from "../model/convert.ts";
import type { Latent } from "../model/values.ts";
import { createNoise, makeDenoiser, noiseScaling, SAMPLER_NAMES, SAMPLERS } from "../sampling/index.ts";
import { CONDITIONING, GUIDANCE, LATENT, MODEL, SIGMAS } from "../../core/node/sockets.ts";
import { defineNode, p } from "../../core/node/definition.ts";
import { guidedDenoiser } from "../guidance/compose.ts";
import { GUIDANCE_STRENGTH } from "../guidance/method.ts";
import { packModel } from "./pack-model.ts";
import { packSampling } from "./pack-sampling.ts";
import { latentShape } from "./shape.ts";

export default defineNode({
  type: "t2v.Sampler",
  version: 1,
  title: "Sampler",
  category: "sampling",
  description: "Removes noise step by step: MODEL + prompts + LATENT + SIGMAS (+ GUIDANCE) → LATENT. Previews every step. steps, cfg and guidance_strength can be changed while it runs.",
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
    const size = shape.reduce((a, b) => a * b, 1);
    const ms = packSampling(m);
    const negFeatures = negative?.features ?? (await pack.encodeText(pack.tokenize("").ids, 1));
    // Live patches (cfg here, guidance strength from the Physics Guidance node) are read per step.
    const liveAt = (i: number) => ctx.live.get(i);
    let calls = 0;
    const callPack = packModel({ pack, positive: positive.features, negative: negFeatures, batch: shape[0], onCall: () => void calls++ });
    const methods = guidance?.methods ?? [];
    for (const g of methods) g.check?.(pack);
    const denoise = guidedDenoiser(
      ({ x, sigma, at, simulation }) => makeDenoiser(ms, (xm, time) => callPack(xm, time, liveAt(at.i).cfg ?? cfg, simulation))(x, sigma, at),
      methods,
      (at) => liveAt(at.i)[GUIDANCE_STRENGTH] ?? guidance?.strength ?? 0,
    );
    if (sigmas.values.length < 2) throw new Error("sigmas: the schedule has no steps");
    const start = latent_image.samples ? Float64Array.from(latent_image.samples.data) : undefined;
    const x0 = noiseScaling(sigmas.values[0]!, createNoise(latent_image.seed).randn(size), start);
    let live = liveAt(0);
    let total = sigmas.values.length - 1;
    const result = await SAMPLERS[sampler_name](denoise, x0, sigmas.values, {
      noise: createNoise(seed),
      signal: ctx.signal,
      reschedule: (i, sigmaNow) => {
        const values = liveAt(i);
        if (values === live) return undefined;
        live = values;
        if (values.steps === undefined || !sigmas.recompute) return undefined;
        ctx.log.info({ step: i, steps: values.steps }, "steps changed while running");
        return sigmas.recompute(sigmaNow, Math.max(1, Math.round(values.steps) - i));
      },
      onStep: (info) => {
        total = info.total;
        ctx.progress(info.i + 1, info.total);
        const perClip = info.denoised.subarray(0, size / shape[0]);
        ctx.preview({ frames: latentPreview(perClip, shape, m), width: shape[4] * 4, height: shape[3] * 4, frameCount: shape[2], step: info.i + 1, steps: info.total });
      },
    });
    const out: Latent = { ...latent_image, samples: { data: Float32Array.from(result), shape } };
    return { outputs: { LATENT: out }, ui: { steps: [total], model_calls: [calls] } };
  },
});
