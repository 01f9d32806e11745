// Widget params: a zod schema (the truth for validation and types) plus UI metadata.
// The helpers build both from one set of numbers so min/max can never disagree.
import { z } from "zod";
import { BOOLEAN, FLOAT, INT, STRING } from "./sockets.ts";

export type ParamKind = "int" | "float" | "slider" | "choice" | "text" | "multiline" | "seed" | "toggle";

/**
 * How a change to a param reaches a job that is already running (the editor sends it as a live
 * patch instead of re-queueing). `applies`: "next_step" — read again at the next step boundary;
 * "reschedule" — the rest of the noise schedule is recomputed from where the run stands.
 */
export interface LiveSpec {
  applies: "next_step" | "reschedule";
  /** The output whose consumers take the change (e.g. a scheduler's SIGMAS reach the sampler); absent: this node. */
  via?: string;
  /** The name the receiving node reads the value by; default: the param's own name. */
  key?: string;
}

export interface ParamSpec<S extends z.ZodType = z.ZodType> {
  schema: S;
  kind: ParamKind;
  description?: string;
  min?: number;
  max?: number;
  step?: number;
  /** A function is called each time the catalogue is served (e.g. the model packs on disk now). */
  choices?: readonly string[] | (() => readonly string[]);
  /** Shown in the editor, never sent to run(); e.g. the seed control. */
  uiOnly?: boolean;
  /** May change while the node's job runs, and how; absent: a change needs a new run. */
  live?: LiveSpec;
  /** What the value means to readers outside the node (the summary written into every video). */
  role?: ParamRole;
  /** The value names a file in the input folder; the editor offers an upload button (ComfyUI's image_upload). */
  upload?: "image" | "video";
  /** A text param the editor edits with a widget of its own (the value stays a JSON string). */
  editor?: EditorSpec;
}

/** Which widget, and what it needs to know (e.g. the sketch's palette and world size). */
export interface EditorSpec {
  widget: "sketch";
  options?: Record<string, unknown>;
}

/** "prompt": the text a generation follows; "model": the name of the model pack it uses. */
export type ParamRole = "prompt" | "model";

export type Params = Record<string, ParamSpec>;
export type ParamValues<P extends Params> = { [K in keyof P]: z.output<P[K]["schema"]> };

export const SEED_CONTROLS = ["fixed", "increment", "decrement", "randomize"] as const;
export type SeedControl = (typeof SEED_CONTROLS)[number];
/** Name of the companion widget every seed param gets (one seed per node). */
export const SEED_CONTROL_PARAM = "control_after_generate";
export const SEED_MAX = Number.MAX_SAFE_INTEGER;

interface TextOpts { default?: string; description?: string; role?: ParamRole; upload?: "image" | "video"; editor?: EditorSpec }
interface NumberOpts { default: number; min?: number; max?: number; step?: number; description?: string; live?: LiveSpec }

function bounded(s: z.ZodNumber, o: NumberOpts): z.ZodNumber {
  let out = s;
  if (o.min !== undefined) out = out.min(o.min);
  if (o.max !== undefined) out = out.max(o.max);
  return out;
}

function numberSpec(kind: ParamKind, base: z.ZodNumber, o: NumberOpts) {
  return {
    schema: bounded(base, o).default(o.default),
    kind,
    min: o.min,
    max: o.max,
    step: o.step,
    description: o.description,
    ...(o.live ? { live: o.live } : {}),
  } satisfies ParamSpec;
}

export const p = {
  int: (o: NumberOpts) => numberSpec("int", z.number().int(), { step: 1, ...o }),
  float: (o: NumberOpts) => numberSpec("float", z.number(), o),
  slider: (o: NumberOpts & { min: number; max: number }) => numberSpec("slider", z.number(), o),
  seed: (o: { default?: number; description?: string } = {}) =>
    numberSpec("seed", z.number().int(), { default: o.default ?? 0, min: 0, max: SEED_MAX, step: 1, description: o.description }),
  choice: <const C extends readonly [string, ...string[]]>(choices: C, o: { default: C[number]; description?: string }) =>
    ({
      schema: z.enum(choices).default(o.default as never),
      kind: "choice",
      choices,
      description: o.description,
    }) satisfies ParamSpec,
  text: (o: TextOpts = {}) =>
    ({ schema: z.string().default(o.default ?? ""), kind: "text", description: o.description, ...(o.role ? { role: o.role } : {}), ...(o.upload ? { upload: o.upload } : {}) }) satisfies ParamSpec,
  multiline: (o: TextOpts = {}) =>
    ({ schema: z.string().default(o.default ?? ""), kind: "multiline", description: o.description, ...(o.role ? { role: o.role } : {}), ...(o.editor ? { editor: o.editor } : {}) }) satisfies ParamSpec,
  toggle: (o: { default: boolean; description?: string }) =>
    ({ schema: z.boolean().default(o.default), kind: "toggle", description: o.description }) satisfies ParamSpec,
  /** Escape hatch: any zod schema (give it a default) with explicit UI metadata. */
  custom: <S extends z.ZodType>(schema: S, ui: Omit<ParamSpec, "schema">): ParamSpec<S> => ({ schema, ...ui }),
};

const seedControlSpec: ParamSpec = {
  schema: z.enum(SEED_CONTROLS).default("fixed"),
  kind: "choice",
  choices: SEED_CONTROLS,
  uiOnly: true,
  description: "What happens to the seed after each run",
};

/** Every widget a node shows, in order: declared params plus each seed's companion control. */
export function widgetSpecs(params: Params): [string, ParamSpec][] {
  const out: [string, ParamSpec][] = [];
  for (const [name, spec] of Object.entries(params)) {
    out.push([name, spec]);
    if (spec.kind === "seed") out.push([SEED_CONTROL_PARAM, seedControlSpec]);
  }
  return out;
}

/** A param's choices as they stand now (a function is called afresh). */
export function choicesOf(spec: ParamSpec): readonly string[] | undefined {
  return typeof spec.choices === "function" ? spec.choices() : spec.choices;
}

/** The socket type a param takes when it is driven by a link instead of a widget. */
export function paramSocketType(spec: ParamSpec): string {
  switch (spec.kind) {
    case "int":
    case "seed":
      return INT;
    case "float":
    case "slider":
      return FLOAT;
    case "toggle":
      return BOOLEAN;
    default:
      return STRING;
  }
}
