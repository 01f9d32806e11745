// One typed event stream for everything a job does; the server and the CLI both subscribe.
import type { AppliedPatch, PreviewPayload, UiOutput } from "../node/definition.ts";

export interface NodeError {
  nodeId: string;
  type: string;
  message: string;
  stack?: string;
}

export type JobStatus = "success" | "error" | "interrupted";

export type EngineEvent =
  | { type: "job_start"; jobId: string; targets: string[]; nodes: string[] }
  | { type: "cached"; jobId: string; nodes: string[] }
  | { type: "node_start"; jobId: string; nodeId: string; nodeType: string }
  | { type: "progress"; jobId: string; nodeId: string; value: number; max: number }
  | { type: "preview"; jobId: string; nodeId: string; preview: PreviewPayload }
  | { type: "patched"; jobId: string; patch: AppliedPatch }
  /** A node's ctx.log.warn: something the user should know, that did not stop the node. */
  | { type: "warning"; jobId: string; nodeId: string; message: string }
  | {
      type: "node_done";
      jobId: string;
      nodeId: string;
      nodeType: string;
      /** Raw socket values, by output name (not serialisable in general). */
      outputs: Record<string, unknown>;
      ui?: UiOutput;
      cached: boolean;
    }
  | { type: "error"; jobId: string; error: NodeError }
  | { type: "interrupted"; jobId: string; nodeId?: string }
  | { type: "job_done"; jobId: string; status: JobStatus; durationMs: number; error?: NodeError };

export type EngineEventType = EngineEvent["type"];
export type EventOf<T extends EngineEventType> = Extract<EngineEvent, { type: T }>;
export type Listener<E> = (event: E) => void;

export interface Emitter {
  /** Every event; returns the unsubscribe function. */
  on(listener: Listener<EngineEvent>): () => void;
  /** One event type. */
  on<T extends EngineEventType>(type: T, listener: Listener<EventOf<T>>): () => void;
  emit(event: EngineEvent): void;
}

export function createEmitter(onListenerError: (err: unknown) => void = () => {}): Emitter {
  const listeners = new Set<Listener<EngineEvent>>();
  return {
    on(a: EngineEventType | Listener<EngineEvent>, b?: Listener<never>): () => void {
      const fn: Listener<EngineEvent> =
        typeof a === "function" ? a : (e) => e.type === a && (b as Listener<EngineEvent>)(e);
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    emit(event) {
      // A failing subscriber must not fail the job or starve the others.
      for (const fn of listeners) {
        try {
          fn(event);
        } catch (err) {
          onListenerError(err);
        }
      }
    },
  };
}
