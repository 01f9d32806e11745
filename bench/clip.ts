// Figure 1 (clip latency, cold and warm, with per-node times) and figure 4 (tweak-and-rerun).
import type { Engine, Workflow } from "../core/engine/index.ts";
import type { Progress } from "./progress.ts";
import { freshEngine, IDS, mustSucceed, nodeMs, paramOf, samplerCounts, timedEngineRun, withParams, type Scratch, type TimedRun } from "./studio.ts";
import { summarize, type Summary } from "./stats.ts";

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
