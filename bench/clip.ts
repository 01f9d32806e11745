// Figure 1 (clip latency, cold and warm, with per-node times), figure 4 (tweak-and-rerun) and figure 9 (8 s against 2 s).
import type { Engine, Workflow } from "../core/engine/index.ts";
import { interpolateFrames } from "../nodes/video/interpolate.ts";
import type { Progress } from "./progress.ts";
import { freshEngine, IDS, mustSucceed, nodeMs, paramOf, samplerCounts, timedEngineRun, withParams, type Scratch, type TimedRun } from "./studio.ts";
import { summarize, timed, type Summary } from "./stats.ts";

export interface ClipFigures {
  steps: number;
  modelCalls: number;
  /** Fresh engine and services each time: sessions are opened inside the run. */
  coldMs: Summary;
  /** The very first run in this process (module and JIT warm-up included). */
  firstInProcessMs: number;
  warmMs: Summary;
  /** Sampler node time / steps (one batched CFG denoiser call per step plus the sampler's own work). */
  stepMs: Summary;
  nodeMs: Record<"load" | "textEncode" | "sampler" | "decode" | "upscale" | "write", Summary>;
}

const sumTypes = (run: TimedRun, type: string) => run.executed.filter((n) => n.nodeType === type).reduce((s, n) => s + n.ms, 0);

export async function measureClip(scratch: Scratch, wf: Workflow, o: { coldRuns: number; warmRuns: number; progress: Progress }): Promise<{ figures: ClipFigures; engine: Engine }> {
  const cold: number[] = [];
  let engine: Engine | undefined;
  let release: (() => Promise<void>) | undefined;
  for (let i = 0; i < o.coldRuns; i++) {
    await release?.();
    const fresh = freshEngine(scratch);
    engine = fresh.engine;
    release = () => fresh.services.models.free();
    const run = mustSucceed(await timedEngineRun(engine, wf), "cold run");
    cold.push(run.wallMs);
    o.progress.step(`cold ${i + 1}/${o.coldRuns}: ${(run.wallMs / 1000).toFixed(2)} s`);
  }
  if (!engine) throw new Error("coldRuns must be at least 1");

  const warm: TimedRun[] = [];
  for (let i = 0; i < o.warmRuns; i++) {
    engine.clearCache(); // every node runs again; the ONNX sessions stay open
    const run = mustSucceed(await timedEngineRun(engine, wf), "warm run");
    warm.push(run);
    o.progress.step(`warm ${i + 1}/${o.warmRuns}: ${(run.wallMs / 1000).toFixed(2)} s`);
  }
  const { steps, modelCalls } = samplerCounts(warm[0]!);
  const per = (f: (r: TimedRun) => number) => summarize(warm.map(f));
  const node = (id: string) => (r: TimedRun) => nodeMs(r, id) ?? NaN;
  return {
    engine,
    figures: {
      steps,
      modelCalls,
      coldMs: summarize(cold),
      firstInProcessMs: cold[0]!,
      warmMs: per((r) => r.wallMs),
      stepMs: per((r) => (nodeMs(r, IDS.sampler) ?? NaN) / steps),
      nodeMs: {
        load: per(node(IDS.load)),
        textEncode: per((r) => sumTypes(r, "t2v.TextEncode")),
        sampler: per(node(IDS.sampler)),
        decode: per(node(IDS.decode)),
        upscale: per(node(IDS.upscale)),
        write: per(node(IDS.writer)),
      },
    },
  };
}

export interface RerunFigures {
  fromSteps: number;
  toSteps: number;
  rerunMs: Summary;
  /** rerun median / cold median. */
  vsCold: number;
  /** rerun median / warm full-run median (every node executed, sessions open). */
  vsWarm: number;
  /** Node types that executed on the re-run (not served from the cache), in order. */
  executedTypes: string[];
}

/** Runs the workflow, changes only the scheduler's steps, runs again; only the re-run is timed. */
export async function measureRerun(engine: Engine, wf: Workflow, base: { coldMs: number; warmMs: number }, o: { runs: number; progress: Progress }): Promise<RerunFigures> {
  const fromSteps = Number(paramOf(wf, IDS.scheduler, "steps") ?? 20);
  const toSteps = fromSteps + 5;
  const tweaked = withParams(wf, IDS.scheduler, { steps: toSteps });
  const times: number[] = [];
  let executedTypes: string[] = [];
  for (let i = 0; i < o.runs; i++) {
    engine.clearCache();
    mustSucceed(await timedEngineRun(engine, wf), "rerun base");
    const run = mustSucceed(await timedEngineRun(engine, tweaked), "rerun");
    const types = run.executed.map((n) => n.nodeType);
    if (i > 0 && types.join() !== executedTypes.join()) o.progress.step(`note: re-run ${i + 1} executed ${types.join(", ")} (run 1: ${executedTypes.join(", ")})`);
    executedTypes = types;
    times.push(run.wallMs);
    o.progress.step(`re-run ${i + 1}/${o.runs}: ${(run.wallMs / 1000).toFixed(2)} s, executed ${types.length} nodes`);
  }
  const rerunMs = summarize(times);
  return { fromSteps, toSteps, rerunMs, vsCold: rerunMs.median / base.coldMs, vsWarm: rerunMs.median / base.warmMs, executedTypes };
}

export interface LongClipFigures {
  /** Warm runs of the default workflow at 16 frames (2 s) and at 64 (8 s, window by window). */
  shortMs: Summary;
  longMs: Summary;
  windows: number;
  /** long / short: 5 windows of the same steps would make it about 5 plus the longer decode and write. */
  ratio: number;
  /** Frame Interpolation ×3 (motion) on the 64-frame clip at 64 × 64. */
  interpolateMs: Summary;
}

/** Figure 9: the 8-second clip against the 2-second one on the same warm engine. */
export async function measureLongClip(engine: Engine, wf: Workflow, o: { runs: number; progress: Progress }): Promise<LongClipFigures> {
  const short: number[] = [], long: number[] = [], interp: number[] = [];
  let windows = 0;
  const long64 = withParams(wf, IDS.latent, { frames: 64 });
  for (let i = 0; i < o.runs; i++) {
    engine.clearCache();
    short.push(mustSucceed(await timedEngineRun(engine, wf), "2 s run").wallMs);
    engine.clearCache();
    const run = mustSucceed(await timedEngineRun(engine, long64, [IDS.writer]), "8 s run");
    long.push(run.wallMs);
    windows = Number((run.outputs[IDS.sampler] as { windows?: unknown[] } | undefined)?.windows?.[0]);
    o.progress.step(`2 s clip ${(short.at(-1)! / 1000).toFixed(2)} s, 8 s clip ${(run.wallMs / 1000).toFixed(2)} s (${windows} windows)`);
  }
  const clip = { rgb: new Uint8Array(64 * 64 * 64 * 3).map((_, k) => (k * 7) & 255), width: 64, height: 64, frames: 64, batch: 1, fps: 8 };
  for (let i = 0; i < o.runs; i++) interp.push((await timed(() => interpolateFrames(clip, 3, "motion"))).ms);
  const shortMs = summarize(short), longMs = summarize(long);
  return { shortMs, longMs, windows, ratio: longMs.median / shortMs.median, interpolateMs: summarize(interp) };
}
