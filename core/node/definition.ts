// The node definition API: one plain object per node type, made with defineNode().
import type { Workflow } from "../workflow/schema.ts";
import type { ParamValues, Params } from "./params.ts";
import type { SocketType } from "./sockets.ts";

export type { LiveSpec, ParamKind, ParamRole, ParamSpec, Params, ParamValues, SeedControl } from "./params.ts";
export { p, SEED_CONTROLS, SEED_CONTROL_PARAM } from "./params.ts";

/**
 * The TypeScript value carried by each socket type. Modules that own a type add it by
 * declaration merging, e.g.
 *   declare module "<path to>/core/node/definition.ts" { interface SocketValues { LATENT: Latent } }
 * Types nobody declared arrive as `unknown`.
 */
export interface SocketValues {
  FRAMES: Frames;
  INT: number;
  FLOAT: number;
  STRING: string;
  BOOLEAN: boolean;
  "*": unknown;
}

/** FRAMES: RGB clips, [batch × frames × height × width × 3], 8-bit. */
export interface Frames {
  rgb: Uint8Array;
  width: number;
  height: number;
  frames: number;
  batch: number;
  fps: number;
}

export type SocketValue<T extends string> = T extends keyof SocketValues ? SocketValues[T] : unknown;

/**
 * What the host (server or CLI) injects into every node. Extend it by declaration merging:
 *   declare module "<path to>/core/node/definition.ts" { interface Services { models: ModelCache } }
 * and construct the new field in server/services.ts (tsc then insists on it).
 */
export interface Services {
  /** Folders nodes may write to / read from; `FileRef.type` names which one. */
  paths: { output: string; temp: string; input: string };
}

/** pino-compatible: a pino logger can be passed where this is expected. */
export interface LogFn {
  (msg: string): void;
  (obj: object, msg?: string): void;
}
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  /** pino's child(): the engine binds jobId and nodeId for each node. */
  child?(bindings: Record<string, unknown>): Logger;
}

/** 8-bit RGB frames of a clip being made: one buffer per frame, or all frames in one. */
export interface PreviewPayload {
  frames: Uint8Array | Uint8Array[];
  width: number;
  height: number;
  frameCount: number;
  step?: number;
  steps?: number;
}

export interface LivePatch {
  /** Undefined: meant for whichever node of the job reads live values. */
  nodeId?: string;
  values: Record<string, number>;
  /** ms since epoch when the patch reached the engine. */
  time: number;
}
export interface AppliedPatch extends LivePatch {
  /** The node that applied it and the step boundary it applied at. */
  appliedBy: string;
  atStep?: number;
}

/** Changes made to a running job (engine.patchJob), read by long nodes at step boundaries. */
export interface LiveChannel {
  /**
   * Merged values of every patch received so far for this node (job-wide and node-specific,
   * later wins). Patches seen for the first time are recorded as applied at `step`.
   * Returns the same object until a new patch arrives, so `!==` detects a change.
   */
  get(step?: number): Readonly<Record<string, number>>;
  applied(): readonly AppliedPatch[];
}

export interface NodeContext {
  nodeId: string;
  jobId: string;
  signal: AbortSignal;
  progress(value: number, max: number): void;
  preview(payload: PreviewPayload): void;
  log: Logger;
  services: Services;
  live: LiveChannel;
  /** The document this job runs (as given to engine.run); absent when a node is run outside the engine. */
  workflow?: Workflow;
  /** The definition of a node type (id or alias) as this engine knows it, e.g. to read `workflow`'s other nodes. */
  definitionOf?(type: string): AnyNodeDef | undefined;
}

export interface FileRef {
  filename: string;
  subfolder: string;
  type: "output" | "temp" | "input";
}

/** What a node shows in history and `executed` messages. */
export interface UiOutput {
  /** Files to show, images and videos alike (ComfyUI's key); `animated: [true]` marks videos. */
  images?: FileRef[];
  animated?: boolean[];
  text?: string[];
  [key: string]: unknown;
}

/**
 * A node's notes for the people running it: each is logged as a warning (which also goes out as a
 * `warning` message) and all are shown on the node. Returns the node's `ui`, or undefined with none.
 */
export function showNotes(ctx: Pick<NodeContext, "log">, notes: string[]): UiOutput | undefined {
  for (const n of notes) ctx.log.warn(n);
  return notes.length ? { text: notes } : undefined;
}

/** Known socket types, or any other string (a node pack's own type). */
// The literal union keeps `{ type: "LATENT" }` literal when inferred, so values get typed.
export type SocketTypeName = SocketType | (string & {});

export interface SocketSpec<T extends SocketTypeName = SocketTypeName> {
  type: T;
  optional?: boolean;
  description?: string;
}
export type Sockets = Record<string, SocketSpec>;
/** Output name → socket type, in display order. */
export type Outputs = Record<string, SocketTypeName>;

type RequiredKeys<I extends Sockets> = { [K in keyof I]: I[K]["optional"] extends true ? never : K }[keyof I];
type OptionalKeys<I extends Sockets> = { [K in keyof I]: I[K]["optional"] extends true ? K : never }[keyof I];

export type InputValues<I extends Sockets> = { [K in RequiredKeys<I>]: SocketValue<I[K]["type"]> } & {
  [K in OptionalKeys<I>]?: SocketValue<I[K]["type"]>;
};
export type OutputValues<O extends Outputs> = { [K in keyof O]: SocketValue<O[K]> };
export type RunInputs<I extends Sockets, P extends Params> = InputValues<I> & ParamValues<P>;

export interface NodeResult<O extends Outputs = Outputs> {
  outputs: OutputValues<O>;
  ui?: UiOutput;
}

export interface NodeDef<I extends Sockets = Sockets, P extends Params = Params, O extends Outputs = Outputs> {
  /** Stable namespaced id, "<namespace>.<PascalName>", e.g. "t2v.KSampler". Never rename. */
  type: string;
  /** Bump when outputs for the same inputs change; it invalidates cached results. */
  version: number;
  title: string;
  /** Slash path in the add-node menu, e.g. "sampling/schedulers". */
  category: string;
  description: string;
  /** Other names this type answers to (e.g. a ComfyUI class name). */
  aliases?: readonly string[];
  /**
   * For an alias naming another tool's node (a ComfyUI class): our param for each of that node's
   * widgets, in its widget order (null: no equivalent here). Files that store widget values by
   * position (ComfyUI's `widgets_values`) are read with it; without it, our own widget order is used.
   */
  aliasWidgets?: Readonly<Record<string, readonly (string | null)[]>>;
  inputs: I;
  params: P;
  outputs: O;
  /** An output node: a default execution target (ComfyUI's OUTPUT_NODE). */
  output?: boolean;
  /** false: never served from the cache, and neither is anything downstream of it. */
  cache?: false;
  /** Folded into the cache signature, for state outside the params (e.g. a file's mtime). */
  fingerprint?(params: ParamValues<P>, services: Services): string | Promise<string>;
  run(ctx: NodeContext, inputs: RunInputs<I, P>): NodeResult<O> | Promise<NodeResult<O>>;
}

/** Any node definition, as the registry and engine hold them. */
export type AnyNodeDef = NodeDef<Sockets, Params, Outputs>;

/** Identity at runtime; exists so TypeScript infers socket, param and output types. */
export function defineNode<
  I extends Sockets = Record<never, SocketSpec>,
  P extends Params = Record<never, never>,
  O extends Outputs = Record<never, string>,
>(def: NodeDef<I, P, O>): NodeDef<I, P, O> {
  return def;
}
