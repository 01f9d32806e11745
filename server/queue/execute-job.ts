// One job on one engine, wherever it runs: engine events → ComfyUI protocol messages for the job's
// client, and the outcome history keeps. The embedded queue (worker.ts) and `t2v worker`
// (remote-worker.ts) both run jobs through here, so a client cannot tell which one ran its job.
import type { Logger, PreviewPayload } from "../../core/node/definition.ts";
import { parseWorkflow, WorkflowInvalidError, type Engine, type EngineEvent, type JobStatus } from "../../core/engine/index.ts";
import type { HistoryEntry, ServerMessage } from "../../core/protocol.ts";
import type { HistoryMessage, JobOutcome, JobSpec } from "./store.ts";

/** Messages ComfyUI keeps in a history entry's status.messages. */
const RECORDED = new Set(["execution_start", "execution_cached", "execution_success", "execution_error", "execution_interrupted"]);

function errorParts(stack: string | undefined, message: string): { type: string; traceback: string[] } {
  const first = stack?.split("\n")[0] ?? "";
  const colon = first.indexOf(":");
  const type = colon > 0 && /^[\w$.]+$/.test(first.slice(0, colon)) ? first.slice(0, colon) : "Error";
  return { type, traceback: stack ? stack.split("\n") : [message] };
}

/**
 * Turns one engine event into the protocol message(s) ComfyUI clients expect. `isOutput` says
 * whether a node type is an output node: only those send `executed`, the others `display`.
 */
function toMessages(e: EngineEvent, executed: readonly string[], isOutput: (type: string) => boolean): ServerMessage[] {
  const prompt_id = e.jobId;
  const timestamp = Date.now();
  switch (e.type) {
    case "job_start":
      return [{ type: "execution_start", data: { prompt_id, timestamp } }];
    case "cached":
      return [{ type: "execution_cached", data: { nodes: e.nodes, prompt_id, timestamp } }];
    case "node_start":
      return [{ type: "executing", data: { node: e.nodeId, display_node: e.nodeId, prompt_id } }];
    case "progress":
      return [{ type: "progress", data: { value: e.value, max: e.max, prompt_id, node: e.nodeId } }];
    case "node_done":
      if (!e.ui) return [];
      return isOutput(e.nodeType)
        ? [{ type: "executed", data: { node: e.nodeId, display_node: e.nodeId, output: e.ui, prompt_id } }]
        : [{ type: "display", data: { node: e.nodeId, output: e.ui, prompt_id } }];
    case "patched":
      return [
        {
          type: "patched",
          data: { prompt_id, node: e.patch.appliedBy, target: e.patch.nodeId ?? null, values: e.patch.values, received: e.patch.time, ...(e.patch.atStep === undefined ? {} : { step: e.patch.atStep }) },
        },
      ];
    case "warning":
      return [{ type: "warning", data: { prompt_id, node: e.nodeId, message: e.message } }];
    case "error": {
      const { type, traceback } = errorParts(e.error.stack, e.error.message);
      return [
        {
          type: "execution_error",
          data: { prompt_id, node_id: e.error.nodeId, node_type: e.error.type, executed: [...executed], exception_message: e.error.message, exception_type: type, traceback, current_inputs: {}, current_outputs: {}, timestamp },
        },
      ];
    }
    case "interrupted":
      return [{ type: "execution_interrupted", data: { prompt_id, node_id: e.nodeId ?? null, node_type: null, executed: [...executed], timestamp } }];
    case "job_done":
      return e.status === "success" ? [{ type: "execution_success", data: { prompt_id, timestamp } }] : [];
    case "preview":
      return [];
  }
}

/** Where a running job's messages go: the hub (embedded) or Redis (a worker machine). */
export interface JobSink {
  send(m: ServerMessage): void;
  preview(nodeId: string, payload: PreviewPayload): void;
  /** A node started (who reconnects mid-job is told which). */
  node?(nodeId: string): void;
}

export type JobToRun = Pick<JobSpec, "id" | "workflow" | "targets"> & { notes: readonly HistoryMessage[] };

/** "invalid": the document did not validate against this engine's catalogue; nothing ran. */
export interface ExecutedJob {
  status: JobStatus | "invalid";
  outcome: JobOutcome;
}

/** Validates against `engine`'s catalogue, runs, and reports every step to `sink`; never throws for a bad job. */
export async function executeJob(job: JobToRun, engine: Engine, sink: JobSink, logger: Logger): Promise<ExecutedJob> {
  const messages: HistoryMessage[] = [...job.notes];
  const patches: HistoryEntry["patches"] = [];
  const executed: string[] = [];
  const nodeTypes = new Map<string, string>();
  const outputNodes = new Set<string>();
  const isOutput = (type: string): boolean => engine.registry.get(type)?.output === true;
  const send = (m: ServerMessage): void => {
    if (RECORDED.has(m.type)) messages.push([m.type, m.data as Record<string, unknown>]);
    sink.send(m);
  };
  const off = engine.on((e) => {
    if (e.jobId !== job.id) return;
    if (e.type === "node_start") {
      sink.node?.(e.nodeId);
      nodeTypes.set(e.nodeId, e.nodeType);
    }
    if (e.type === "cached") executed.push(...e.nodes);
    if (e.type === "node_done" && !e.cached) executed.push(e.nodeId);
    if (e.type === "preview") return sink.preview(e.nodeId, e.preview);
    if (e.type === "patched") {
      const p = e.patch;
      patches.push({ node: p.appliedBy, target: p.nodeId ?? null, values: p.values, received: p.time, ...(p.atStep === undefined ? {} : { step: p.atStep }) });
    }
    for (const m of toMessages(e, executed, isOutput)) {
      if (m.type === "executed") outputNodes.add(m.data.node);
      if (m.type === "execution_interrupted" && m.data.node_id !== null) m.data.node_type = nodeTypes.get(m.data.node_id) ?? null;
      send(m);
    }
  });

  let status: ExecutedJob["status"] = "invalid";
  let outputs: Record<string, unknown> = {};
  try {
    const result = await engine.run(parseWorkflow(job.workflow, engine.registry), { jobId: job.id, targets: job.targets });
    status = result.status;
    outputs = result.outputs;
  } catch (err) {
    // The document does not validate here (node types changed since it was queued, or a worker
    // machine lacks a model or a node pack): an error with its reason, never a crash.
    const e = err instanceof Error ? err : new Error(String(err));
    const first = err instanceof WorkflowInvalidError ? err.errors[0] : undefined;
    send({ type: "execution_start", data: { prompt_id: job.id, timestamp: Date.now() } });
    send({
      type: "execution_error",
      data: { prompt_id: job.id, node_id: first?.nodeId ?? "", node_type: "", executed: [], exception_message: e.message, exception_type: e.name, traceback: (e.stack ?? e.message).split("\n"), current_inputs: {}, current_outputs: {}, timestamp: Date.now() },
    });
    logger.warn({ err: e, jobId: job.id }, "job could not start");
  } finally {
    off();
  }
  // As in ComfyUI, history lists what output nodes showed; the rest was sent as `display`.
  const shown = Object.fromEntries(Object.entries(outputs).filter(([id]) => outputNodes.has(id))) as Record<string, Record<string, unknown>>;
  return {
    status,
    outcome: { statusStr: status === "success" ? "success" : "error", completed: status === "success", outputs: shown, messages, patches, nodes: Object.keys(shown) },
  };
}

/** The outcome of a job that failed outside the engine (a runner bug, a lost worker). */
export function failedOutcome(id: string, reason: string, notes: readonly HistoryMessage[] = []): JobOutcome {
  return { statusStr: "error", completed: false, outputs: {}, messages: [...notes, ["job_failed", { prompt_id: id, reason, timestamp: Date.now() }]], patches: [], nodes: [] };
}
