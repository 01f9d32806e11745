// `t2v worker`: takes jobs from the BullMQ queue, runs each on this machine's engine through
// execute-job.ts (the same code as the embedded queue), and streams everything back through Redis
// in order: messages, previews, output files (unless the output folder is shared), the outcome.
// A job whose worker dies is handed to another by BullMQ's stalled-job check.
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import os from "node:os";
import { Worker as BullWorker, type Job as BullJob } from "bullmq";
import type { Logger, Services, UiOutput } from "../../core/node/definition.ts";
import type { Engine } from "../../core/engine/index.ts";
import type { ServerMessage } from "../../core/protocol.ts";
import { resolveInside } from "../security.ts";
import { createPreviewEncoder } from "../ws/preview.ts";
import { executeJob, failedOutcome, type JobSink } from "./execute-job.ts";
import {
  connect,
  controlSchema,
  encodePreviewEvent,
  FILE_TTL_S,
  HEARTBEAT_MS,
  jobDataSchema,
  KEYS,
  parseJson,
  PREFIX,
  QUEUE,
  reach,
  type RemoteFileRef,
  type RemoteResult,
  type WorkerEvent,
} from "./redis-link.ts";
import type { HistoryMessage } from "./store.ts";
import type { WorkerInfo } from "./runner.ts";

export interface RemoteWorkerOptions {
  url: URL;
  engine: Engine;
  services: Services;
  logger: Logger;
  /** Jobs run at once on this machine; default 1. */
  concurrency?: number;
  /** What `--device` asked for and what the execution provider really is (listed by the server). */
  device: string;
  provider: string;
  /** The output folder is the one the server serves: files are not uploaded through Redis. */
  sharedOutput?: boolean;
  /** BullMQ's job lock: a worker silent this long is taken for dead; default 30 s. */
  lockMs?: number;
  /** Times a job may lose its worker before it fails; default 1 (so at most two runs). */
  maxStalls?: number;
  id?: string;
}

export interface RemoteWorker {
  id: string;
  /** Waits for running jobs (graceful) unless `force`; then leaves Redis. */
  close(force?: boolean): Promise<void>;
}

/** Every file a UI output points at (ComfyUI's `images`, and VideoHelperSuite's `gifs`). */
export function fileRefs(ui: UiOutput | Record<string, unknown>): RemoteFileRef[] {
  const refs: RemoteFileRef[] = [];
  for (const key of ["images", "gifs"]) {
    const list = ui[key];
    if (!Array.isArray(list)) continue;
    for (const r of list as unknown[]) {
      const f = r as Partial<RemoteFileRef> | null;
      if (f && typeof f.filename === "string" && typeof f.subfolder === "string" && (f.type === "output" || f.type === "temp")) refs.push({ filename: f.filename, subfolder: f.subfolder, type: f.type });
    }
  }
  return refs;
}

export async function startRemoteWorker(o: RemoteWorkerOptions): Promise<RemoteWorker> {
  const id = o.id ?? `${os.hostname()}-${process.pid}-${randomBytes(2).toString("hex")}`;
  const { engine, logger } = o;
  const pub = connect(o.url, `t2v-worker-${id}`, true);
  try {
    await reach(pub, o.url);
  } catch (err) {
    pub.disconnect();
    throw err;
  }
  const sub = connect(o.url, `t2v-worker-${id}-control`);
  const running = new Set<string>();
  const startedAt = Date.now();

  // The server sees a job's events in the order they happened: commands on one connection run in
  // the order they are written, so sending never waits for Redis's replies (a busy event loop would
  // hold each one back a step). Only local work (reading an output file) is chained, in order.
  let chain: Promise<unknown> = Promise.resolve();
  let lastReply: Promise<unknown> = Promise.resolve();
  const write = (command: Promise<unknown>): void => {
    lastReply = command.catch((err: unknown) => logger.warn({ err }, "could not send to Redis"));
  };
  const enqueue = (fn: () => Promise<void> | void): void => {
    chain = chain.then(fn).catch((err: unknown) => logger.warn({ err }, "could not send an output file"));
  };
  const publish = (e: WorkerEvent | Buffer): void => enqueue(() => write(pub.publish(KEYS.events, Buffer.isBuffer(e) ? e : JSON.stringify(e))));
  /** Everything sent so far has reached Redis. */
  const sent = async (): Promise<void> => {
    await chain;
    await lastReply;
  };

  for (const c of [pub, sub]) c.on("error", (err: Error) => logger.debug({ err }, "redis connection"));
  await sub.subscribe(KEYS.control);
  sub.on("message", (_channel: string, text: string) => {
    let m;
    try {
      m = parseJson(controlSchema, text, "control message");
    } catch (err) {
      return logger.warn({ err }, "control message refused");
    }
    if (m.kind === "interrupt") {
      for (const jobId of m.jobId === undefined ? [...running] : running.has(m.jobId) ? [m.jobId] : []) engine.interrupt(jobId);
    } else if (m.kind === "free") {
      // As /free on one machine: the output cache, and with unloadModels the opened packs too.
      engine.clearCache();
      if (m.unloadModels) void o.services.models.free().then(beat, (err: unknown) => logger.warn({ err }, "could not unload models"));
    } else if (running.has(m.jobId)) engine.patchJob(m.jobId, m.node, m.values);
  });

  const info = (): WorkerInfo => ({ id, host: os.hostname(), device: o.device, provider: o.provider, concurrency: o.concurrency ?? 1, running: [...running], loadedModels: o.services.models.loaded().map((k) => k.split("|")[0]!), startedAt, seenAt: Date.now() });
  const beat = () => pub.hset(KEYS.workers, id, JSON.stringify(info())).catch((err: unknown) => logger.debug({ err }, "heartbeat"));

  async function runOne(bjob: BullJob): Promise<RemoteResult> {
    const parsed = jobDataSchema.safeParse(bjob.data);
    const jobId = parsed.success ? parsed.data.id : String(bjob.id);
    if (!parsed.success) {
      const outcome = failedOutcome(jobId, `the job's data is not a studio job: ${parsed.error.issues[0]?.message ?? "invalid"}`);
      const result = { outcome, files: [], worker: id };
      publish({ kind: "ended", jobId, result });
      await sent();
      return result;
    }
    const job = parsed.data;
    running.add(job.id);
    void beat();
    const attempt = bjob.attemptsStarted;
    publish({ kind: "started", jobId: job.id, worker: id, attempt });
    const notes: HistoryMessage[] =
      attempt > 1 ? [["job_requeued", { prompt_id: job.id, reason: `the worker running this job stopped; run ${attempt} on worker ${id}`, timestamp: Date.now() }]] : [];
    const files: RemoteResult["files"] = [];
    const upload = (ref: RemoteFileRef) =>
      enqueue(async () => {
        const bytes = await readFile(resolveInside(o.services.paths[ref.type], ref.subfolder, ref.filename));
        const key = KEYS.file(job.id, files.length);
        write(pub.set(key, bytes, "EX", FILE_TTL_S));
        files.push({ key, ref });
        write(pub.publish(KEYS.events, JSON.stringify({ kind: "file", jobId: job.id, key, ref } satisfies WorkerEvent)));
      });
    const previews = createPreviewEncoder({
      logger,
      deliver: (frames) => publish(encodePreviewEvent(job.id, frames.legacy, frames.withMetadata)),
    });
    const sink: JobSink = {
      send(m: ServerMessage) {
        // A file goes before the message that names it, so /view has it when the client asks.
        if (!o.sharedOutput && (m.type === "executed" || m.type === "display")) fileRefs(m.data.output).forEach(upload);
        publish({ kind: "message", jobId: job.id, message: m });
      },
      preview: (nodeId, payload) => previews.submit({ promptId: job.id, nodeId, sid: job.clientId, payload }),
      node: (node) => publish({ kind: "node", jobId: job.id, node }),
    };
    try {
      const { outcome } = await executeJob({ ...job, notes }, engine, sink, logger);
      await previews.flush();
      await sent();
      const result: RemoteResult = { outcome, files, worker: id };
      publish({ kind: "ended", jobId: job.id, result });
      await sent();
      return result;
    } finally {
      running.delete(job.id);
      void beat();
    }
  }

  // BullMQ leaves a connection it was handed open: close() closes it.
  const bullConn = connect(o.url, `t2v-worker-${id}-jobs`);
  bullConn.on("error", (err: Error) => logger.debug({ err }, "queue connection"));
  const bull = new BullWorker(QUEUE, runOne, {
    connection: bullConn,
    prefix: PREFIX,
    concurrency: o.concurrency ?? 1,
    lockDuration: o.lockMs ?? 30_000,
    stalledInterval: o.lockMs ?? 30_000,
    maxStalledCount: o.maxStalls ?? 1,
  });
  bull.on("error", (err) => logger.warn({ err }, "queue connection"));

  await beat();
  const heartbeat = setInterval(() => void beat(), HEARTBEAT_MS);
  await bull.waitUntilReady();

  let closing: Promise<void> | undefined;
  return {
    id,
    close(force = false) {
      closing ??= (async () => {
        clearInterval(heartbeat);
        if (force) engine.interrupt();
        await bull.close(force);
        await sent();
        await pub.hdel(KEYS.workers, id).catch(() => 0);
        sub.disconnect();
        bullConn.disconnect();
        await pub.quit().catch(() => "");
      })();
      return closing;
    },
  };
}
