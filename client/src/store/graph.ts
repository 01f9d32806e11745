// Pure functions between the workflow document and the React Flow graph, and graph edits
// (connect, paste, group) as free functions of the graph: the store only calls them.
import type { Connection, XYPosition } from "@xyflow/react";
import { canConnect } from "../../../core/node/sockets.ts";
import { WORKFLOW_VERSION, type Workflow, type WorkflowLink, type WorkflowNode } from "../../../core/workflow/schema.ts";
import type { CatalogueNode } from "../api.ts";
import { socketColor } from "../lib/colors.ts";
import { isStudio, type Catalogue, type DocMeta, type FlowEdge, type FlowNode, type Graph, type GroupNode, type NoteNode, type StudioNode } from "./types.ts";

export const GROUP_PREFIX = "group:";
export const NOTE_PREFIX = "note:";
const NODE_WIDTH = 240;
const GROUP_PAD = 24;
const GROUP_HEADER = 34;

/** The socket type a link into `name` carries: a socket, or a param driven by a link. */
export function inputType(def: CatalogueNode | undefined, name: string): string | undefined {
  if (!def) return undefined;
  const socket = def.inputs.find((i) => i.name === name);
  if (socket) return socket.type;
  const param = def.params.find((p) => p.name === name && !p.uiOnly);
  return param?.socketType;
}

export function outputType(def: CatalogueNode | undefined, name: string): string | undefined {
  return def?.outputs.find((o) => o.name === name)?.type;
}

export function defaultParams(def: CatalogueNode): Record<string, unknown> {
  return Object.fromEntries(def.params.map((p) => [p.name, p.default]));
}

/** The next free numeric id ("10" after "9"), as the workflow format uses. */
export function nextId(ids: Iterable<string>): number {
  let max = 0;
  for (const id of ids) {
    const n = Number(id.replace(/^(group|note):/, ""));
    if (Number.isInteger(n) && n > max) max = n;
  }
  return max + 1;
}

export function makeEdge(id: string, source: string, sourceHandle: string, target: string, targetHandle: string, type: string): FlowEdge {
  return { id, source, sourceHandle, target, targetHandle, data: { type }, className: "wire", style: { stroke: socketColor(type) } };
}


/** Fields a workflow node carries through the editor unchanged when set. */
const KEPT = ["title", "mode", "declaredSockets", "extra", "size"] as const;

function keptFields<T extends Partial<Record<(typeof KEPT)[number], unknown>>>(o: T): Partial<T> {
  return Object.fromEntries(KEPT.filter((k) => o[k] !== undefined && o[k] !== "").map((k) => [k, o[k]])) as Partial<T>;
}

export function makeStudioNode(def: CatalogueNode | undefined, wn: Pick<WorkflowNode, "id" | "type" | "params" | "position"> & Partial<WorkflowNode>): StudioNode {
  const params = { ...(def ? defaultParams(def) : {}), ...wn.params };
  return { id: wn.id, type: "studio", position: { ...wn.position }, data: { type: wn.type, params, ...keptFields(wn) } };
}

/** The workflow document as React Flow nodes (groups first, so they draw underneath) and edges. */
export function toFlow(wf: Workflow, catalogue: Catalogue): Graph & { meta: DocMeta } {
  const studio = wf.nodes.map((n) => makeStudioNode(catalogue[n.type], n));
  const byId = new Map(wf.nodes.map((n) => [n.id, n]));
  const groups: GroupNode[] = wf.groups.map((g) => {
    const b = g.bounds ?? boundsOf(studio.filter((n) => g.nodes?.includes(n.id)));
    return {
      id: GROUP_PREFIX + g.id,
      type: "group",
      position: { x: b.x, y: b.y },
      width: b.width,
      height: b.height,
      zIndex: -1,
      data: { title: g.title, ...(g.color ? { color: g.color } : {}), ...(g.extra ? { extra: g.extra } : {}) },
    };
  });
  const notes: NoteNode[] = wf.notes.map((n) => ({
    id: NOTE_PREFIX + n.id,
    type: "note",
    position: { ...n.position },
    width: n.size?.width ?? 240,
    height: n.size?.height ?? 120,
    data: { text: n.text, ...(n.markdown ? { markdown: true } : {}), ...(n.extra ? { extra: n.extra } : {}) },
  }));
  const edges = wf.links.map((l) => {
    const from = byId.get(l.from.node);
    const type = (from && outputType(catalogue[from.type], l.from.output)) ?? "*";
    return makeEdge(l.id, l.from.node, l.from.output, l.to.node, l.to.input, type);
  });
  return {
    nodes: [...groups, ...notes, ...studio],
    edges,
    meta: { title: wf.metadata.title, description: wf.metadata.description, ...(wf.extra ? { extra: wf.extra } : {}) },
  };
}

function sizeOf(n: FlowNode): { width: number; height: number } {
  return { width: n.measured?.width ?? n.width ?? NODE_WIDTH, height: n.measured?.height ?? n.height ?? 160 };
}

export function boundsOf(nodes: FlowNode[]): { x: number; y: number; width: number; height: number } {
  if (nodes.length === 0) return { x: 0, y: 0, width: 400, height: 300 };
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const n of nodes) {
    const s = sizeOf(n);
    x0 = Math.min(x0, n.position.x);
    y0 = Math.min(y0, n.position.y);
    x1 = Math.max(x1, n.position.x + s.width);
    y1 = Math.max(y1, n.position.y + s.height);
  }
  return { x: x0 - GROUP_PAD, y: y0 - GROUP_PAD - GROUP_HEADER, width: x1 - x0 + 2 * GROUP_PAD, height: y1 - y0 + 2 * GROUP_PAD + GROUP_HEADER };
}

/** Nodes inside a group's rectangle (by their centre): what moves with it, as in ComfyUI. */
export function membersOf(nodes: FlowNode[], group: FlowNode): string[] {
  const g = sizeOf(group);
  return nodes
    .filter((n) => n.id !== group.id && n.type !== "group")
    .filter((n) => {
      const s = sizeOf(n);
      const cx = n.position.x + s.width / 2;
      const cy = n.position.y + s.height / 2;
      return cx >= group.position.x && cx <= group.position.x + g.width && cy >= group.position.y && cy <= group.position.y + g.height;
    })
    .map((n) => n.id);
}

/** The graph as a workflow document (version 2). */
export function toWorkflow(g: Graph, meta: DocMeta): Workflow {
  const nodes: WorkflowNode[] = [];
  const groups: Workflow["groups"] = [];
  const notes: Workflow["notes"] = [];
  for (const n of g.nodes) {
    const position = { x: Math.round(n.position.x), y: Math.round(n.position.y) };
    if (isStudio(n)) nodes.push({ id: n.id, type: n.data.type, params: { ...n.data.params }, position, ...keptFields(n.data) });
    else if (n.type === "group") {
      const s = sizeOf(n);
      groups.push({
        id: n.id.slice(GROUP_PREFIX.length),
        title: n.data.title,
        nodes: membersOf(g.nodes, n).filter((id) => !id.startsWith(NOTE_PREFIX)),
        bounds: { ...position, width: Math.round(s.width), height: Math.round(s.height) },
        ...(n.data.color ? { color: n.data.color } : {}),
        ...(n.data.extra ? { extra: n.data.extra } : {}),
      });
    } else {
      const s = sizeOf(n);
      notes.push({
        id: n.id.slice(NOTE_PREFIX.length),
        text: n.data.text,
        position,
        size: { width: Math.round(s.width), height: Math.round(s.height) },
        ...(n.data.markdown ? { markdown: true } : {}),
        ...(n.data.extra ? { extra: n.data.extra } : {}),
      });
    }
  }
  const links: WorkflowLink[] = g.edges.map((e) => ({ id: e.id, from: { node: e.source, output: e.sourceHandle ?? "" }, to: { node: e.target, input: e.targetHandle ?? "" } }));
  return {
    version: WORKFLOW_VERSION,
    metadata: { title: meta.title, description: meta.description },
    nodes,
    links,
    groups,
    notes,
    ...(meta.extra ? { extra: meta.extra } : {}),
  };
}

/** Whether a wire from `c.source`'s output to `c.target`'s input may exist: the server's rule. */
export function connectionAllowed(nodes: FlowNode[] | Map<string, FlowNode>, catalogue: Catalogue, c: { source: string; target: string; sourceHandle?: string | null; targetHandle?: string | null }): boolean {
  if (c.source === c.target || !c.sourceHandle || !c.targetHandle) return false;
  const find = (id: string) => (nodes instanceof Map ? nodes.get(id) : nodes.find((n) => n.id === id));
  const from = find(c.source);
  const to = find(c.target);
  if (!from || !to || !isStudio(from) || !isStudio(to)) return false;
  const out = outputType(catalogue[from.data.type], c.sourceHandle);
  const inn = inputType(catalogue[to.data.type], c.targetHandle);
  return out !== undefined && inn !== undefined && canConnect(out, inn);
}

/** Adds the wire; an input takes one wire, so a wire already there is replaced (as in ComfyUI). */
export function connect(g: Graph, catalogue: Catalogue, c: Connection): FlowEdge[] {
  if (!connectionAllowed(g.nodes, catalogue, c)) return g.edges;
  const from = g.nodes.find((n) => n.id === c.source) as StudioNode;
  const type = outputType(catalogue[from.data.type], c.sourceHandle ?? "") ?? "*";
  const kept = g.edges.filter((e) => !(e.target === c.target && e.targetHandle === c.targetHandle));
  const id = String(nextId(g.edges.map((e) => e.id)));
  return [...kept, makeEdge(id, c.source, c.sourceHandle ?? "", c.target, c.targetHandle ?? "", type)];
}

/** What the clipboard holds: selected nodes and notes, with the wires between them. */
export interface Fragment {
  kind: "t2v-fragment";
  nodes: WorkflowNode[];
  links: WorkflowLink[];
  notes: Workflow["notes"];
}

export function copyFragment(g: Graph, ids: Set<string>): Fragment | undefined {
  const picked = g.nodes.filter((n) => ids.has(n.id));
  if (picked.length === 0) return undefined;
  const wf = toWorkflow({ nodes: picked, edges: g.edges.filter((e) => ids.has(e.source) && ids.has(e.target)) }, { title: "", description: "" });
  return { kind: "t2v-fragment", nodes: wf.nodes, links: wf.links, notes: wf.notes };
}

export function isFragment(v: unknown): v is Fragment {
  return typeof v === "object" && v !== null && (v as { kind?: unknown }).kind === "t2v-fragment";
}

/** Adds a fragment with fresh ids, its top-left at `at`; returns the graph and the new ids (selected). */
export function pasteFragment(g: Graph, catalogue: Catalogue, f: Fragment, at: XYPosition): Graph & { added: string[] } {
  const all = [...f.nodes.map((n) => n.position), ...f.notes.map((n) => n.position)];
  const x0 = Math.min(...all.map((p) => p.x));
  const y0 = Math.min(...all.map((p) => p.y));
  const shift = (p: XYPosition) => ({ x: p.x - x0 + at.x, y: p.y - y0 + at.y });
  let id = nextId(g.nodes.map((n) => n.id));
  const ids = new Map<string, string>();
  const nodes: FlowNode[] = f.nodes.map((n) => {
    const nid = String(id++);
    ids.set(n.id, nid);
    return { ...makeStudioNode(catalogue[n.type], { ...n, id: nid, position: shift(n.position) }), selected: true };
  });
  for (const n of f.notes) {
    nodes.push({ id: NOTE_PREFIX + String(id++), type: "note", position: shift(n.position), width: n.size?.width ?? 240, height: n.size?.height ?? 120, data: { text: n.text }, selected: true });
  }
  let eid = nextId(g.edges.map((e) => e.id));
  const edges = f.links.flatMap((l) => {
    const s = ids.get(l.from.node);
    const t = ids.get(l.to.node);
    const from = f.nodes.find((n) => n.id === l.from.node);
    if (!s || !t || !from) return [];
    return [makeEdge(String(eid++), s, l.from.output, t, l.to.input, outputType(catalogue[from.type], l.from.output) ?? "*")];
  });
  return {
    nodes: [...g.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...nodes],
    edges: [...g.edges, ...edges],
    added: nodes.map((n) => n.id),
  };
}

/** A group around the selected nodes (drawn behind them). */
export function groupSelection(g: Graph, title = "Group"): Graph {
  const picked = g.nodes.filter((n) => n.selected && n.type !== "group");
  if (picked.length === 0) return g;
  const b = boundsOf(picked);
  const group: GroupNode = {
    id: GROUP_PREFIX + String(nextId(g.nodes.map((n) => n.id))),
    type: "group",
    position: { x: b.x, y: b.y },
    width: b.width,
    height: b.height,
    zIndex: -1,
    data: { title },
  };
  return { nodes: [group, ...g.nodes], edges: g.edges };
}

export function connectedInputs(edges: FlowEdge[]): Map<string, string> {
  const m = new Map<string, string[]>();
  for (const e of edges) {
    const list = m.get(e.target) ?? [];
    list.push(e.targetHandle ?? "");
    m.set(e.target, list);
  }
  return new Map([...m].map(([k, v]) => [k, v.sort().join(",")]));
}
