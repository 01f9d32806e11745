// What the HTTP and WebSocket layers drive: the embedded queue (worker.ts, SQLite, this process)
// or the Redis one (redis-runner.ts, BullMQ, `t2v worker` machines). Same API either way.
import type { QueueItem, ServerMessage } from "../../core/protocol.ts";
import type { JobSpec } from "./store.ts";

export interface RunningJob {
  id: string;
  clientId?: string;
  /** The node running now, when known. */
  node?: string;
  /** Which worker runs it (Redis mode). */
  worker?: string;
}

/** A connected `t2v worker`, as GET /system_stats lists it. */
export interface WorkerInfo {
  id: string;
  host: string;
  /** What `--device` asked for, and the execution provider the worker really got. */
  device: string;
  provider: string;
  concurrency: number;
  running: string[];
  /** Model packs this worker has open (what /free with unload_models releases). */
  loadedModels: string[];
  startedAt: number;
  seenAt: number;
}

export type StatusMessage = ServerMessage & { type: "status" };

export interface JobRunner {
  readonly kind: "embedded" | "redis";
  start(): void;
  /** Queues a validated job. */
  add(spec: JobSpec): Promise<void>;
  /** ComfyUI's GET /queue. */
  queue(): Promise<{ running: QueueItem[]; pending: QueueItem[] }>;
  /** Puts a pending job before every other; false when it is not pending. */
  moveToFront(id: string): Promise<boolean>;
  deletePending(ids: readonly string[]): Promise<number>;
  clearPending(): Promise<number>;
  /** Pause or resume taking jobs (running ones are not touched). */
  setPaused(value: boolean): Promise<void>;
  paused(): boolean;
  running(): RunningJob[];
  /** Interrupts the named running job, or every running one; returns the ids it reached. */
  interrupt(promptId?: string): string[];
  /** A live patch for a running job; false when it is not running. */
  patch(id: string, node: string | undefined, values: Record<string, number>): boolean;
  status(): StatusMessage;
  /** Resolves when nothing is queued or running (tests, benchmarks). */
  idle(): Promise<void>;
  /** Stops taking jobs; bounded. */
  stop(): Promise<void>;
  /** ComfyUI's /free on the machines that run jobs (Redis mode: every worker; embedded: nothing more to do). */
  free(o: { unloadModels: boolean; freeMemory: boolean }): void;
  /** Worker machines (Redis mode); empty for the embedded queue. */
  workers(): Promise<WorkerInfo[]>;
}
