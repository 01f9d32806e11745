// The durable queue and history: one SQLite table of jobs, pending → running → done.
// Pending jobs survive a restart; a job found running at start-up (the server died under it) is
// re-queued once, then failed with a reason. History keeps the newest `historyMax` done jobs.
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { HistoryEntry, QueueItem } from "../../core/protocol.ts";

export interface JobSpec {
  id: string;
  number: number;
  clientId?: string;
  /** The submitted workflow in our format (what the editor reloads). */
  workflow: unknown;
  /** ComfyUI API prompt, as submitted or converted from the workflow. */
  prompt: Record<string, unknown>;
  extraData: Record<string, unknown>;
  /** outputs_to_execute. */
  targets: string[];
}

export type JobState = "pending" | "running" | "done";

export interface Job extends JobSpec {
  state: JobState;
  attempts: number;
  createdAt: number;
  /** Events before this run (e.g. a re-queue after a crash), kept into history. */
  notes: [string, Record<string, unknown>][];
}

export type HistoryMessage = [string, Record<string, unknown>];

export interface JobOutcome {
  statusStr: "success" | "error";
  completed: boolean;
  outputs: Record<string, Record<string, unknown>>;
  messages: HistoryMessage[];
  patches: HistoryEntry["patches"];
  /** Node ids that showed something, for ComfyUI's `meta`. */
  nodes: string[];
}

export interface StoreOptions {
  dataDir: string;
  /** Done jobs kept; default 1000. */
  historyMax?: number;
  /** A job found running at start-up is re-queued while it has run fewer times than this; default 2. */
  maxAttempts?: number;
  /** Re-queue jobs left running at start-up (default). Off in Redis mode: the queue there owns retries. */
  recover?: boolean;
  now?: () => number;
}

interface Row {
  seq: number;
  id: string;
  number: number;
  client_id: string | null;
  state: JobState;
  workflow: string;
  prompt: string;
  extra_data: string;
  targets: string;
  attempts: number;
  created_at: number;
  notes: string;
  result: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  number REAL NOT NULL,
  client_id TEXT,
  state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done')),
  workflow TEXT NOT NULL,
  prompt TEXT NOT NULL,
  extra_data TEXT NOT NULL,
  targets TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  finished_at INTEGER,
  notes TEXT NOT NULL DEFAULT '[]',
  result TEXT
);
CREATE INDEX IF NOT EXISTS jobs_pending ON jobs (state, number, seq);
CREATE INDEX IF NOT EXISTS jobs_done ON jobs (state, finished_at, seq);
`;

function toJob(r: Row): Job {
  return {
    id: r.id,
    number: r.number,
    ...(r.client_id === null ? {} : { clientId: r.client_id }),
    workflow: JSON.parse(r.workflow),
    prompt: JSON.parse(r.prompt),
    extraData: JSON.parse(r.extra_data),
    targets: JSON.parse(r.targets),
    state: r.state,
    attempts: r.attempts,
    createdAt: r.created_at,
    notes: JSON.parse(r.notes),
  };
}

export function queueItem(j: Pick<JobSpec, "number" | "id" | "prompt" | "extraData" | "targets">): QueueItem {
  return [j.number, j.id, j.prompt, j.extraData, j.targets];
}

function toHistory(r: Row): HistoryEntry {
  const job = toJob(r);
  const o = JSON.parse(r.result ?? "null") as JobOutcome | null;
  const nodes = o?.nodes ?? [];
  return {
    prompt: queueItem(job),
    outputs: o?.outputs ?? {},
    status: { status_str: o?.statusStr ?? "error", completed: o?.completed ?? false, messages: o?.messages ?? [] },
    meta: Object.fromEntries(nodes.map((n) => [n, { node_id: n, display_node: n, parent_node: null, real_node_id: n }])),
    workflow: job.workflow,
    patches: o?.patches ?? [],
  };
}

export type JobStore = ReturnType<typeof openJobStore>;

export function openJobStore(o: StoreOptions) {
  mkdirSync(o.dataDir, { recursive: true });
  const file = path.join(o.dataDir, "queue.sqlite");
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 2000");
  db.exec(SCHEMA);
  const historyMax = o.historyMax ?? 1000;
  const maxAttempts = o.maxAttempts ?? 2;
  const now = o.now ?? Date.now;

  const q = {
    insert: db.prepare(
      `INSERT INTO jobs (id, number, client_id, state, workflow, prompt, extra_data, targets, created_at)
       VALUES (@id, @number, @client_id, 'pending', @workflow, @prompt, @extra_data, @targets, @created_at)`,
    ),
    byId: db.prepare<[string], Row>("SELECT * FROM jobs WHERE id = ?"),
    pending: db.prepare<[], Row>("SELECT * FROM jobs WHERE state = 'pending' ORDER BY number, seq"),
    running: db.prepare<[], Row>("SELECT * FROM jobs WHERE state = 'running' ORDER BY seq"),
    countActive: db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM jobs WHERE state IN ('pending', 'running')"),
    maxNumber: db.prepare<[], { n: number | null }>("SELECT MAX(ABS(number)) AS n FROM jobs"),
    start: db.prepare("UPDATE jobs SET state = 'running', attempts = attempts + 1 WHERE id = ? AND state = 'pending'"),
    markRunning: db.prepare("UPDATE jobs SET state = 'running', attempts = attempts + 1 WHERE id = ? AND state <> 'done'"),
    requeue: db.prepare("UPDATE jobs SET state = 'pending', attempts = MAX(attempts - @refund, 0), notes = @notes WHERE id = @id AND state = 'running'"),
    finish: db.prepare("UPDATE jobs SET state = 'done', finished_at = @at, result = @result WHERE id = @id AND state <> 'done'"),
    deletePending: db.prepare("DELETE FROM jobs WHERE id = ? AND state = 'pending'"),
    renumber: db.prepare("UPDATE jobs SET number = @number WHERE id = @id AND state = 'pending'"),
    clearPending: db.prepare("DELETE FROM jobs WHERE state = 'pending'"),
    history: db.prepare<[], Row>("SELECT * FROM jobs WHERE state = 'done' ORDER BY finished_at, seq"),
    historyCount: db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM jobs WHERE state = 'done'"),
    historyPage: db.prepare<[number, number], Row>("SELECT * FROM jobs WHERE state = 'done' ORDER BY finished_at, seq LIMIT ? OFFSET ?"),
    historyItem: db.prepare<[string], Row>("SELECT * FROM jobs WHERE id = ? AND state = 'done'"),
    deleteHistory: db.prepare("DELETE FROM jobs WHERE id = ? AND state = 'done'"),
    clearHistory: db.prepare("DELETE FROM jobs WHERE state = 'done'"),
    trim: db.prepare(
      `DELETE FROM jobs WHERE state = 'done' AND seq NOT IN
         (SELECT seq FROM jobs WHERE state = 'done' ORDER BY finished_at DESC, seq DESC LIMIT ?)`,
    ),
  };

  const finish = (id: string, outcome: JobOutcome): boolean => {
    const changed = q.finish.run({ id, at: now(), result: JSON.stringify(outcome) }).changes > 0;
    q.trim.run(historyMax);
    return changed;
  };

  /** Jobs the last process left running: re-queue once, then fail with the reason. */
  const recover = db.transaction(() => {
    const requeued: string[] = [];
    const failed: string[] = [];
    for (const r of q.running.all()) {
      const job = toJob(r);
      if (job.attempts < maxAttempts) {
        const note: HistoryMessage = ["job_requeued", { prompt_id: job.id, reason: "the server stopped while this job was running", timestamp: now() }];
        q.requeue.run({ id: job.id, refund: 0, notes: JSON.stringify([...job.notes, note]) });
        requeued.push(job.id);
      } else {
        const reason = `the server stopped while this job was running, ${job.attempts} times; not retried again`;
        const note: HistoryMessage = ["job_failed", { prompt_id: job.id, reason, timestamp: now() }];
        finish(job.id, { statusStr: "error", completed: false, outputs: {}, messages: [...job.notes, note], patches: [], nodes: [] });
        failed.push(job.id);
      }
    }
    return { requeued, failed };
  });
  const recovered = o.recover === false ? { requeued: [], failed: [] } : recover();
  const get = (id: string): Job | undefined => {
    const r = q.byId.get(id);
    return r && toJob(r);
  };
  let counter = (q.maxNumber.get()?.n ?? -1) + 1;

  return {
    file,
    /** What start-up found left running by the previous process. */
    recovered,
    /** The next queue number (ComfyUI's `number`); `front` puts a job before the others. */
    nextNumber(front = false): number {
      const n = counter++;
      return front ? -n : n;
    },
    /** Puts a pending job before every other pending one; false when it is not pending. */
    moveToFront(id: string): boolean {
      return q.renumber.run({ id, number: -counter++ }).changes > 0;
    },
    add(spec: JobSpec): void {
      q.insert.run({
        id: spec.id,
        number: spec.number,
        client_id: spec.clientId ?? null,
        workflow: JSON.stringify(spec.workflow),
        prompt: JSON.stringify(spec.prompt),
        extra_data: JSON.stringify(spec.extraData),
        targets: JSON.stringify(spec.targets),
        created_at: now(),
      });
    },
    has: (id: string): boolean => q.byId.get(id) !== undefined,
    get,
    pending: (): Job[] => q.pending.all().map(toJob),
    running: (): Job[] => q.running.all().map(toJob),
    /** Pending plus running, ComfyUI's queue_remaining. */
    remaining: (): number => q.countActive.get()?.n ?? 0,
    /** Moves the first pending job to running and returns it. */
    take: db.transaction((): Job | undefined => {
      const r = q.pending.get();
      if (!r) return undefined;
      q.start.run(r.id);
      return toJob({ ...r, state: "running", attempts: r.attempts + 1 });
    }),
    /** A worker machine started it (Redis mode); false when it is already done. */
    markRunning: (id: string): boolean => q.markRunning.run(id).changes > 0,
    /** Back to pending after a graceful stop; that run does not count as an attempt. */
    requeue(id: string, note: HistoryMessage): void {
      const job = get(id);
      if (job) q.requeue.run({ id, refund: 1, notes: JSON.stringify([...job.notes, note]) });
    },
    finish,
    deletePending: db.transaction((ids: readonly string[]): number => ids.reduce((n, id) => n + q.deletePending.run(id).changes, 0)),
    clearPending: (): number => q.clearPending.run().changes,
    /** ComfyUI's GET /history: oldest first; without offset, the newest `maxItems`. */
    history(o: { maxItems?: number; offset?: number } = {}): Record<string, HistoryEntry> {
      let rows: Row[];
      if (o.maxItems === undefined && o.offset === undefined) rows = q.history.all();
      else {
        const total = q.historyCount.get()?.n ?? 0;
        const limit = o.maxItems ?? total;
        const offset = o.offset ?? Math.max(total - limit, 0);
        rows = q.historyPage.all(limit, offset);
      }
      return Object.fromEntries(rows.map((r) => [r.id, toHistory(r)]));
    },
    historyItem(id: string): HistoryEntry | undefined {
      const r = q.historyItem.get(id);
      return r && toHistory(r);
    },
    deleteHistory: db.transaction((ids: readonly string[]): number => ids.reduce((n, id) => n + q.deleteHistory.run(id).changes, 0)),
    clearHistory: (): number => q.clearHistory.run().changes,
    close(): void {
      if (db.open) db.close();
    },
  };
}
