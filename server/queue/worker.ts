// The embedded queue's job loop: takes the next pending job from SQLite, runs it on this process's
// engine (execute-job.ts), writes history, then announces the end. The default of `t2v serve`.
import type { Logger } from "../../core/node/definition.ts";
import type { Engine } from "../../core/engine/index.ts";
import type { Hub } from "../ws/hub.ts";
import type { PreviewEncoder } from "../ws/preview.ts";
import { executeJob, failedOutcome } from "./execute-job.ts";
import type { JobRunner, RunningJob, StatusMessage } from "./runner.ts";
import { queueItem, type Job, type JobStore } from "./store.ts";

export interface WorkerOptions {
  store: JobStore;
  engine: Engine;
  hub: Hub;
  previews: PreviewEncoder;
  logger: Logger;
  /** How long stop() waits for an interrupted node to return; default 10 s. */
  stopTimeoutMs?: number;
}

export type Worker = ReturnType<typeof createWorker>;

export function createWorker(o: WorkerOptions): JobRunner & { wake(): void } {
  const { store, engine, hub, previews, logger } = o;
  let current: RunningJob | undefined;
  let stopping = false;
  /** Paused: the running job finishes, no new one starts until resume(). */
  let paused = false;
  let wakeUp: (() => void) | undefined;
  let loop: Promise<void> | undefined;
  const idleWaiters: (() => void)[] = [];

  const status = (): StatusMessage => ({ type: "status", data: { status: { exec_info: { queue_remaining: store.remaining() }, paused } } });
  const changed = (): void => hub.broadcast(status());

  async function runJob(job: Job): Promise<void> {
    const sid = job.clientId;
    current = { id: job.id, ...(sid === undefined ? {} : { clientId: sid }) };
    hub.setBusy(true);
    const { status: ran, outcome } = await executeJob(
      job,
      engine,
      {
        send: (m) => hub.send(m, sid),
        preview: (nodeId, payload) => void (hub.hasClients(sid) && previews.submit({ promptId: job.id, nodeId, sid, payload })),
        node: (nodeId) => (current = { ...current, id: job.id, node: nodeId }),
      },
      logger,
    );
    await previews.flush();

    if (stopping && ran === "interrupted") {
      // Graceful shutdown: the job goes back to the queue rather than into history.
      store.requeue(job.id, ["job_requeued", { prompt_id: job.id, reason: "the server shut down while this job was running", timestamp: Date.now() }]);
      current = undefined;
      return;
    }
    store.finish(job.id, outcome);
    current = undefined;
    hub.setBusy(false);
    hub.send({ type: "executing", data: { node: null, display_node: null, prompt_id: job.id } }, sid);
    changed();
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
        store.finish(job.id, failedOutcome(job.id, String(err)));
        current = undefined;
      }
    }
    hub.setBusy(false);
  }

  return {
    kind: "embedded",
    start(): void {
      // Only a store closed under a job that ignored stop() gets here; that job is re-queued at next start.
      loop ??= run().catch((err: unknown) => logger.error({ err }, "job loop stopped"));
    },
    /** A job was queued. */
    wake(): void {
      wakeUp?.();
    },
    async add(spec) {
      store.add(spec);
      wakeUp?.();
      changed();
    },
    async queue() {
      return { running: store.running().map(queueItem), pending: store.pending().map(queueItem) };
    },
    async moveToFront(id) {
      const moved = store.moveToFront(id);
      if (moved) changed();
      return moved;
    },
    async deletePending(ids) {
      const n = store.deletePending(ids);
      if (n > 0) changed();
      return n;
    },
    async clearPending() {
      const n = store.clearPending();
      if (n > 0) changed();
      return n;
    },
    async setPaused(value) {
      paused = value;
      changed();
      if (!value) wakeUp?.();
    },
    paused: () => paused,
    running: () => (current ? [current] : []),
    interrupt(promptId) {
      const running = current;
      const hit = running !== undefined && (promptId === undefined || promptId === running.id) && engine.interrupt(running.id);
      return hit ? [running.id] : [];
    },
    patch: (id, node, values) => engine.patchJob(id, node, values),
    status,
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
    free: () => {}, // this process's engine is the server's: /free clears it directly
    workers: async () => [],
  };
}
