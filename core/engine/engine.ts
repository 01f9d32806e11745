// createEngine(): the one object hosts drive. Holds the cache and the running jobs, nothing else.
import type { Logger, Services } from "../node/definition.ts";
import { createOutputCache } from "./cache.ts";
import { createEmitter, type Emitter } from "./events.ts";
import { executeJob, type JobResult } from "./execute.ts";
import { createJobLive, type JobLive } from "./live.ts";
import { plan, PlanError, type Plan } from "./plan.ts";
import type { Registry } from "../node/registry.ts";
import { activeGraph } from "../workflow/modes.ts";
import { applySeedControls } from "../workflow/seed.ts";
import { defaultTargets, validate, type ValidationError } from "./validate.ts";
import type { Workflow } from "../workflow/schema.ts";

export interface EngineOptions {
  registry: Registry;
  services: Services;
  /** Output cache budget; default 1 GiB. */
  cacheBytes?: number;
  logger?: Logger;
  /** For seed randomize; default Math.random. */
  random?: () => number;
}

export interface RunOptions {
  jobId?: string;
  /** Partial execution: run only what these nodes need. Default: every output node. */
  targets?: string[];
  signal?: AbortSignal;
}

export interface RunResult extends JobResult {
  /** The workflow for the next run: seeds moved by their controls after a success. */
  workflow: Workflow;
}

export class WorkflowInvalidError extends Error {
  constructor(public readonly errors: ValidationError[]) {
    super(`workflow is invalid:\n  ${errors.map((e) => `${e.nodeId ?? "-"} ${e.field ?? ""}: ${e.message}`).join("\n  ")}`);
    this.name = "WorkflowInvalidError";
  }
}

export interface Engine {
  readonly registry: Registry;
  /** Validates (throws WorkflowInvalidError), then runs. Node failures resolve with status "error". */
  run(wf: Workflow, opts?: RunOptions): Promise<RunResult>;
  /** Live change to a running job (nodeId undefined: whichever node reads). False if not running. */
  patchJob(jobId: string, nodeId: string | undefined, values: Record<string, number>): boolean;
  /** Interrupts one job, or every running job. Returns whether anything was running. */
  interrupt(jobId?: string): boolean;
  running(): string[];
  clearCache(): void;
  cacheStats(): { entries: number; bytes: number; maxBytes: number };
  on: Emitter["on"];
}

const silent: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

export function createEngine(opts: EngineOptions): Engine {
  const { registry, services } = opts;
  const logger = opts.logger ?? silent;
  const cache = createOutputCache(opts.cacheBytes ?? 1024 ** 3);
  const emitter = createEmitter((err) => logger.error({ err }, "engine event listener threw"));
  const jobs = new Map<string, { abort: AbortController; live: JobLive }>();

  async function run(wf: Workflow, o: RunOptions = {}): Promise<RunResult> {
    const jobId = o.jobId ?? globalThis.crypto.randomUUID();
    if (jobs.has(jobId)) throw new Error(`job ${jobId} is already running`);
    const targets = o.targets ?? defaultTargets(wf, registry);
    const errors = validate(wf, registry, { targets });
    if (errors.length > 0) throw new WorkflowInvalidError(errors);

    const abort = new AbortController();
    const onOuterAbort = () => abort.abort(o.signal?.reason);
    if (o.signal?.aborted) abort.abort(o.signal.reason);
    o.signal?.addEventListener("abort", onOuterAbort);
    const live = createJobLive();
    jobs.set(jobId, { abort, live });
    try {
      let p: Plan;
      try {
        p = await plan(activeGraph(wf, registry), registry, { targets, cache, services, jobId });
      } catch (err) {
        if (!(err instanceof PlanError)) throw err;
        return { ...planFailure(jobId, targets, err), workflow: wf };
      }
      const result = await executeJob({ plan: p, jobId, signal: abort.signal, cache, emitter, services, live, logger, workflow: wf, registry });
      const next = result.status === "success" ? applySeedControls(wf, registry, opts.random) : wf;
      return { ...result, workflow: next };
    } finally {
      jobs.delete(jobId);
      o.signal?.removeEventListener("abort", onOuterAbort);
    }
  }

  function planFailure(jobId: string, targets: string[], err: PlanError): JobResult {
    const error = { nodeId: err.nodeId, type: err.nodeType, message: err.message, stack: err.stack };
    emitter.emit({ type: "job_start", jobId, targets, nodes: [] });
    emitter.emit({ type: "error", jobId, error });
    emitter.emit({ type: "job_done", jobId, status: "error", durationMs: 0, error });
    return { jobId, status: "error", outputs: {}, values: {}, ran: [], cached: [], error, patches: [], durationMs: 0 };
  }

  return {
    registry,
    run,
    patchJob(jobId, nodeId, values) {
      const job = jobs.get(jobId);
      if (!job) return false;
      job.live.add(nodeId, values);
      return true;
    },
    interrupt(jobId) {
      const targets = jobId === undefined ? [...jobs.values()] : [jobs.get(jobId)].filter((j) => j !== undefined);
      for (const j of targets) j.abort.abort(new Error("interrupted"));
      return targets.length > 0;
    },
    running: () => [...jobs.keys()],
    clearCache: () => cache.clear(),
    cacheStats: () => cache.stats(),
    on: emitter.on,
  };
}
