// Wires of a big graph seen from far away, drawn as one SVG path per socket colour.
// React Flow gives every wire its own component and store subscription; with ~2,000 wires on
// screen each drag frame would run all of them. Zoomed out this far a wire is too thin to click,
// so the canvas hands React Flow no wires and this draws them from the measured handles instead.
import { memo, useEffect, useState } from "react";
import { createPortal } from "react-dom";
import { getBezierPath, Position, useStore as useFlowStore, useStoreApi, type InternalNode } from "@xyflow/react";
import type { FlowEdge, FlowNode } from "../store/types.ts";

type Side = "source" | "target";

/** Where a handle meets its wire, in flow coordinates (the handle's outer edge, mid-height). */
function anchor(node: InternalNode<FlowNode> | undefined, side: Side, handleId: string | null | undefined): { x: number; y: number } | undefined {
  const bounds = node?.internals.handleBounds?.[side];
  const h = bounds?.find((b) => b.id === (handleId ?? null)) ?? (handleId ? undefined : bounds?.[0]);
  if (!node || !h) return undefined;
  const { x, y } = node.internals.positionAbsolute;
  return { x: x + h.x + (side === "source" ? h.width : 0), y: y + h.y + h.height / 2 };
}

function WireSketchView({ edges }: { edges: FlowEdge[] }) {
  // Re-drawn whenever React Flow takes in new node positions (its `nodes` changes with them).
  useFlowStore((s) => s.nodes);
  const store = useStoreApi<FlowNode, FlowEdge>();
  const lookup = store.getState().nodeLookup;
  // The layer inside the viewport transform, looked up once (React Flow's ViewportPortal looks
  // it up with a store selector, which searches the whole 1,000-node DOM on every frame).
  const [layer, setLayer] = useState<Element | null>(null);
  useEffect(() => setLayer(store.getState().domNode?.querySelector(".react-flow__viewport-portal") ?? null), [store]);
  const byColor = new Map<string, string[]>();
  for (const e of edges) {
    const a = anchor(lookup.get(e.source), "source", e.sourceHandle);
    const b = anchor(lookup.get(e.target), "target", e.targetHandle);
    if (!a || !b) continue;
    const [d] = getBezierPath({ sourceX: a.x, sourceY: a.y, sourcePosition: Position.Right, targetX: b.x, targetY: b.y, targetPosition: Position.Left });
    const color = String(e.style?.stroke ?? "#999");
    const list = byColor.get(color) ?? [];
    list.push(d);
    byColor.set(color, list);
  }
  if (!layer) return null;
  return createPortal(
    <svg className="wire-sketch" data-testid="wire-sketch" data-wires={edges.length}>
      {[...byColor].map(([color, ds]) => (
        <path key={color} d={ds.join(" ")} stroke={color} />
      ))}
    </svg>,
    layer,
  );
}

export const WireSketch = memo(WireSketchView);
