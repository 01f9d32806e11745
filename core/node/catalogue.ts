// The node catalogue as JSON: our own (params as JSON Schema) and ComfyUI's /object_info shape.
import { z } from "zod";
import { choicesOf, paramSocketType, widgetSpecs, type EditorSpec, type LiveSpec, type ParamKind, type ParamRole, type ParamSpec } from "./params.ts";
import type { AnyNodeDef } from "./definition.ts";
import type { Registry } from "./registry.ts";

export interface CatalogueParam {
  name: string;
  kind: ParamKind;
  default: unknown;
  description?: string;
  min?: number;
  max?: number;
  step?: number;
  choices?: readonly string[];
  /** Editor-only (e.g. a seed's control_after_generate); never reaches run(). */
  uiOnly: boolean;
  /** The socket type when this param is driven by a link. */
  socketType: string;
  /** Present when a change may reach a running job (see LiveSpec). */
  live?: LiveSpec;
  role?: ParamRole;
  upload?: "image" | "video";
  /** Edited with a widget of its own (see ParamSpec.editor). */
  editor?: EditorSpec;
  schema: Record<string, unknown>;
}

export interface CatalogueNode {
  type: string;
  version: number;
  title: string;
  category: string;
  description: string;
  aliases: string[];
  inputs: { name: string; type: string; optional: boolean; description?: string }[];
  params: CatalogueParam[];
  outputs: { name: string; type: string }[];
  output: boolean;
  cache: boolean;
  /** The custom node pack (a folder under --custom-nodes) the type came from; absent for built-in nodes. */
  pack?: string;
}

/** GET /api/custom_nodes: one entry per pack folder found at start-up. */
export interface NodePackReport {
  /** The pack's folder name. */
  name: string;
  path: string;
  status: "loaded" | "failed";
  /** Why it was skipped (status "failed"). */
  error?: string;
  /** The type ids it registered (empty when it failed). */
  nodes: string[];
}

function defaultOf(spec: ParamSpec): unknown {
  const r = spec.schema.safeParse(undefined);
  return r.success ? r.data : undefined;
}

/** `pack`: the custom node pack the type came from (registry.packOf). */
export function catalogueNode(def: AnyNodeDef, pack?: string): CatalogueNode {
  return {
    type: def.type,
    version: def.version,
    title: def.title,
    category: def.category,
    description: def.description,
    aliases: [...(def.aliases ?? [])],
    inputs: Object.entries(def.inputs).map(([name, s]) => ({ name, type: s.type, optional: s.optional === true, description: s.description })),
    params: widgetSpecs(def.params).map(([name, spec]) => ({
      name,
      kind: spec.kind,
      default: defaultOf(spec),
      description: spec.description,
      min: spec.min,
      max: spec.max,
      step: spec.step,
      choices: choicesOf(spec),
      uiOnly: spec.uiOnly === true,
      socketType: paramSocketType(spec),
      ...(spec.live ? { live: spec.live } : {}),
      ...(spec.role ? { role: spec.role } : {}),
      ...(spec.upload ? { upload: spec.upload } : {}),
      ...(spec.editor ? { editor: spec.editor } : {}),
      schema: z.toJSONSchema(spec.schema, { unrepresentable: "any" }),
    })),
    outputs: Object.entries(def.outputs).map(([name, type]) => ({ name, type })),
    output: def.output === true,
    cache: def.cache !== false,
    ...(pack ? { pack } : {}),
  };
}

export function catalogue(registry: Registry): CatalogueNode[] {
  return registry.list().map((d) => catalogueNode(d, registry.packOf?.(d.type)));
}

/** One entry of ComfyUI's GET /object_info. */
export interface ObjectInfoNode {
  input: { required: Record<string, unknown[]>; optional: Record<string, unknown[]> };
  input_order: { required: string[]; optional: string[] };
  output: string[];
  output_is_list: boolean[];
  output_name: string[];
  name: string;
  display_name: string;
  description: string;
  python_module: string;
  category: string;
  output_node: boolean;
}

/** The entries of `o` that are not undefined. */
export function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function comfyParam(spec: ParamSpec): unknown[] {
  const base = { default: defaultOf(spec), tooltip: spec.description };
  const range = { min: spec.min, max: spec.max, step: spec.step };
  switch (spec.kind) {
    case "int":
      return ["INT", compact({ ...base, ...range })];
    case "seed":
      return ["INT", compact({ ...base, ...range, control_after_generate: true })];
    case "float":
      return ["FLOAT", compact({ ...base, ...range })];
    case "slider":
      return ["FLOAT", compact({ ...base, ...range, display: "slider" })];
    case "choice":
      return [[...(choicesOf(spec) ?? [])], compact(base)];
    case "text":
      return ["STRING", compact({ ...base, multiline: false, ...(spec.upload ? { [`${spec.upload}_upload`]: true } : {}) })];
    case "multiline":
      return ["STRING", compact({ ...base, multiline: true })];
    case "toggle":
      return ["BOOLEAN", compact(base)];
  }
}

/** `pack`: the custom node pack the type came from; ComfyUI names such nodes' module `custom_nodes.<pack>`. */
export function objectInfoNode(def: AnyNodeDef, pack?: string): ObjectInfoNode {
  const required: Record<string, unknown[]> = {};
  const optional: Record<string, unknown[]> = {};
  for (const [name, s] of Object.entries(def.inputs)) {
    const entry = s.description ? [s.type, { tooltip: s.description }] : [s.type];
    (s.optional ? optional : required)[name] = entry;
  }
  // The seed control is implied by control_after_generate, as in ComfyUI.
  for (const [name, spec] of widgetSpecs(def.params)) if (!spec.uiOnly) required[name] = comfyParam(spec);
  const outputs = Object.entries(def.outputs);
  return {
    input: { required, optional },
    input_order: { required: Object.keys(required), optional: Object.keys(optional) },
    output: outputs.map(([, t]) => t),
    output_is_list: outputs.map(() => false),
    output_name: outputs.map(([n]) => n),
    name: def.type,
    display_name: def.title,
    description: def.description,
    python_module: pack ? `custom_nodes.${pack}` : `nodes.${def.type.split(".")[0]}`,
    category: def.category,
    output_node: def.output === true,
  };
}

/** GET /object_info: every node type keyed by its type id. */
export function toObjectInfo(registry: Registry): Record<string, ObjectInfoNode> {
  return Object.fromEntries(registry.list().map((d) => [d.type, objectInfoNode(d, registry.packOf?.(d.type))]));
}
