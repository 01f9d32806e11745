// The shapes the editor keeps: React Flow nodes/edges for the graph, plus run state per node.
import type { Edge, Node } from "@xyflow/react";
import type { CatalogueNode } from "../api.ts";
import type { WorkflowNode } from "../../../core/workflow/schema.ts";

export interface StudioData extends Record<string, unknown> {
  /** Node type id (a catalogue key). */
  type: string;
  params: Record<string, unknown>;
  title?: string;
  /** Muted or bypassed (Ctrl+M / Ctrl+B); absent: runs. */
  mode?: WorkflowNode["mode"];
  /** Sockets as the document declared them, for a type this server does not have. */
  declaredSockets?: WorkflowNode["declaredSockets"];
  /** Kept for export (e.g. ComfyUI fields of an imported node). */
  extra?: Record<string, unknown>;
  size?: WorkflowNode["size"];
}
export interface GroupData extends Record<string, unknown> {
  title: string;
  color?: string;
  extra?: Record<string, unknown>;
}
export interface NoteData extends Record<string, unknown> {
  text: string;
  markdown?: boolean;
  extra?: Record<string, unknown>;
}

export type StudioNode = Node<StudioData, "studio">;
export type GroupNode = Node<GroupData, "group">;
export type NoteNode = Node<NoteData, "note">;
export type FlowNode = StudioNode | GroupNode | NoteNode;

export interface EdgeData extends Record<string, unknown> {
  /** The output's socket type: the wire's colour. */
  type: string;
}
export type FlowEdge = Edge<EdgeData>;

export type Catalogue = Record<string, CatalogueNode>;

export interface DocMeta {
  title: string;
  description: string;
  extra?: Record<string, unknown>;
}

export interface Graph {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

export type RunState = "queued" | "running" | "cached" | "done" | "error" | "interrupted";

export interface NodeRun {
  state: RunState;
  value?: number;
  max?: number;
}

/** One contact sheet of a clip being made (binary preview, event 4). */
export interface Preview {
  sheet: Blob;
  layout: { cols: number; rows: number; frame_width: number; frame_height: number };
  frameCount: number;
  step?: number;
  steps?: number;
  promptId: string;
}

export interface NodeProblem {
  message?: string;
  /** Param or input name → message. */
  fields: Record<string, string>;
}

export interface Toast {
  id: number;
  kind: "info" | "warning" | "error";
  text: string;
  /** A node to show when the toast is clicked. */
  nodeId?: string;
  key?: string;
}

export interface MenuState {
  /** Screen position of the menu; flow position where the node lands. */
  screen: { x: number; y: number };
  flow: { x: number; y: number };
  /** A wire dropped into empty space: only nodes that can take (or give) this type. */
  from?: { nodeId: string; handleId: string; handleType: "source" | "target"; socketType: string };
}

export function isStudio(n: FlowNode): n is StudioNode {
  return n.type === "studio";
}
