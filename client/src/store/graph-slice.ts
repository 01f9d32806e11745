// The graph: React Flow nodes and edges, edits with undo/redo, and the document's identity
// (library name, saved or not). Graph logic lives in graph.ts; this only sequences it.
import { applyEdgeChanges, applyNodeChanges, type Connection, type EdgeChange, type NodeChange, type XYPosition } from "@xyflow/react";
import type { Workflow } from "../../../core/workflow/schema.ts";
import { connect, connectedInputs, copyFragment, groupSelection, inputType, makeStudioNode, membersOf, nextId, NOTE_PREFIX, pasteFragment, toFlow, toWorkflow, type Fragment } from "./graph.ts";
import { isStudio, type Catalogue, type DocMeta, type FlowEdge, type FlowNode, type Graph, type MenuState } from "./types.ts";
import type { GetState, SetState } from "./index.ts";
import { canConnect } from "../../../core/node/sockets.ts";
import { STORAGE } from "../lib/storage.ts";

const HISTORY_MAX = 100;
const COALESCE_MS = 1000;

export interface GraphSlice {
  catalogue: Catalogue;
  nodes: FlowNode[];
  edges: FlowEdge[];
  meta: DocMeta;
  /** nodeId → its connected input names, "a,b" (a string, so selectors stay stable). */
  linked: Map<string, string>;
  /** Bumped by every edit that changes the document; `savedRevision` is the last saved one. */
  revision: number;
  savedRevision: number;
  /** Bumped when a whole document is opened (the canvas frames it). */
  loads: number;
  /** The name it was saved under or opened from in the library. */
  docName?: string;
  past: Graph[];
  future: Graph[];
  setCatalogue(c: Catalogue): void;
  loadWorkflow(wf: Workflow, o?: { name?: string; clean?: boolean; outputs?: Record<string, Record<string, unknown>> }): void;
  workflow(): Workflow;
  markSaved(name?: string): void;
  onNodesChange(changes: NodeChange<FlowNode>[]): void;
  onEdgesChange(changes: EdgeChange<FlowEdge>[]): void;
  onConnect(c: Connection): void;
  dragStart(dragged: FlowNode[]): void;
  addNode(type: string, at: XYPosition, from?: MenuState["from"]): string | undefined;
  addNote(at: XYPosition): void;
  /** One undo step, merged with the same param's edits of the last second unless `separate` (a finished drawing gesture). */
  setParam(id: string, name: string, value: unknown, o?: { separate?: boolean }): void;
  setParamSilently(id: string, name: string, value: unknown): void;
  setTitle(id: string, title: string): void;
  /** Ctrl+M / Ctrl+B on the selection: sets the mode, or clears it when every selected node has it already. */
  toggleMode(mode: "muted" | "bypassed"): void;
  setNoteText(id: string, text: string): void;
  deleteSelected(): void;
  duplicateSelected(): void;
  copySelected(): boolean;
  paste(f: Fragment, at?: XYPosition): void;
  selectAll(): void;
  groupSelected(): void;
  ungroupSelected(): void;
  undo(): void;
  redo(): void;
}

/** Group drag: members picked up at drag start, moved by the group's delta. */
let dragMembers = new Map<string, string[]>();
let lastCommit = { key: "", at: 0 };
/** React Flow reports one deletion as node and edge changes in one task: one undo step. */
let committedThisTask = false;

export const graphSlice = (set: SetState, get: GetState): GraphSlice => {
  /** Records the graph before an edit; edits with the same key within a second are one step. */
  const commit = (key = "") => {
    if (committedThisTask) return;
    committedThisTask = true;
    setTimeout(() => (committedThisTask = false));
    const now = Date.now();
    if (key && key === lastCommit.key && now - lastCommit.at < COALESCE_MS) {
      lastCommit.at = now;
      return;
    }
    lastCommit = { key, at: now };
    const { nodes, edges, past } = get();
    set({ past: [...past.slice(-(HISTORY_MAX - 1)), { nodes, edges }], future: [] });
  };
  const edit = (g: Partial<Graph>) =>
    set((s) => ({ ...g, revision: s.revision + 1, ...(g.edges && g.edges !== s.edges ? { linked: connectedInputs(g.edges) } : {}) }));
  const updateData = (id: string, f: (n: FlowNode) => FlowNode) => edit({ nodes: get().nodes.map((n) => (n.id === id ? f(n) : n)) });

  return {
    catalogue: {},
    nodes: [],
    edges: [],
    meta: { title: "", description: "" },
    linked: new Map(),
    revision: 0,
    savedRevision: 0,
    loads: 0,
    past: [],
    future: [],
    setCatalogue: (catalogue) => set({ catalogue }),

    loadWorkflow(wf, o = {}) {
      if (get().nodes.length > 0) commit();
      const g = toFlow(wf, get().catalogue);
      const revision = get().revision + 1;
      set({
        nodes: g.nodes,
        edges: g.edges,
        meta: g.meta,
        linked: connectedInputs(g.edges),
        revision,
        savedRevision: o.clean === false ? -1 : revision,
        docName: o.name,
        loads: get().loads + 1,
        outputs: o.outputs ?? {},
        runs: o.outputs ? Object.fromEntries(Object.keys(o.outputs).map((id) => [id, { state: "done" as const }])) : {},
        previews: {},
        problems: {},
      });
    },
    workflow: () => toWorkflow(get(), get().meta),
    markSaved: (name) => set((s) => ({ savedRevision: s.revision, ...(name ? { docName: name } : {}) })),

    onNodesChange(changes) {
      const s = get();
      if (changes.some((c) => c.type === "remove")) commit();
      const moves: NodeChange<FlowNode>[] = [];
      for (const c of changes) {
        if (c.type !== "position" || !c.position || !dragMembers.has(c.id)) continue;
        const g = s.nodes.find((n) => n.id === c.id);
        if (!g) continue;
        const dx = c.position.x - g.position.x;
        const dy = c.position.y - g.position.y;
        for (const m of dragMembers.get(c.id) ?? []) {
          const n = s.nodes.find((x) => x.id === m);
          if (n) moves.push({ type: "position", id: m, position: { x: n.position.x + dx, y: n.position.y + dy } });
        }
      }
      const nodes = applyNodeChanges([...changes, ...moves], s.nodes);
      const documentChanged = changes.some((c) => c.type !== "select" && c.type !== "dimensions");
      if (changes.some((c) => c.type === "remove")) {
        const ids = new Set(nodes.map((n) => n.id));
        const edges = s.edges.filter((e) => ids.has(e.source) && ids.has(e.target));
        edit({ nodes, edges });
        return;
      }
      if (documentChanged) edit({ nodes });
      else set({ nodes });
      if (changes.some((c) => c.type === "position" && c.dragging === false)) dragMembers = new Map();
    },
    onEdgesChange(changes) {
      const s = get();
      if (changes.some((c) => c.type === "remove")) commit();
      const edges = applyEdgeChanges(changes, s.edges);
      if (changes.every((c) => c.type === "select")) set({ edges });
      else edit({ edges });
    },
    onConnect(c) {
      const s = get();
      const edges = connect(s, s.catalogue, c);
      if (edges === s.edges) return;
      commit();
      edit({ edges });
    },
    dragStart(dragged) {
      commit();
      const s = get();
      const moving = new Set(dragged.map((n) => n.id));
      dragMembers = new Map(
        dragged.filter((n) => n.type === "group").map((g) => [g.id, membersOf(s.nodes, g).filter((id) => !moving.has(id))]),
      );
    },

    addNode(type, at, from) {
      const s = get();
      const def = s.catalogue[type];
      if (!def) return undefined;
      commit();
      const id = String(nextId(s.nodes.map((n) => n.id)));
      const node = { ...makeStudioNode(def, { id, type, params: {}, position: at }), selected: true };
      let edges = s.edges;
      const g = { nodes: [...s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), node], edges };
      if (from) {
        // Wire the new node to where the drag began: its first compatible socket.
        if (from.handleType === "source") {
          const input = [...def.inputs.map((i) => i.name), ...def.params.filter((p) => !p.uiOnly).map((p) => p.name)].find((n) => {
            const t = inputType(def, n);
            return t !== undefined && canConnect(from.socketType, t);
          });
          if (input) edges = connect(g, s.catalogue, { source: from.nodeId, sourceHandle: from.handleId, target: id, targetHandle: input });
        } else {
          const out = def.outputs.find((o) => canConnect(o.type, from.socketType));
          if (out) edges = connect(g, s.catalogue, { source: id, sourceHandle: out.name, target: from.nodeId, targetHandle: from.handleId });
        }
      }
      edit({ nodes: g.nodes, edges });
      return id;
    },
    addNote(at) {
      commit();
      const s = get();
      const id = NOTE_PREFIX + String(nextId(s.nodes.map((n) => n.id)));
      edit({ nodes: [...s.nodes, { id, type: "note", position: at, width: 240, height: 120, data: { text: "" } }] });
    },
    setParam(id, name, value, o) {
      commit(o?.separate ? "" : `param:${id}:${name}`);
      get().setParamSilently(id, name, value);
      get().afterParamChange(id, name, value);
    },
    setParamSilently(id, name, value) {
      updateData(id, (n) => (isStudio(n) ? { ...n, data: { ...n.data, params: { ...n.data.params, [name]: value } } } : n));
    },
    setTitle(id, title) {
      commit(`title:${id}`);
      updateData(id, (n) => {
        if (n.type === "group") return { ...n, data: { ...n.data, title } };
        if (!isStudio(n)) return n;
        const { title: _old, ...rest } = n.data;
        return { ...n, data: title.trim() ? { ...rest, title } : rest };
      });
    },
    toggleMode(mode) {
      const picked = get().nodes.filter((n) => n.selected && isStudio(n));
      if (picked.length === 0) return;
      commit();
      const off = picked.every((n) => isStudio(n) && n.data.mode === mode);
      const ids = new Set(picked.map((n) => n.id));
      set((s) => ({
        nodes: s.nodes.map((n) => {
          if (!ids.has(n.id) || !isStudio(n)) return n;
          const { mode: _m, ...rest } = n.data;
          return { ...n, data: off ? rest : { ...rest, mode } };
        }),
        revision: s.revision + 1,
      }));
    },
    setNoteText(id, text) {
      commit(`note:${id}`);
      updateData(id, (n) => (n.type === "note" ? { ...n, data: { ...n.data, text } } : n));
    },

    deleteSelected() {
      const s = get();
      const gone = new Set(s.nodes.filter((n) => n.selected).map((n) => n.id));
      const edges = s.edges.filter((e) => !e.selected && !gone.has(e.source) && !gone.has(e.target));
      if (gone.size === 0 && edges.length === s.edges.length) return;
      commit();
      edit({ nodes: s.nodes.filter((n) => !gone.has(n.id)), edges });
    },
    duplicateSelected() {
      const s = get();
      const f = copyFragment(s, new Set(s.nodes.filter((n) => n.selected).map((n) => n.id)));
      if (!f) return;
      const x = Math.min(...s.nodes.filter((n) => n.selected).map((n) => n.position.x));
      const y = Math.min(...s.nodes.filter((n) => n.selected).map((n) => n.position.y));
      get().paste(f, { x: x + 40, y: y + 40 });
    },
    copySelected() {
      const s = get();
      const f = copyFragment(s, new Set(s.nodes.filter((n) => n.selected && n.type !== "group").map((n) => n.id)));
      if (!f) return false;
      // localStorage, not the system clipboard: another tab of the studio pastes it too.
      localStorage.setItem(STORAGE.clipboard, JSON.stringify(f));
      return true;
    },
    paste(f, at) {
      const s = get();
      commit();
      const g = pasteFragment(s, s.catalogue, f, at ?? { x: 40, y: 40 });
      edit({ nodes: g.nodes, edges: g.edges });
    },
    selectAll: () => set((s) => ({ nodes: s.nodes.map((n) => (n.selected ? n : { ...n, selected: true })) })),
    groupSelected() {
      const s = get();
      const g = groupSelection(s);
      if (g === s) return;
      commit();
      edit(g);
    },
    ungroupSelected() {
      const s = get();
      const gone = new Set(s.nodes.filter((n) => n.selected && n.type === "group").map((n) => n.id));
      if (gone.size === 0) return;
      commit();
      edit({ nodes: s.nodes.filter((n) => !gone.has(n.id)) });
    },

    undo() {
      const s = get();
      const prev = s.past.at(-1);
      if (!prev) return;
      lastCommit = { key: "", at: 0 };
      set({ past: s.past.slice(0, -1), future: [{ nodes: s.nodes, edges: s.edges }, ...s.future] });
      edit(prev);
    },
    redo() {
      const s = get();
      const next = s.future[0];
      if (!next) return;
      lastCommit = { key: "", at: 0 };
      set({ future: s.future.slice(1), past: [...s.past, { nodes: s.nodes, edges: s.edges }] });
      edit(next);
    },
  };
};
