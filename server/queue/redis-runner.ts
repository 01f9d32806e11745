// `t2v serve --queue redis://…`: jobs go on a BullMQ queue, `t2v worker`s anywhere run them, and
// this server relays what they send to the submitting client, in order. Redis is the queue's
// source of truth; the server's SQLite keeps the jobs it accepted and their history (durable).
// Whatever the live relay misses (a server restart, Redis restarting) a reconcile pass fills in
// from BullMQ's own record of each job: finished jobs land in history, lost ones are re-queued.
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { Queue, QueueEvents, type Job as BullJob } from "bullmq";
import type { Logger, Services } from "../../core/node/definition.ts";
import type { QueueItem, ServerMessage } from "../../core/protocol.ts";
import { HttpError } from "../http/common.ts";
import { resolveInside } from "../security.ts";
import type { Hub } from "../ws/hub.ts";
import { failedOutcome } from "./execute-job.ts";
import {
  connect,
  controlSchema,
  decodePreviewEvent,
  isPreviewEvent,
  jobDataSchema,
  KEYS,
  parseJson,
  parseRelayed,
  PREFIX,
  reach,
  QUEUE,
  resultSchema,
  workerEventSchema,
  workerInfoSchema,
  WORKER_STALE_MS,
  showUrl,
  type ControlMessage,
  type JobData,
  type RemoteFileRef,
  type RemoteResult,
} from "./redis-link.ts";
import type { JobRunner, RunningJob, StatusMessage, WorkerInfo } from "./runner.ts";
import { queueItem, type JobOutcome, type JobSpec, type JobStore } from "./store.ts";

export interface RedisRunnerOptions {
  url: URL;
  store: JobStore;
  hub: Hub;
  services: Services;
  logger: Logger;
  /** How often BullMQ's record is checked for what the live relay missed; default 5 s. */
  reconcileMs?: number;
}

/** BullMQ job ids may not contain ":" nor look like integers; ours may. */
export const bullId = (id: string): string => `p-${id.replaceAll(":", "%3A")}`;
const promptIdOf = (bull: string): string => bull.replace(/^p-/, "").replaceAll("%3A", ":");

const PENDING_STATES = ["wait", "waiting", "prioritized", "delayed"] as const;

interface Live {
  clientId?: string;
  started: boolean;
  worker?: string;
  node?: string;
  /** Files this server already took, and names it gave to files that clashed with one it had. */
  taken: Set<string>;
  renamed: Map<string, string>;
}

const refKey = (r: RemoteFileRef) => `${r.type}/${r.subfolder}/${r.filename}`;

/** Points every file ref in a message or outcome at the name the server stored it under. */
function renameRefs<T>(value: T, renamed: ReadonlyMap<string, string>): T {
  if (renamed.size === 0 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v: unknown) => renameRefs(v, renamed)) as T;
  const o = value as Record<string, unknown>;
  if (typeof o.filename === "string" && typeof o.subfolder === "string" && typeof o.type === "string") {
    const to = renamed.get(`${o.type}/${o.subfolder}/${o.filename}`);
    return (to === undefined ? o : { ...o, filename: to }) as T;
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, renameRefs(v, renamed)])) as T;
}

export async function createRedisRunner(o: RedisRunnerOptions): Promise<JobRunner> {
  const { store, hub, logger } = o;
  const redis = connect(o.url, "t2v-server", true);
  try {
    await reach(redis, o.url);
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  const sub = connect(o.url, "t2v-server-events");
  // BullMQ leaves connections it was handed open: stop() closes them all.
  const queueConn = connect(o.url, "t2v-server-queue", true);
  const eventsConn = connect(o.url, "t2v-server-queue-events");
  const queue = new Queue(QUEUE, { connection: queueConn, prefix: PREFIX });
  const events = new QueueEvents(QUEUE, { connection: eventsConn, prefix: PREFIX });
  for (const c of [redis, sub, queueConn, eventsConn]) c.on("error", (err: Error) => logger.debug({ err }, "redis connection"));
  queue.on("error", (err) => logger.debug({ err }, "queue connection"));
  events.on("error", (err) => logger.debug({ err }, "queue events connection"));

  const live = new Map<string, Live>();
  let paused = false;
  let stopped = false;
  const idleWaiters: (() => void)[] = [];
  const status = (): StatusMessage => ({ type: "status", data: { status: { exec_info: { queue_remaining: store.remaining() }, paused } } });
  const changed = (): void => {
    hub.broadcast(status());
    if (store.remaining() === 0) for (const w of idleWaiters.splice(0)) w();
  };
  const liveOf = (jobId: string): Live => {
    let l = live.get(jobId);
    if (!l) {
      const clientId = store.get(jobId)?.clientId;
      l = { ...(clientId === undefined ? {} : { clientId }), started: false, taken: new Set(), renamed: new Map() };
      live.set(jobId, l);
    }
    return l;
  };
  const ours = (jobId: string): boolean => {
    if (live.has(jobId)) return true; // finish() forgets a job
    const j = store.get(jobId);
    return j !== undefined && j.state !== "done";
  };

  // Everything from Redis is handled in arrival order, one at a time (files are written before
  // the message that names them is passed on).
  let chain: Promise<unknown> = Promise.resolve();
  const enqueue = (fn: () => Promise<unknown> | void): void => {
    chain = chain.then(fn).catch((err: unknown) => logger.warn({ err }, "relay from a worker failed"));
  };

  async function takeFile(jobId: string, key: string, ref: RemoteFileRef): Promise<void> {
    const l = liveOf(jobId);
    if (l.taken.has(key)) return;
    l.taken.add(key);
    const bytes = await redis.getBuffer(key);
    if (!bytes) return void logger.warn({ jobId, key, file: ref.filename }, "an output file was not in Redis (expired?)");
    const dir = resolveInside(o.services.paths[ref.type], ref.subfolder);
    let name = ref.filename;
    // Workers name files by their own folders' counters: a clash with a different file gets a fresh name.
    for (let n = 1; existsSync(path.join(dir, name)); n++) {
      if (Buffer.compare(await readFile(path.join(dir, name)), bytes) === 0) break;
      const ext = path.extname(ref.filename);
      name = `${path.basename(ref.filename, ext)}_${n}${ext}`;
    }
    await mkdir(dir, { recursive: true });
    await writeFile(resolveInside(dir, name), bytes);
    if (name !== ref.filename) l.renamed.set(refKey(ref), name);
    await redis.del(key);
  }

  function finish(jobId: string, outcome: JobOutcome, renamed: ReadonlyMap<string, string> = new Map()): void {
    if (!ours(jobId)) return;
    store.finish(jobId, renameRefs(outcome, renamed));
    const clientId = live.get(jobId)?.clientId ?? store.get(jobId)?.clientId;
    live.delete(jobId);
    if (![...live.values()].some((l) => l.started)) hub.setBusy(false);
    hub.send({ type: "executing", data: { node: null, display_node: null, prompt_id: jobId } }, clientId);
    changed();
  }

  async function finishFrom(jobId: string, result: RemoteResult): Promise<void> {
    if (!ours(jobId)) return;
    for (const f of result.files) await takeFile(jobId, f.key, f.ref);
    finish(jobId, result.outcome, liveOf(jobId).renamed);
  }

  async function handle(buf: Buffer): Promise<void> {
    if (isPreviewEvent(buf)) {
      const p = decodePreviewEvent(buf);
      if (ours(p.jobId)) hub.preview({ legacy: p.legacy, withMetadata: p.withMetadata }, liveOf(p.jobId).clientId);
      return;
    }
    const e = parseJson(workerEventSchema, buf.toString("utf8"), "worker event");
    if (!ours(e.jobId)) return; // another server's job, or one already in history
    const l = liveOf(e.jobId);
    switch (e.kind) {
      case "started":
        Object.assign(l, { started: true, worker: e.worker, node: undefined });
        store.markRunning(e.jobId);
        hub.setBusy(true);
        return changed();
      case "node":
        l.node = e.node;
        return;
      case "file":
        return takeFile(e.jobId, e.key, e.ref);
      case "message": {
        const m = parseRelayed(e.message);
        if (!m) return void logger.warn({ jobId: e.jobId }, "a worker sent a message that is not a protocol message; dropped");
        return hub.send(renameRefs<ServerMessage>(m, l.renamed), l.clientId);
      }
      case "ended":
        return finishFrom(e.jobId, e.result);
    }
  }

  /** What BullMQ knows about one of our unfinished jobs: finished → history; gone → queued again. */
  async function reconcileOne(jobId: string): Promise<void> {
    const job = store.get(jobId);
    if (!job || job.state === "done") return;
    const bj = await queue.getJob(bullId(jobId));
    if (!bj) {
      logger.warn({ jobId }, "a job the server accepted is not in Redis (Redis lost it); queued again");
      return add(job, false);
    }
    const state = await bj.getState();
    if (state === "completed") {
      const r = resultSchema.safeParse(bj.returnvalue);
      if (r.success) await finishFrom(jobId, r.data);
      else finish(jobId, failedOutcome(jobId, "the worker's result could not be read"));
    } else if (state === "failed") {
      finish(jobId, failedOutcome(jobId, bj.failedReason || "failed on a worker", job.notes));
    }
  }

  async function reconcile(): Promise<void> {
    for (const j of [...store.running(), ...store.pending()]) await reconcileOne(j.id);
  }

  async function add(spec: Pick<JobSpec, "id" | "number" | "clientId" | "workflow" | "prompt" | "extraData" | "targets">, isNew = true): Promise<void> {
    const data: JobData = { id: spec.id, number: spec.number, ...(spec.clientId === undefined ? {} : { clientId: spec.clientId }), workflow: spec.workflow, prompt: spec.prompt, extraData: spec.extraData, targets: spec.targets };
    await queue.add("prompt", data, {
      jobId: bullId(spec.id),
      lifo: spec.number < 0,
      // Results stay in Redis long enough for a server that was down to collect them.
      removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
    });
    if (isNew) changed();
  }

  const control = (m: ControlMessage): void => void redis.publish(KEYS.control, JSON.stringify(controlSchema.parse(m))).catch((err: unknown) => logger.warn({ err }, "control message not sent"));

  async function pendingJobs(): Promise<BullJob[]> {
    return queue.getJobs([...PENDING_STATES], 0, -1, true);
  }
  const toItem = (bj: BullJob): QueueItem | undefined => {
    const d = jobDataSchema.safeParse(bj.data);
    return d.success ? queueItem(d.data) : undefined;
  };

  async function removePending(ids: readonly string[]): Promise<number> {
    let n = 0;
    for (const id of ids) {
      const bj = await queue.getJob(bullId(id));
      const state = bj ? await bj.getState() : "unknown";
      if (!bj || !(PENDING_STATES as readonly string[]).includes(state)) continue;
      try {
        await bj.remove();
      } catch {
        continue; // a worker took it meanwhile
      }
      n += store.deletePending([id]);
    }
    if (n > 0) changed();
    return n;
  }

  // Start-up: listen first, then catch up on what happened while this server was away.
  await sub.subscribe(KEYS.events);
  sub.on("messageBuffer", (_channel: Buffer, message: Buffer) => enqueue(() => handle(message)));
  // Fallbacks for the live relay: a job BullMQ failed (e.g. it stalled too often) or completed
  // without our hearing its end.
  events.on("failed", ({ jobId }) => enqueue(() => reconcileOne(promptIdOf(jobId))));
  events.on("completed", ({ jobId }) => {
    setTimeout(() => enqueue(() => reconcileOne(promptIdOf(jobId))), 1000).unref();
  });
  await queue.waitUntilReady();
  await events.waitUntilReady();
  paused = await queue.isPaused();
  enqueue(reconcile);
  await chain;
  const timer = setInterval(() => enqueue(reconcile), o.reconcileMs ?? 5000);
  timer.unref();
  logger.info({ queue: showUrl(o.url) }, "jobs go to the Redis queue");

  return {
    kind: "redis",
    start() {},
    async add(spec) {
      store.add(spec);
      try {
        await add(spec);
      } catch (err) {
        store.deletePending([spec.id]);
        throw new HttpError(503, `the job queue (Redis) is not reachable: ${err instanceof Error ? err.message : String(err)}`, "queue_unavailable");
      }
    },
    async queue() {
      const running = (await queue.getJobs(["active"], 0, -1, true)).map(toItem).filter((x) => x !== undefined);
      const pending = (await pendingJobs()).map(toItem).filter((x) => x !== undefined);
      return { running, pending };
    },
    async moveToFront(id) {
      const bj = await queue.getJob(bullId(id));
      if (!bj || !(PENDING_STATES as readonly string[]).includes(await bj.getState())) return false;
      const job = store.get(id);
      try {
        await bj.remove();
      } catch {
        return false; // a worker took it meanwhile
      }
      store.moveToFront(id);
      if (job) await add({ ...job, number: store.get(id)?.number ?? -1 }, false);
      changed();
      return true;
    },
    deletePending: removePending,
    async clearPending() {
      const ids = (await pendingJobs()).map((bj) => jobDataSchema.safeParse(bj.data)).flatMap((d) => (d.success ? [d.data.id] : []));
      return removePending(ids);
    },
    async setPaused(value) {
      await (value ? queue.pause() : queue.resume());
      paused = value;
      changed();
    },
    paused: () => paused,
    running: (): RunningJob[] =>
      [...live.entries()]
        .filter(([, l]) => l.started)
        .map(([id, l]) => ({ id, ...(l.clientId === undefined ? {} : { clientId: l.clientId }), ...(l.node === undefined ? {} : { node: l.node }), ...(l.worker === undefined ? {} : { worker: l.worker }) })),
    interrupt(promptId) {
      const ids = [...live.entries()].filter(([id, l]) => l.started && (promptId === undefined || id === promptId)).map(([id]) => id);
      for (const jobId of ids) control({ kind: "interrupt", jobId });
      return ids;
    },
    patch(id, node, values) {
      if (!live.get(id)?.started) return false;
      control({ kind: "patch", jobId: id, ...(node === undefined ? {} : { node }), values });
      return true;
    },
    free(f) {
      if (f.unloadModels || f.freeMemory) control({ kind: "free", ...f });
    },
    status,
    idle() {
      if (store.remaining() === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      // Workers keep running their jobs; this server collects the results when it starts again.
      sub.disconnect();
      await chain;
      await events.close().catch(() => {});
      await queue.close().catch(() => {});
      for (const c of [redis, queueConn, eventsConn]) c.disconnect();
    },
    async workers() {
      const all = await redis.hgetall(KEYS.workers);
      const now = Date.now();
      return Object.values(all).flatMap((text): WorkerInfo[] => {
        try {
          const w = parseJson(workerInfoSchema, text, "worker heartbeat");
          return now - w.seenAt < WORKER_STALE_MS ? [w] : [];
        } catch {
          return [];
        }
      });
    },
  };
}
