// Figure 2: what the engine and the server add on top of the model calls themselves.
// The bare loop opens its own onnxruntime-node sessions (same files, same options as the pack)
// and issues exactly the calls the workflow makes up to Decode: three text-encoder calls
// (Load Model's warm-up, the prompt, the negative prompt), `steps` batched CFG denoiser calls,
// one decoder call for all frames. The workflow is run with Decode as its target (no upscale or
// file writing, which the bare loop does not do), its output cache cleared before each run.
import path from "node:path";
import * as ort from "onnxruntime-node";
import { packSampling } from "../nodes/generate/pack-sampling.ts";
import { loadTokenizer, openSession, readManifest } from "../nodes/model/pack.ts";
import { SHIPPED_MODELS } from "../nodes/model/roots.ts";
import { createNoise, scheduleSigmas, type ScheduleName } from "../nodes/sampling/index.ts";
import type { Engine, Workflow } from "../core/engine/index.ts";
import type { BenchClient } from "./client.ts";
import type { Progress } from "./progress.ts";
import { now, summarize, type Summary } from "./stats.ts";
import { IDS, mustSucceed, paramOf, timedEngineRun } from "./studio.ts";

export interface BareModel {
  run(): Promise<number>;
  /** One batched CFG denoiser call on fixed inputs: for the torch comparison and the FLOP rate. */
  denoiseOnce(): Promise<{ ms: number; output: Float32Array }>;
  /** The fixed inputs denoiseOnce uses. */
  denoiserInputs: Record<string, { data: Float32Array; dims: number[] }>;
  release(): Promise<void>;
}

export async function openBareModel(wf: Workflow, modelCalls: number): Promise<BareModel> {
  const pack = String(paramOf(wf, IDS.load, "pack") ?? "physics-tiny");
  const dir = path.join(SHIPPED_MODELS, pack);
  const m = readManifest(dir);
  const open = async (f: { path: string }) => (await openSession(path.join(dir, f.path), "cpu", false)).session;
  const [te, dit, dec] = [await open(m.files.text_encoder), await open(m.files.denoiser), await open(m.files.decoder)];
  const tokenize = loadTokenizer(dir, m);
  const prompt = String(paramOf(wf, IDS.prompt, "text") ?? "");
  const negative = String(paramOf(wf, IDS.negative, "text") ?? "");
  const L = m.tokenizer.max_length;

  const xShape = m.tensors.denoiser.inputs.x!.shape.slice(1) as number[];
  const textShape = m.tensors.denoiser.inputs.text!.shape.slice(1) as number[];
  const sim = m.conditioning.simulation;
  const per = xShape.reduce((a, b) => a * b, 1);
  const textSize = textShape.reduce((a, b) => a * b, 1);
  const simSize = sim ? sim.shape.reduce((a, b) => a * b, 1) : 0;
  const [, frames, h, w] = xShape as [number, number, number, number];
  const ms = packSampling(m, Number(paramOf(wf, IDS.scheduler, "shift") ?? m.defaults.shift));
  const sigmas = scheduleSigmas(String(paramOf(wf, IDS.scheduler, "scheduler") ?? "simple") as ScheduleName, ms, modelCalls);
  const times = sigmas.map((s) => ms.timestep(s));
  const noise = Float32Array.from(createNoise(1).randn(per));

  const encode = async (text: string) => {
    const out = await te.run({ input_ids: new ort.Tensor("int64", tokenize(text).ids, [1, L]) });
    return out[te.outputNames[0]!]!.data as Float32Array;
  };
  const denoiserFeeds = (x: Float32Array, t: number, pos: Float32Array, neg: Float32Array) => {
    const xs = new Float32Array(2 * per);
    xs.set(x, 0);
    xs.set(x, per);
    const text = new Float32Array(2 * textSize);
    text.set(pos, 0);
    text.set(neg, textSize);
    const feeds: Record<string, ort.Tensor> = {
      x: new ort.Tensor("float32", xs, [2, ...xShape]),
      t: new ort.Tensor("float32", new Float32Array(2).fill(t), [2]),
      text: new ort.Tensor("float32", text, [2, ...textShape]),
    };
    if (sim) {
      feeds[sim.input] = new ort.Tensor("float32", new Float32Array(2 * simSize), [2, ...sim.shape]);
      feeds[sim.flag] = new ort.Tensor("float32", new Float32Array(2), [2]);
    }
    return feeds;
  };
  const fixedPos = await encode(prompt);
  const fixedNeg = await encode(negative);
  const fixedFeeds = denoiserFeeds(noise.map((v) => v * 0.7), 0.7, fixedPos, fixedNeg);

  return {
    async run() {
      const t0 = now();
      await encode(""); // Load Model's warm-up call
      const pos = await encode(prompt);
      const neg = await encode(negative);
      const x = Float32Array.from(noise, (v) => v * times[0]!);
      for (let i = 0; i < modelCalls; i++) {
        const out = await dit.run(denoiserFeeds(x, times[i]!, pos, neg));
        const v = out[dit.outputNames[0]!]!.data as Float32Array;
        const dt = times[i + 1]! - times[i]!;
        for (let k = 0; k < per; k++) x[k] = x[k]! + dt * v[k]!; // the flow Euler step, with no CFG blend
      }
      // [1, C, T, h, w] → frame-major [T, C, h, w], as the decoder wants.
      const z = new Float32Array(per);
      for (let c = 0; c < m.latent.channels; c++) for (let t = 0; t < frames; t++) z.set(x.subarray((c * frames + t) * h * w, (c * frames + t + 1) * h * w), (t * m.latent.channels + c) * h * w);
      await dec.run({ latent: new ort.Tensor("float32", z, [frames, m.latent.channels, h, w]) });
      return now() - t0;
    },
    async denoiseOnce() {
      const t0 = now();
      const out = await dit.run(fixedFeeds);
      const ms = now() - t0;
      return { ms, output: out[dit.outputNames[0]!]!.data as Float32Array };
    },
    denoiserInputs: Object.fromEntries(Object.entries(fixedFeeds).map(([k, t]) => [k, { data: t.data as Float32Array, dims: [...t.dims] }])),
    async release() {
      for (const s of [te, dit, dec]) await s.release();
    },
  };
}

export interface OverheadFigures {
  modelCalls: number;
  bareMs: Summary;
  engineMs: Summary;
  serverMs: Summary;
  /** engine median / bare median. */
  engineRatio: number;
  /** server median / bare median. */
  serverRatio: number;
}

/** Interleaves bare, engine and server runs (rotating the order) so background load hits all three alike. */
export async function measureOverhead(o: { engine: Engine; client: BenchClient; bare: BareModel; wf: Workflow; modelCalls: number; runs: number; progress: Progress }): Promise<OverheadFigures> {
  const targets = [IDS.decode];
  const bare: number[] = [], eng: number[] = [], srv: number[] = [];
  const kinds = {
    bare: async () => bare.push(await o.bare.run()),
    engine: async () => {
      o.engine.clearCache();
      eng.push(mustSucceed(await timedEngineRun(o.engine, o.wf, targets), "engine run").wallMs);
    },
    server: async () => {
      await o.client.free();
      const job = await o.client.submit(o.wf, { targets });
      srv.push((await job.done) - job.postedAt);
    },
  };
  const order = Object.keys(kinds) as (keyof typeof kinds)[];
  // One untimed round first: the server's own sessions and code paths warm up.
  for (const k of order) await kinds[k]();
  bare.length = eng.length = srv.length = 0;
  for (let i = 0; i < o.runs; i++) {
    for (let j = 0; j < order.length; j++) await kinds[order[(i + j) % order.length]!]();
    o.progress.step(`round ${i + 1}/${o.runs}: bare ${bare.at(-1)!.toFixed(0)} ms, engine ${eng.at(-1)!.toFixed(0)} ms, server ${srv.at(-1)!.toFixed(0)} ms`);
  }
  const [b, e, s] = [summarize(bare), summarize(eng), summarize(srv)];
  return { modelCalls: o.modelCalls, bareMs: b, engineMs: e, serverMs: s, engineRatio: e.median / b.median, serverRatio: s.median / b.median };
}
