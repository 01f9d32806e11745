// The React Flow instance, for code outside components (keyboard shortcuts, toasts, menus).
import type { ReactFlowInstance } from "@xyflow/react";
import { useStudio } from "../store/index.ts";
import type { FlowEdge, FlowNode } from "../store/types.ts";

export type Flow = ReactFlowInstance<FlowNode, FlowEdge>;
let flow: Flow | undefined;

export const setFlow = (f: Flow | undefined) => void (flow = f);
export const getFlow = (): Flow | undefined => flow;

/** The flow position at the middle of the visible canvas. */
export function viewCenter(): { x: number; y: number } {
  const el = document.querySelector(".react-flow");
  if (!flow || !el) return { x: 0, y: 0 };
  const r = el.getBoundingClientRect();
  return flow.screenToFlowPosition({ x: r.left + r.width / 2, y: r.top + r.height / 2 });
}

export function focusNode(id: string): void {
  void flow?.fitView({ nodes: [{ id }], duration: 300, maxZoom: 1.2 });
  useStudio.setState((s) => ({ nodes: s.nodes.map((n) => (n.selected === (n.id === id) ? n : { ...n, selected: n.id === id })) }));
}
