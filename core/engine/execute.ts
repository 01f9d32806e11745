// executeJob(): runs a plan one node at a time, in ready-set order, emitting every step.
import type { AppliedPatch, LogFn, Logger, NodeContext, Services, UiOutput } from "../node/definition.ts";
import type { OutputCache } from "./cache.ts";
import type { Emitter, JobStatus, NodeError } from "./events.ts";
import type { JobLive } from "./live.ts";
import type { Plan, PlannedNode } from "./plan.ts";
import type { Registry } from "../node/registry.ts";
import { topoOrder } from "../workflow/graph.ts";
import type { Workflow } from "../workflow/schema.ts";

export interface JobResult {
  jobId: string;
  status: JobStatus;
  /** What each node showed (`ui`), including output nodes served from the cache. */
  outputs: Record<string, UiOutput>;
  /** Raw socket values of every node this job ran or took from the cache. */
  values: Record<string, Record<string, unknown>>;
  ran: string[];
  cached: string[];
  error?: NodeError;
  patches: AppliedPatch[];
  durationMs: number;
}

export interface ExecuteArgs {
  plan: Plan;
  jobId: string;
  signal: AbortSignal;
  cache: OutputCache;
  emitter: Emitter;
  services: Services;
  live: JobLive;
  logger: Logger;
  /** The running document, handed to nodes as ctx.workflow (e.g. for provenance in written files). */
  workflow?: Workflow;
  /** Lets nodes read the definitions of the document's other nodes (ctx.definitionOf). */
  registry?: Registry;
}

/** Fields logged without a message, as text for the `warning` event (never throws: a cycle is not JSON). */
function describe(fields: object): string {
  try {
    return JSON.stringify(fields);
  } catch {
    return String(fields);
  }
}

/** The node's logger: bound to the job and node, and each warning also sent as a `warning` event. */
function nodeLogger(logger: Logger, jobId: string, nodeId: string, emitter: Emitter): Logger {
  const log = logger.child ? logger.child({ jobId, nodeId }) : logger;
  const warn = ((a: string | object, msg?: string) => {
    if (typeof a === "string") log.warn(a);
    else log.warn(a, msg);
    const message = typeof a === "string" ? a : (msg ?? describe(a));
    emitter.emit({ type: "warning", jobId, nodeId, message });
  }) as LogFn;
  return { debug: log.debug.bind(log), info: log.info.bind(log), error: log.error.bind(log), warn, ...(log.child ? { child: log.child.bind(log) } : {}) };
}

function collectInputs(n: PlannedNode, plan: Plan, values: Map<string, Record<string, unknown>>): Record<string, unknown> {
  const inputs: Record<string, unknown> = { ...n.params };
  for (const l of plan.graph.incoming.get(n.id) ?? []) {
    const v = values.get(l.from.node)?.[l.from.output];
    const param = n.def.params[l.to.input];
    if (!param) {
      inputs[l.to.input] = v;
      continue;
    }
    // A widget driven by a link: same rules as when typed in.
    const r = param.schema.safeParse(v);
    if (!r.success) throw new Error(`param "${l.to.input}" from node ${l.from.node}: ${r.error.issues.map((i) => i.message).join("; ")}`);
    inputs[l.to.input] = r.data;
  }
  return inputs;
}

export async function executeJob(a: ExecuteArgs): Promise<JobResult> {
  const { plan, jobId, emitter } = a;
  const started = Date.now();
  const values = new Map<string, Record<string, unknown>>();
  const outputs: Record<string, UiOutput> = {};
  const ran: string[] = [];
  const finish = (status: JobStatus, error?: NodeError): JobResult => {
    const durationMs = Date.now() - started;
    emitter.emit({ type: "job_done", jobId, status, durationMs, error });
    return { jobId, status, outputs, values: Object.fromEntries(values), ran, cached: plan.cached, error, patches: a.live.applied(), durationMs };
  };

  emitter.emit({ type: "job_start", jobId, targets: plan.targets, nodes: plan.run });
  // Take cached outputs now, so eviction during the job cannot pull them away.
  for (const id of plan.cached) {
    const n = plan.nodes.get(id) as PlannedNode;
    const hit = a.cache.get(n.signature);
    if (!hit) throw new Error(`cache entry for node ${id} vanished during planning`);
    values.set(id, hit.outputs);
    if (hit.ui) outputs[id] = hit.ui;
  }
  emitter.emit({ type: "cached", jobId, nodes: plan.cached });
  for (const id of plan.cached) {
    const n = plan.nodes.get(id) as PlannedNode;
    if (outputs[id]) emitter.emit({ type: "node_done", jobId, nodeId: id, nodeType: n.def.type, outputs: values.get(id) ?? {}, ui: outputs[id], cached: true });
  }

  // Ready-set order, output nodes first so results arrive sooner.
  const order = topoOrder(plan.graph, new Set(plan.run), (id) => plan.nodes.get(id)?.def.output === true);
  const tainted = new Set<string>();

  for (const id of order) {
    if (a.signal.aborted) {
      emitter.emit({ type: "interrupted", jobId });
      return finish("interrupted");
    }
    const n = plan.nodes.get(id) as PlannedNode;
    emitter.emit({ type: "node_start", jobId, nodeId: id, nodeType: n.def.type });
    let patched = false;
    const ctx: NodeContext = {
      nodeId: id,
      jobId,
      signal: a.signal,
      progress: (value, max) => emitter.emit({ type: "progress", jobId, nodeId: id, value, max }),
      preview: (preview) => emitter.emit({ type: "preview", jobId, nodeId: id, preview }),
      log: nodeLogger(a.logger, jobId, id, emitter),
      services: a.services,
      live: a.live.channel(id, (patch) => {
        patched = true;
        emitter.emit({ type: "patched", jobId, patch });
      }),
      workflow: a.workflow,
      definitionOf: (type) => a.registry?.get(type),
    };
    try {
      const result = await n.def.run(ctx, collectInputs(n, plan, values));
      const missing = Object.keys(n.def.outputs).filter((o) => !(o in result.outputs));
      if (missing.length > 0) throw new Error(`returned no value for output ${missing.map((m) => `"${m}"`).join(", ")}`);
      values.set(id, result.outputs);
      if (result.ui) outputs[id] = result.ui;
      ran.push(id);
      // Patched mid-run: the outputs no longer match the signature, nor do those downstream.
      const upstreamTainted = (plan.graph.incoming.get(id) ?? []).some((l) => tainted.has(l.from.node));
      if (patched || upstreamTainted) tainted.add(id);
      else if (!n.volatile) a.cache.set(n.signature, { outputs: result.outputs, ui: result.ui });
      emitter.emit({ type: "node_done", jobId, nodeId: id, nodeType: n.def.type, outputs: result.outputs, ui: result.ui, cached: false });
    } catch (err) {
      // Whatever a node throws once the job is aborted is the abort, not a failure.
      if (a.signal.aborted) {
        emitter.emit({ type: "interrupted", jobId, nodeId: id });
        return finish("interrupted");
      }
      const e = err instanceof Error ? err : new Error(String(err));
      const error: NodeError = { nodeId: id, type: n.def.type, message: e.message, stack: e.stack };
      // Reported through the error event; the host decides how loud to be.
      a.logger.debug({ jobId, nodeId: id, err: e }, `node ${id} (${n.def.type}) failed`);
      emitter.emit({ type: "error", jobId, error });
      return finish("error", error);
    }
  }
  return finish("success");
}
