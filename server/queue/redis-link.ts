// What a studio server and its `t2v worker`s share through Redis: the queue URL, key and channel
// names, and the messages between them (checked with zod on arrival, as any boundary).
//   jobs:     the BullMQ queue "jobs" (prefix "t2v"); a job's data is the validated JobSpec
//   events:   worker → server, one pub/sub channel, in order per worker: started, message,
//             node, file, preview (binary), ended
//   control:  server → workers: interrupt, patch (the worker running the job applies it)
//   workers:  a hash of heartbeats, for GET /system_stats
//   files:    output files of workers without a shared output folder, until the server took them
import { Redis, type RedisOptions } from "ioredis";
import { z } from "zod";
import { formatIssues, wsMessageSchema, type ServerMessage } from "../../core/protocol.ts";

export const PREFIX = "t2v";
export const QUEUE = "jobs";
export const KEYS = {
  events: `${PREFIX}:events`,
  control: `${PREFIX}:control`,
  workers: `${PREFIX}:workers`,
  file: (jobId: string, n: number) => `${PREFIX}:file:${jobId}:${n}`,
};
/** Uploaded files wait this long for the server (it takes them at once, or when it comes back). */
export const FILE_TTL_S = 7 * 24 * 3600;
/** A worker not seen for this long is not listed. */
export const WORKER_STALE_MS = 15_000;
export const HEARTBEAT_MS = 5_000;

export const queueUrlSchema = z
  .string()
  .trim()
  .refine((s) => URL.canParse(s), "not a URL; expected redis://[:password@]host:port[/db] or rediss://…")
  .transform((s) => new URL(s))
  .refine((u) => u.protocol === "redis:" || u.protocol === "rediss:", "the scheme must be redis:// or rediss:// (TLS)")
  .refine((u) => u.hostname !== "", "no host")
  .refine((u) => /^\/?(\d{0,2})$/.test(u.pathname), "the path may only be a database number, e.g. redis://host:6379/2");

/** The URL with its password hidden, for logs and banners. */
export function showUrl(u: URL): string {
  const c = new URL(u.href);
  if (c.password) c.password = "***";
  return c.href;
}

/**
 * One Redis connection. BullMQ's blocking connections need maxRetriesPerRequest: null (wait for
 * Redis to come back); `failFast` connections give up on a command after one reconnect attempt,
 * so an HTTP request answers 503 rather than hanging while Redis is away.
 */
export function connect(u: URL, name: string, failFast = false): Redis {
  const opts: RedisOptions = {
    connectionName: name,
    maxRetriesPerRequest: failFast ? 1 : null,
    retryStrategy: (times) => Math.min(200 * times, 2000),
  };
  // ioredis reads host, port, password, db and rediss:// (TLS) from the URL.
  return new Redis(u.href, opts);
}

/** Resolves once Redis answers; else fails within `timeoutMs` with Redis's own reason (never hangs). */
export async function reach(c: Redis, u: URL, timeoutMs = 10_000): Promise<void> {
  let last = "";
  const onError = (e: Error) => (last = e.message);
  c.on("error", onError);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([c.ping(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs / 1000} s`)), timeoutMs)))]);
  } catch (err) {
    throw new Error(`cannot reach the Redis queue at ${showUrl(u)}: ${last || (err instanceof Error ? err.message : String(err))}`, { cause: err });
  } finally {
    clearTimeout(timer);
    c.off("error", onError);
  }
}

const fileRef = z.object({ filename: z.string().min(1), subfolder: z.string(), type: z.enum(["output", "temp"]) });
export type RemoteFileRef = z.infer<typeof fileRef>;

export const jobDataSchema = z.object({
  id: z.string().min(1),
  number: z.number(),
  clientId: z.string().optional(),
  workflow: z.unknown(),
  prompt: z.record(z.string(), z.unknown()),
  extraData: z.record(z.string(), z.unknown()),
  targets: z.array(z.string()),
});
export type JobData = z.infer<typeof jobDataSchema>;

const outcomeSchema = z.object({
  statusStr: z.enum(["success", "error"]),
  completed: z.boolean(),
  outputs: z.record(z.string(), z.record(z.string(), z.unknown())),
  messages: z.array(z.tuple([z.string(), z.record(z.string(), z.unknown())])),
  patches: z.array(z.object({ node: z.string(), target: z.string().nullable(), values: z.record(z.string(), z.number()), received: z.number(), step: z.number().optional() })),
  nodes: z.array(z.string()),
});

/** What a worker returns for a job (BullMQ's return value) and sends in `ended`. */
export const resultSchema = z.object({
  outcome: outcomeSchema,
  /** Files uploaded through Redis (none with a shared output folder). */
  files: z.array(z.object({ key: z.string(), ref: fileRef })),
  worker: z.string(),
});
export type RemoteResult = z.infer<typeof resultSchema>;

export const workerEventSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("started"), jobId: z.string(), worker: z.string(), attempt: z.number().int() }),
  z.object({ kind: z.literal("message"), jobId: z.string(), message: z.unknown() }),
  z.object({ kind: z.literal("node"), jobId: z.string(), node: z.string() }),
  z.object({ kind: z.literal("file"), jobId: z.string(), key: z.string(), ref: fileRef }),
  z.object({ kind: z.literal("ended"), jobId: z.string(), result: resultSchema }),
]);
export type WorkerEvent = z.infer<typeof workerEventSchema>;

export const controlSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("interrupt"), jobId: z.string().optional() }),
  z.object({ kind: z.literal("patch"), jobId: z.string(), node: z.string().optional(), values: z.record(z.string(), z.number().finite()) }),
  z.object({ kind: z.literal("free"), unloadModels: z.boolean(), freeMemory: z.boolean() }),
]);
export type ControlMessage = z.infer<typeof controlSchema>;

export const workerInfoSchema = z.object({
  id: z.string(),
  host: z.string(),
  device: z.string(),
  provider: z.string(),
  concurrency: z.number().int(),
  running: z.array(z.string()),
  loadedModels: z.array(z.string()),
  startedAt: z.number(),
  seenAt: z.number(),
});

/** A relayed protocol message, checked as the WebSocket layer would check it. */
export function parseRelayed(m: unknown): ServerMessage | undefined {
  const r = wsMessageSchema.safeParse(m);
  return r.success && r.data.type !== "patch" && r.data.type !== "interrupt" ? r.data : undefined;
}

export function parseJson<T>(schema: z.ZodType<T>, text: string, what: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`${what}: not JSON`);
  }
  const r = schema.safeParse(raw);
  if (!r.success) throw new Error(`${what}: ${formatIssues(r.error.issues)}`);
  return r.data;
}

// Previews travel as one binary pub/sub message: "P", u32 header length, JSON header, the two layouts.
const PREVIEW_MAGIC = 0x50;
const previewHeader = z.object({ jobId: z.string(), legacy: z.number().int().min(0), withMetadata: z.number().int().min(0) });

export function encodePreviewEvent(jobId: string, legacy: Uint8Array, withMetadata: Uint8Array): Buffer {
  const header = Buffer.from(JSON.stringify({ jobId, legacy: legacy.length, withMetadata: withMetadata.length }));
  const head = Buffer.alloc(5);
  head[0] = PREVIEW_MAGIC;
  head.writeUInt32BE(header.length, 1);
  return Buffer.concat([head, header, legacy, withMetadata]);
}

export function isPreviewEvent(b: Buffer): boolean {
  return b.length > 5 && b[0] === PREVIEW_MAGIC;
}

export function decodePreviewEvent(b: Buffer): { jobId: string; legacy: Uint8Array; withMetadata: Uint8Array } {
  const n = b.readUInt32BE(1);
  const h = parseJson(previewHeader, b.subarray(5, 5 + n).toString("utf8"), "preview event");
  const start = 5 + n;
  if (start + h.legacy + h.withMetadata !== b.length) throw new Error("preview event: lengths do not match the message");
  return { jobId: h.jobId, legacy: b.subarray(start, start + h.legacy), withMetadata: b.subarray(start + h.legacy) };
}
