import { fromEncoderOutput, planarToRgb8, rgb8ToPlanar } from "../model/convert.ts";
import { mergedMasks } from "../physics/clip.ts";
import { ENCODER, GUIDANCE, PHYSICS_TRACE } from "../../core/node/sockets.ts";
import { defineNode, p, showNotes } from "../../core/node/definition.ts";
import { blendGuidance } from "../guidance/blend.ts";
import { GUIDANCE_STRENGTH, type GuidanceMethod } from "../guidance/method.ts";
import { simulationGuidance } from "../guidance/simulation.ts";
import { encodeTarget } from "../guidance/target.ts";
import type { PhysicsTraceValue } from "./values.ts";
import { faintObjects } from "./visibility.ts";
import "../model/values.ts";

/** Object coverage as the model's simulation input: frames × H × W in 0–1. */
export function simulationInput(t: PhysicsTraceValue): Float32Array {
  const m = mergedMasks(t.render, t.scene.objects.length);
  return Float32Array.from(m, (v) => v / 255);
}

/** Coverage max-pooled to latent cells and grown by one cell, so blending covers the whole object. */
function latentMask(cover: Float32Array, frames: number, H: number, W: number, f: number): Float32Array {
  const h = H / f, w = W / f;
  const pooled = new Float32Array(frames * h * w);
  for (let t = 0; t < frames; t++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const k = (t * h + Math.floor(y / f)) * w + Math.floor(x / f);
    pooled[k] = Math.max(pooled[k]!, cover[(t * H + y) * W + x]!);
  }
  const grown = new Float32Array(pooled.length);
  for (let t = 0; t < frames; t++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let v = 0;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const yy = y + dy, xx = x + dx;
      if (yy >= 0 && xx >= 0 && yy < h && xx < w) v = Math.max(v, pooled[(t * h + yy) * w + xx]! * (dx || dy ? 0.5 : 1));
    }
    grown[(t * h + y) * w + x] = v;
  }
  return grown;
}

export default defineNode({
  type: "t2v.PhysicsGuidance",
  version: 1,
  title: "Physics Guidance",
  category: "physics",
  description: "Steers the sampler with a simulation: `simulation` feeds the object masks to a pack trained with a simulation input; `blend` pulls the early estimates toward the encoded rendering of the simulation inside the masks; `both` does both. Active from start to end (fractions of the schedule). The blend's target brings out what the pack's autoencoder alone would lose (`emphasis`), and the node warns about any object it still cannot show (a tiny dark object on a dark sky): such an object comes out faint or is lost.",
  inputs: {
    trace: { type: PHYSICS_TRACE },
    vae: { type: ENCODER, optional: true, description: "Needed by the blend method" },
  },
  params: {
    method: p.choice(["simulation", "blend", "both"], { default: "simulation" }),
    strength: p.slider({ default: 1, min: 0, max: 1, step: 0.05, live: { applies: "next_step", via: "GUIDANCE", key: GUIDANCE_STRENGTH } }),
    start: p.slider({ default: 0, min: 0, max: 1, step: 0.01 }),
    end: p.slider({ default: 1, min: 0, max: 1, step: 0.01 }),
    background: p.slider({
      default: 1,
      min: 0,
      max: 1,
      step: 0.05,
      description: "Blend methods: how strongly the rendered scene is also blended outside the objects (keeps stray objects from forming)",
    }),
    hold: p.slider({
      default: 0.3,
      min: 0,
      max: 1,
      step: 0.05,
      description: "Blend methods: the share of the pull still applied at the end (0 releases it completely). Keeps objects the model would let fade, such as a throw high in the frame under low gravity",
    }),
    emphasis: p.slider({
      default: 2,
      min: 0,
      max: 3,
      step: 0.25,
      description: "Blend methods: how many times what the pack's autoencoder loses of the rendered scene is added back before encoding it (0: the plain encoding). Brings out small objects of low contrast, such as a tiny dark triangle on the night sky",
    }),
  },
  outputs: { GUIDANCE },
  run: async (ctx, { trace, vae, method, strength, start, end, background, hold, emphasis }) => {
    if (end <= start) throw new Error(`end: must be after start (${start})`);
    const cover = simulationInput(trace);
    const methods: GuidanceMethod[] = [];
    const notes: string[] = [];
    if (method !== "simulation") {
      if (!vae) throw new Error("vae: the blend method needs the pack's encoder (wire Load Model's ENCODER)");
      const m = vae.pack.manifest;
      const { width: W, height: H, frames } = trace.render;
      const { latents: z, decoded } = await encodeTarget(vae.pack, rgb8ToPlanar(trace.render.rgb, frames, H, W, m.rgb_range), frames, emphasis);
      notes.push(...faintObjects(trace, planarToRgb8(decoded, frames, H, W, m.rgb_range)));
      const f = m.latent.spatial_factor;
      const mask = latentMask(cover, frames, H, W, f).map((v) => v + background * (1 - v));
      methods.push(blendGuidance(fromEncoderOutput(z, 1, frames, m, H / f, W / f), mask, start, end, frames, hold));
    }
    if (method !== "blend") methods.push(simulationGuidance(cover, start, end));
    return { outputs: { GUIDANCE: { strength, methods } }, ui: showNotes(ctx, notes) };
  },
});
