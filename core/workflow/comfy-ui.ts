// ComfyUI's UI format → our document. Known types (ids and ComfyUI names through aliases) become
// our nodes with their widget values named; unknown types become placeholders that keep
// everything; notes, groups, reroutes, primitives, modes and 1.0 subgraphs are read; what cannot
// be read (a link to a missing node or slot) is dropped with a warning that names it.
import { widgetSpecs } from "../node/params.ts";
import type { AnyNodeDef } from "../node/definition.ts";
import type { Registry } from "../node/registry.ts";
import { comfyUiSchema, readComfyLink, type ComfyNode, type ComfyUiDocument } from "./comfy-ui-schema.ts";
import { expandSubgraphs } from "./comfy-subgraphs.ts";
import { WorkflowFormatError } from "./migrations.ts";
import { WORKFLOW_VERSION, type NodeMode, type Workflow, type WorkflowLink, type WorkflowNode } from "./schema.ts";

export interface ImportResult {
  workflow: Workflow;
  /** What was dropped or changed on the way in, one sentence each. */
  warnings: string[];
}

const NOTE_TYPES = new Set(["Note", "MarkdownNote"]);
export const PRIMITIVE_NODE = "PrimitiveNode";
const MODES: Record<number, NodeMode | undefined> = { 2: "muted", 4: "bypassed" };

/** Our widget names in the order a file of `className` stores its values. */
export function widgetOrder(def: AnyNodeDef, className: string): readonly (string | null)[] {
  return def.aliasWidgets?.[className] ?? widgetSpecs(def.params).map(([name]) => name);
}

function typeName(t: unknown): string {
  if (typeof t === "string") return t;
  if (Array.isArray(t)) return "COMBO";
  return "*";
}

/** A PrimitiveNode (a widget value shared by link) becomes our Int, Float, Boolean or String. */
function primitiveType(node: ComfyNode): string {
  const t = typeName(node.outputs?.[0]?.type);
  const v = Array.isArray(node.widgets_values) ? node.widgets_values[0] : undefined;
  if (t === "INT" || (t === "*" && Number.isInteger(v))) return "t2v.Int";
  if (t === "FLOAT" || (t === "*" && typeof v === "number")) return "t2v.Float";
  if (t === "BOOLEAN" || (t === "*" && typeof v === "boolean")) return "t2v.Boolean";
  return "t2v.String";
}

function paramsOf(node: ComfyNode, def: AnyNodeDef, label: string, warn: (m: string) => void): Record<string, unknown> {
  const values = node.widgets_values;
  const params: Record<string, unknown> = {};
  if (values === undefined) return params;
  if (node.type === PRIMITIVE_NODE) return Array.isArray(values) && values.length > 0 ? { value: values[0] } : {};
  if (!Array.isArray(values)) {
    // VideoHelperSuite and others store values by name.
    const known = new Set(widgetSpecs(def.params).map(([n]) => n));
    for (const [k, v] of Object.entries(values)) if (known.has(k)) params[k] = v;
    return params;
  }
  const order = widgetOrder(def, node.type);
  const unnamed: number[] = [];
  values.forEach((v, i) => {
    const name = order[i];
    if (name) params[name] = v;
    else unnamed.push(i + 1);
  });
  if (unnamed.length > 0) warn(`${label}: widget value${unnamed.length > 1 ? "s" : ""} #${unnamed.join(", #")} ha${unnamed.length > 1 ? "ve" : "s"} no equivalent here (kept for export)`);
  return params;
}

/**
 * Our input for a file's input slot: by name (a widget's name for a converted widget), else the
 * socket at the same position if its type agrees (e.g. a Reroute's unnamed input).
 */
export function inputName(def: AnyNodeDef, slot: { name: string; type: unknown; widget?: { name: string } }, index: number): string | undefined {
  const name = slot.widget?.name ?? slot.name;
  if (name in def.inputs || widgetSpecs(def.params).some(([n, s]) => n === name && !s.uiOnly)) return name;
  const [byIndex, spec] = Object.entries(def.inputs)[index] ?? [];
  const t = typeName(slot.type);
  return byIndex !== undefined && spec && (spec.type === t || spec.type === "*" || t === "*") ? byIndex : undefined;
}

function declaredSockets(node: ComfyNode): NonNullable<WorkflowNode["declaredSockets"]> {
  return {
    inputs: (node.inputs ?? []).map((i) => ({ name: i.widget?.name ?? i.name, type: typeName(i.type) })),
    outputs: (node.outputs ?? []).map((o) => ({ name: o.name, type: typeName(o.type) })),
  };
}

/** Everything ComfyUI wrote that our document does not model, to write back on export. */
function kept(node: ComfyNode): Record<string, unknown> {
  const { id: _id, pos: _pos, size: _size, ...rest } = node;
  return rest;
}

function parse(doc: unknown): ComfyUiDocument {
  const r = comfyUiSchema.safeParse(doc);
  if (r.success) return r.data;
  throw new WorkflowFormatError(r.error.issues.map((i) => `${i.path.map(String).join(".") || "(root)"}: ${i.message}`));
}

export function fromComfyUi(doc: unknown, registry: Registry): ImportResult {
  const ui = parse(doc);
  const warnings: string[] = [];
  const warn = (m: string) => warnings.push(m);
  const links0 = ui.links.flatMap((raw, i) => {
    const l = readComfyLink(raw);
    if (!l) warn(`link #${i + 1} is malformed (${JSON.stringify(raw).slice(0, 60)}) and was dropped`);
    return l ? [l] : [];
  });
  const flat = expandSubgraphs({ nodes: ui.nodes, links: links0 }, ui.definitions?.subgraphs ?? [], warn);

  const nodes: WorkflowNode[] = [];
  const notes: Workflow["notes"] = [];
  const raw = new Map<string, ComfyNode>();
  const defs = new Map<string, AnyNodeDef | undefined>();
  for (const n of flat.nodes) {
    const id = String(n.id);
    if (raw.has(id)) {
      warn(`node ${id} appears twice; the second was dropped`);
      continue;
    }
    raw.set(id, n);
    const position = { x: n.pos?.[0] ?? 0, y: n.pos?.[1] ?? 0 };
    const size = n.size && n.size[0] > 0 && n.size[1] > 0 ? { width: n.size[0], height: n.size[1] } : undefined;
    if (NOTE_TYPES.has(n.type)) {
      const text = Array.isArray(n.widgets_values) ? String(n.widgets_values[0] ?? "") : "";
      notes.push({ id, text, position, ...(size ? { size } : {}), ...(n.type === "MarkdownNote" ? { markdown: true } : {}), extra: { comfy: kept(n) } });
      continue;
    }
    const def = registry.get(n.type === PRIMITIVE_NODE ? primitiveType(n) : n.type);
    defs.set(id, def);
    const label = `node ${id} (${n.type})`;
    const mode = n.mode === undefined ? undefined : MODES[n.mode];
    if (n.mode !== undefined && n.mode !== 0 && !mode) warn(`${label}: mode ${n.mode} is one of litegraph's event modes; it runs normally here`);
    const title = n.title !== undefined && n.title !== n.type && n.title !== def?.title ? n.title : undefined;
    nodes.push({
      id,
      type: def?.type ?? n.type,
      params: def ? paramsOf(n, def, label, warn) : {},
      position,
      ...(size ? { size } : {}),
      ...(title !== undefined ? { title } : {}),
      ...(mode ? { mode } : {}),
      ...(def ? {} : { declaredSockets: declaredSockets(n) }),
      extra: { comfy: kept(n) },
    });
  }

  const links: WorkflowLink[] = [];
  const parents: Record<string, number> = {};
  const linkTypes: Record<string, unknown> = {};
  for (const l of flat.links) {
    const where = `link ${l.id} (node ${l.from} #${l.from === "" ? "" : l.fromSlot} → node ${l.to} #${l.toSlot})`;
    const from = raw.get(l.from);
    const to = raw.get(l.to);
    if (!from || !to) {
      warn(`${where} dropped: node ${from ? l.to : l.from} does not exist`);
      continue;
    }
    if (NOTE_TYPES.has(from.type) || NOTE_TYPES.has(to.type)) {
      warn(`${where} dropped: notes have no sockets`);
      continue;
    }
    const fromDef = defs.get(l.from);
    const output = fromDef ? Object.keys(fromDef.outputs)[l.fromSlot] : from.outputs?.[l.fromSlot]?.name;
    const slotIn = to.inputs?.[l.toSlot];
    const toDef = defs.get(l.to);
    const input = slotIn && (toDef ? inputName(toDef, slotIn, l.toSlot) : (slotIn.widget?.name ?? slotIn.name));
    const inputKnown = input !== undefined;
    if (output === undefined || !inputKnown) {
      warn(`${where} dropped: ${output === undefined ? `node ${l.from} has no output #${l.fromSlot}` : `node ${l.to} has no input ${input === undefined ? `#${l.toSlot}` : `"${input}"`}`}`);
      continue;
    }
    links.push({ id: String(l.id), from: { node: l.from, output }, to: { node: l.to, input: input as string } });
    if (l.parentId !== undefined) parents[String(l.id)] = l.parentId;
    if (l.type !== undefined && l.type !== from.outputs?.[l.fromSlot]?.type) linkTypes[String(l.id)] = l.type;
  }

  const groups: Workflow["groups"] = ui.groups.map((g, i) => {
    const { title, bounding, color, ...rest } = g;
    return { id: String(g.id ?? i + 1), title, bounds: { x: bounding[0], y: bounding[1], width: bounding[2], height: bounding[3] }, ...(color ? { color } : {}), extra: { comfy: rest } };
  });

  const { nodes: _n, links: _l, groups: _g, definitions: _d, ...docRest } = ui;
  const info = (ui.extra?.info ?? {}) as { name?: unknown; description?: unknown };
  return {
    workflow: {
      version: WORKFLOW_VERSION,
      metadata: { title: typeof info.name === "string" ? info.name : "", description: typeof info.description === "string" ? info.description : "" },
      nodes,
      links,
      groups,
      notes,
      extra: {
        comfy: {
          ...docRest,
          ...(Object.keys(parents).length > 0 ? { linkParents: parents } : {}),
          ...(Object.keys(linkTypes).length > 0 ? { linkTypes } : {}),
        },
      },
    },
    warnings,
  };
}
