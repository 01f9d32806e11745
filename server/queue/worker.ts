// The one job loop: takes the next pending job, runs it on the engine, turns engine events into
// protocol messages for the job's client, writes history, then announces the end.
import type { Logger } from "../../core/node/definition.ts";
import { parseWorkflow, WorkflowInvalidError, type Engine, type EngineEvent, type RunResult, type Workflow } from "../../core/engine/index.ts";
import type { HistoryEntry, ServerMessage } from "../../core/protocol.ts";
import type { Hub } from "../ws/hub.ts";
import type { PreviewEncoder } from "../ws/preview.ts";
import type { HistoryMessage, Job, JobOutcome, JobStore } from "./store.ts";

export interface WorkerOptions {
  store: JobStore;
  engine: Engine;
  hub: Hub;
  previews: PreviewEncoder;
  logger: Logger;
  /** How long stop() waits for an interrupted node to return; default 10 s. */
  stopTimeoutMs?: number;
}

export interface RunningJob {
  id: string;
  clientId?: string;
  node?: string;
}

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

export type Worker = ReturnType<typeof createWorker>;

export function createWorker(o: WorkerOptions) {
  const { store, engine, hub, previews, logger } = o;
  let current: RunningJob | undefined;
  let stopping = false;
  /** Paused: the running job finishes, no new one starts until resume(). */
  let paused = false;
  let wakeUp: (() => void) | undefined;
  let loop: Promise<void> | undefined;
  const idleWaiters: (() => void)[] = [];

  const isOutput = (type: string): boolean => engine.registry.get(type)?.output === true;
  const status = (): ServerMessage & { type: "status" } => ({ type: "status", data: { status: { exec_info: { queue_remaining: store.remaining() }, paused } } });

  async function runJob(job: Job): Promise<void> {
    const sid = job.clientId;
    current = { id: job.id, ...(sid === undefined ? {} : { clientId: sid }) };
    hub.setBusy(true);
    const messages: HistoryMessage[] = [...job.notes];
    const patches: HistoryEntry["patches"] = [];
    const executed: string[] = [];
    const nodeTypes = new Map<string, string>();
    const outputNodes = new Set<string>();
    const send = (m: ServerMessage): void => {
      if (RECORDED.has(m.type)) messages.push([m.type, m.data as Record<string, unknown>]);
      hub.send(m, sid);
    };
    const off = engine.on((e) => {
      if (e.jobId !== job.id) return;
      if (e.type === "node_start") {
        current = { ...current, id: job.id, node: e.nodeId };
        nodeTypes.set(e.nodeId, e.nodeType);
      }
      if (e.type === "cached") executed.push(...e.nodes);
      if (e.type === "node_done" && !e.cached) executed.push(e.nodeId);
      if (e.type === "preview") return void (hub.hasClients(sid) && previews.submit({ promptId: job.id, nodeId: e.nodeId, sid, payload: e.preview }));
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

    let result: Pick<RunResult, "status" | "outputs"> | undefined;
    try {
      const wf: Workflow = parseWorkflow(job.workflow, engine.registry);
      result = await engine.run(wf, { jobId: job.id, targets: job.targets });
    } catch (err) {
      // The document no longer validates (e.g. node types changed since it was queued).
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
    await previews.flush();

    if (stopping && result?.status === "interrupted") {
      // Graceful shutdown: the job goes back to the queue rather than into history.
      store.requeue(job.id, ["job_requeued", { prompt_id: job.id, reason: "the server shut down while this job was running", timestamp: Date.now() }]);
      current = undefined;
      return;
    }
    // As in ComfyUI, history lists what output nodes showed; the rest was sent as `display`.
    const outputs = Object.fromEntries(Object.entries(result?.outputs ?? {}).filter(([id]) => outputNodes.has(id)));
    const outcome: JobOutcome = {
      statusStr: result?.status === "success" ? "success" : "error",
      completed: result?.status === "success",
      outputs: outputs as Record<string, Record<string, unknown>>,
      messages,
      patches,
      nodes: Object.keys(outputs),
    };
    store.finish(job.id, outcome);
    current = undefined;
    hub.setBusy(false);
    hub.send({ type: "executing", data: { node: null, display_node: null, prompt_id: job.id } }, sid);
    hub.broadcast(status());
  }

  async function run(): Promise<void> {
    while (!stopping) {
      const job = paused ? undefined : store.take();
      if (!job) {
        for (const w of idleWaiters.splice(0)) w();
        await new Promise<void>((resolve) => (wakeUp = resolve));
        wakeUp = undefined;
        continue;
      }
      try {
        await runJob(job);
      } catch (err) {
        // A bug here must not stop the queue; the job is recorded as failed.
        logger.error({ err, jobId: job.id }, "job runner failed");
        store.finish(job.id, { statusStr: "error", completed: false, outputs: {}, messages: [["job_failed", { prompt_id: job.id, reason: String(err), timestamp: Date.now() }]], patches: [], nodes: [] });
        current = undefined;
      }
    }
    hub.setBusy(false);
  }

  return {
    start(): void {
      // Only a store closed under a job that ignored stop() gets here; that job is re-queued at next start.
      loop ??= run().catch((err: unknown) => logger.error({ err }, "job loop stopped"));
    },
    /** A job was queued. */
    wake(): void {
      wakeUp?.();
    },
    /** Pause or resume taking jobs (the running one is not touched). */
    setPaused(value: boolean): void {
      paused = value;
      hub.broadcast(status());
      if (!value) wakeUp?.();
    },
    paused: (): boolean => paused,
    current: (): RunningJob | undefined => current,
    status,
    /** Resolves when the queue is empty and nothing runs (tests, benchmarks). */
    idle(): Promise<void> {
      if (!current && store.remaining() === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    /** Stops taking jobs; a running one is interrupted and re-queued. Bounded by stopTimeoutMs. */
    async stop(): Promise<void> {
      stopping = true;
      if (current) engine.interrupt(current.id);
      wakeUp?.();
      if (!loop) return;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), o.stopTimeoutMs ?? 10_000)));
      const r = await Promise.race([loop.then(() => "done" as const), timeout]);
      clearTimeout(timer);
      // Still running: left as "running" in the store, so the next start re-queues it once.
      if (r === "timeout") logger.warn({ jobId: current?.id }, "a node did not stop in time; its job will be re-queued at next start");
    },
  };
}
