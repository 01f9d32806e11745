// Our document → ComfyUI's UI format (version 0.4, which every ComfyUI frontend opens). What an
// import kept (`extra.comfy`) is written back, so import then export gives the same file.
import { widgetSpecs } from "../node/params.ts";
import type { Registry } from "../node/registry.ts";
import { inputName, PRIMITIVE_NODE, widgetOrder } from "./comfy-ui.ts";
import { socketsOf } from "./modes.ts";
import type { Workflow, WorkflowNode } from "./schema.ts";

type Json = Record<string, unknown>;

const MODE_NUMBER = { muted: 2, bypassed: 4 } as const;
const DEFAULT_SIZE: [number, number] = [320, 160];

function comfyOf(item: { extra?: Json }): Json {
  const c = item.extra?.comfy;
  return typeof c === "object" && c !== null && !Array.isArray(c) ? (c as Json) : {};
}

/** Numeric ids, keeping ours where they are numbers already. */
function numbering(ids: string[]): Map<string, number> {
  const out = new Map<string, number>();
  const used = new Set<number>();
  for (const id of ids) {
    const n = Number(id);
    if (/^\d+$/.test(id) && !used.has(n)) {
      out.set(id, n);
      used.add(n);
    }
  }
  let next = Math.max(0, ...used) + 1;
  for (const id of ids) if (!out.has(id)) out.set(id, next++);
  return out;
}

interface Slot extends Json {
  name: string;
  type: unknown;
  widget?: { name: string };
}

/** The input slots: as imported, or sockets then linked params (as converted widgets). */
function inputSlots(node: WorkflowNode, registry: Registry, linkedInputs: string[]): { slot: Slot; ours: string }[] {
  const imported = comfyOf(node).inputs;
  const slots: Slot[] = Array.isArray(imported) ? imported.map((s) => ({ ...(s as Slot) })) : [];
  const def = registry.get(node.type);
  const sockets = socketsOf(node, registry);
  if (slots.length === 0) {
    const own = def ? Object.keys(def.inputs) : sockets.inputs.map((i) => i.name);
    for (const name of own) slots.push({ name, type: sockets.inputs.find((i) => i.name === name)?.type ?? "*" });
  }
  const slotName = (s: Slot, i: number) => (def ? (inputName(def, s, i) ?? s.name) : (s.widget?.name ?? s.name));
  for (const name of linkedInputs) {
    if (slots.some((s, i) => slotName(s, i) === name)) continue;
    const type = sockets.inputs.find((i) => i.name === name)?.type ?? "*";
    slots.push({ name, type, widget: { name } });
  }
  return slots.map((slot, i) => ({ slot, ours: slotName(slot, i) }));
}

function outputSlots(node: WorkflowNode, registry: Registry): Slot[] {
  const imported = comfyOf(node).outputs;
  if (Array.isArray(imported)) return imported.map((s) => ({ ...(s as Slot) }));
  return socketsOf(node, registry).outputs.map((o, i) => ({ name: o.name, type: o.type, slot_index: i }));
}

function widgetValues(node: WorkflowNode, registry: Registry): unknown {
  const c = comfyOf(node);
  const def = registry.get(node.type);
  const original = c.widgets_values;
  if (!def) return original;
  const className = typeof c.type === "string" ? c.type : def.type;
  if (className === PRIMITIVE_NODE) return [node.params.value, ...(Array.isArray(original) ? original.slice(1) : [])];
  const defaults = new Map(widgetSpecs(def.params).map(([n, s]) => [n, s.schema.safeParse(undefined).data]));
  const value = (name: string) => (name in node.params ? node.params[name] : defaults.get(name));
  if (original !== undefined && !Array.isArray(original) && typeof original === "object" && original !== null) {
    return Object.fromEntries(Object.entries(original).map(([k, v]) => [k, defaults.has(k) ? value(k) : v]));
  }
  // Another tool's class without a widget table: write only as many values as the file had.
  const foreign = className !== def.type && !def.aliasWidgets?.[className];
  if (foreign && !Array.isArray(original)) return undefined;
  const out = Array.isArray(original) ? [...original] : [];
  widgetOrder(def, className).forEach((name, i) => {
    if (name && (!foreign || i < out.length)) out[i] = value(name);
  });
  return out;
}

export function toComfyUi(wf: Workflow, registry: Registry): Json {
  const nodeIds = numbering([...wf.nodes.map((n) => n.id), ...wf.notes.map((n) => n.id)]);
  const linkIds = numbering(wf.links.map((l) => l.id));
  const byId = new Map(wf.nodes.map((n) => [n.id, n]));
  const doc = comfyOf(wf);
  const linkTypes = (doc.linkTypes ?? {}) as Record<string, unknown>;
  const nodes: Json[] = [];
  const links: unknown[][] = [];
  const emptyAsNull = new Map<string, Set<number>>();
  const slotsOf = new Map<string, { inputs: (Slot & { link: number | null })[]; names: string[]; outputs: (Slot & { links: number[] })[] }>();
  for (const n of wf.nodes) {
    const linked = wf.links.filter((l) => l.to.node === n.id).map((l) => l.to.input);
    const slots = inputSlots(n, registry, linked);
    const inputs = slots.map(({ slot }) => ({ ...slot, link: null as number | null }));
    const declared = outputSlots(n, registry);
    const outputs = declared.map((s) => ({ ...s, links: [] as number[] }));
    emptyAsNull.set(n.id, new Set(declared.flatMap((s, i) => (s.links === null ? [i] : []))));
    slotsOf.set(n.id, { inputs, names: slots.map((x) => x.ours), outputs });
  }
  for (const l of wf.links) {
    const from = byId.get(l.from.node);
    const to = slotsOf.get(l.to.node);
    const out = slotsOf.get(l.from.node);
    if (!from || !to || !out) continue;
    const def = registry.get(from.type);
    const fromSlot = def ? Object.keys(def.outputs).indexOf(l.from.output) : out.outputs.findIndex((s) => s.name === l.from.output);
    const toSlot = to.names.indexOf(l.to.input);
    if (fromSlot < 0 || toSlot < 0 || !out.outputs[fromSlot]) continue;
    const id = linkIds.get(l.id) as number;
    out.outputs[fromSlot].links.push(id);
    to.inputs[toSlot].link = id;
    links.push([id, nodeIds.get(from.id), fromSlot, nodeIds.get(l.to.node), toSlot, linkTypes[l.id] ?? out.outputs[fromSlot].type]);
  }
  wf.nodes.forEach((n, order) => {
    const c = comfyOf(n);
    const def = registry.get(n.type);
    const slots = slotsOf.get(n.id) ?? { inputs: [], outputs: [] };
    const inputs = slots.inputs;
    // As the file had it: an unconnected output's `links` may be null.
    const outputs = slots.outputs.map((o, i) => (o.links.length === 0 && emptyAsNull.get(n.id)?.has(i) ? { ...o, links: null } : o));
    const type = typeof c.type === "string" ? c.type : n.type;
    const title = n.title ?? (typeof c.title === "string" ? c.title : undefined);
    const widgets = widgetValues(n, registry);
    nodes.push({
      flags: {},
      order,
      properties: { "Node name for S&R": type },
      ...c,
      id: nodeIds.get(n.id),
      type,
      pos: [n.position.x, n.position.y],
      size: n.size ? [n.size.width, n.size.height] : DEFAULT_SIZE,
      mode: n.mode ? MODE_NUMBER[n.mode] : typeof c.mode === "number" && c.mode !== 2 && c.mode !== 4 ? c.mode : 0,
      inputs,
      outputs,
      ...(widgets !== undefined && (def === undefined || widgetSpecs(def.params).length > 0 || c.widgets_values !== undefined) ? { widgets_values: widgets } : {}),
      ...(title !== undefined ? { title } : {}),
    });
  });
  for (const note of wf.notes) {
    const c = comfyOf(note);
    nodes.push({
      flags: {},
      order: nodes.length,
      mode: 0,
      properties: {},
      ...c,
      id: nodeIds.get(note.id),
      type: note.markdown ? "MarkdownNote" : "Note",
      pos: [note.position.x, note.position.y],
      size: note.size ? [note.size.width, note.size.height] : [400, 200],
      widgets_values: [note.text],
    });
  }
  const groups = wf.groups.map((g, i) => {
    const b = g.bounds ?? boundsAround(wf.nodes.filter((n) => g.nodes?.includes(n.id)));
    return { id: i + 1, ...comfyOf(g), title: g.title, bounding: [b.x, b.y, b.width, b.height], ...(g.color ? { color: g.color } : {}) };
  });
  const { linkParents, linkTypes: _lt, state: _state, last_node_id: _ln, last_link_id: _ll, version: _v, ...rest } = doc;
  const extra = { ...((rest.extra as Json | undefined) ?? {}) };
  if (linkParents && typeof linkParents === "object") {
    extra.linkExtensions = Object.entries(linkParents as Record<string, number>).flatMap(([id, parentId]) => (linkIds.has(id) ? [{ id: linkIds.get(id), parentId }] : []));
  }
  if (Array.isArray(rest.reroutes)) extra.reroutes = rest.reroutes;
  const { reroutes: _r, ...top } = rest;
  return {
    ...top,
    last_node_id: Math.max(0, ...nodeIds.values()),
    last_link_id: Math.max(0, ...linkIds.values()),
    nodes,
    links,
    groups,
    config: top.config ?? {},
    extra,
    version: 0.4,
  };
}

function boundsAround(nodes: WorkflowNode[]): { x: number; y: number; width: number; height: number } {
  if (nodes.length === 0) return { x: 0, y: 0, width: 400, height: 300 };
  const xs = nodes.map((n) => n.position.x);
  const ys = nodes.map((n) => n.position.y);
  const x1 = Math.max(...nodes.map((n) => n.position.x + (n.size?.width ?? DEFAULT_SIZE[0])));
  const y1 = Math.max(...nodes.map((n) => n.position.y + (n.size?.height ?? DEFAULT_SIZE[1])));
  const x = Math.min(...xs) - 20;
  const y = Math.min(...ys) - 50;
  return { x, y, width: x1 - x + 20, height: y1 - y + 20 };
}
