// The studio as the bench drives it: the shipped default workflow, temp folders, fresh engines,
// and one engine run with wall-clock timings taken from the engine's own events.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { registry } from "../nodes/index.ts";
import type { Services, UiOutput } from "../core/node/definition.ts";
import { createEngine, loadWorkflow, type Engine, type Workflow } from "../core/engine/index.ts";
import { createServices } from "../server/services.ts";
import { now } from "./stats.ts";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const DEFAULT_WORKFLOW = path.join(ROOT, "workflows/text-to-video.json");

/** Node ids of the default workflow that the figures name. */
export const IDS = { load: "1", prompt: "2", negative: "3", latent: "4", scheduler: "5", sampler: "6", decode: "7", upscale: "8", writer: "9" } as const;

export function loadDefaultWorkflow(): Workflow {
  return loadWorkflow(JSON.parse(readFileSync(DEFAULT_WORKFLOW, "utf8")), registry);
}

/** A copy of the workflow with one node's params changed. */
export function withParams(wf: Workflow, nodeId: string, params: Record<string, unknown>): Workflow {
  if (!wf.nodes.some((n) => n.id === nodeId)) throw new Error(`workflow has no node ${nodeId}`);
  return { ...wf, nodes: wf.nodes.map((n) => (n.id === nodeId ? { ...n, params: { ...n.params, ...params } } : n)) };
}

export function paramOf(wf: Workflow, nodeId: string, name: string): unknown {
  return wf.nodes.find((n) => n.id === nodeId)?.params[name];
}

/** Temp folders for outputs and server data, removed by `cleanup`. */
export interface Scratch {
  dir: string;
  folder(name: string): string;
  services(): Services;
  cleanup(): void;
}

export function createScratch(): Scratch {
  const dir = mkdtempSync(path.join(tmpdir(), "t2v-bench-"));
  const folder = (name: string) => {
    const p = path.join(dir, name);
    mkdirSync(p, { recursive: true });
    return p;
  };
  return {
    dir,
    folder,
    services: () => createServices({ outputDir: folder("output"), tempDir: folder("temp"), inputDir: folder("input") }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A fresh engine on fresh services: no output cache, no ONNX session opened yet. */
export function freshEngine(scratch: Scratch): { engine: Engine; services: Services } {
  const services = scratch.services();
  return { engine: createEngine({ registry, services }), services };
}

export interface NodeTiming {
  nodeId: string;
  nodeType: string;
  ms: number;
}

export interface TimedRun {
  /** engine.run() from call to return. */
  wallMs: number;
  status: string;
  /** Nodes that executed (not served from the cache), in order. */
  executed: NodeTiming[];
  outputs: Record<string, UiOutput>;
  error?: string;
}

/** One engine.run with node_start → node_done times per node (the engine's events carry no clock, so we stamp them). */
export async function timedEngineRun(engine: Engine, wf: Workflow, targets?: string[]): Promise<TimedRun> {
  const starts = new Map<string, number>();
  const executed: NodeTiming[] = [];
  let jobId: string | undefined;
  const off = engine.on((e) => {
    if (e.type === "job_start" && jobId === undefined) jobId = e.jobId;
    if (e.jobId !== jobId) return;
    if (e.type === "node_start") starts.set(e.nodeId, now());
    if (e.type === "node_done" && !e.cached) executed.push({ nodeId: e.nodeId, nodeType: e.nodeType, ms: now() - (starts.get(e.nodeId) ?? now()) });
  });
  const t0 = now();
  try {
    const r = await engine.run(wf, targets ? { targets } : {});
    return { wallMs: now() - t0, status: r.status, executed, outputs: r.outputs, ...(r.error ? { error: `node ${r.error.nodeId} (${r.error.type}): ${r.error.message}` } : {}) };
  } finally {
    off();
  }
}

export function nodeMs(run: TimedRun, nodeId: string): number | undefined {
  return run.executed.find((n) => n.nodeId === nodeId)?.ms;
}

/** Throws with the node's error when a run did not succeed: a figure from a failed run means nothing. */
export function mustSucceed(run: TimedRun, what: string): TimedRun {
  if (run.status !== "success") throw new Error(`${what}: the run ended with status ${run.status}${run.error ? `: ${run.error}` : ""}`);
  return run;
}

/** The sampler's ui: {steps: [n], model_calls: [n]}. */
export function samplerCounts(run: TimedRun): { steps: number; modelCalls: number } {
  const ui = run.outputs[IDS.sampler] as { steps?: unknown[]; model_calls?: unknown[] } | undefined;
  const steps = Number(ui?.steps?.[0]);
  const modelCalls = Number(ui?.model_calls?.[0]);
  if (!Number.isFinite(steps) || !Number.isFinite(modelCalls)) throw new Error("the sampler reported no {steps, model_calls} in its ui");
  return { steps, modelCalls };
}
