// The React Flow canvas: wired to the store, refuses wrong-type wires as they are drawn,
// opens the add-node menu on double-click or when a wire is dropped in empty space, and takes
// dropped files (workflow JSON, or a video/image the studio made).
import { useCallback, useEffect, useState, type DragEvent, type MouseEvent as ReactMouseEvent } from "react";
import { Background, BackgroundVariant, Controls, MiniMap, ReactFlow, useStore as useFlowStore, type Connection, type Edge, type OnConnectEnd } from "@xyflow/react";
import { openFile } from "../actions.ts";
import { socketColor } from "../lib/colors.ts";
import { connectionAllowed, inputType, outputType } from "../store/graph.ts";
import { useStudio } from "../store/index.ts";
import { isStudio, type FlowEdge, type FlowNode } from "../store/types.ts";
import { getFlow, setFlow, type Flow } from "./instance.ts";
import { nodeTypes } from "./nodeTypes.ts";
import { WireSketch } from "./WireSketch.tsx";

const SNAP: [number, number] = [10, 10];
const DELETE_KEYS = ["Delete", "Backspace"];
const LOW_DETAIL_ZOOM = 0.35;
/** Above this many nodes, only what is on screen is rendered and the minimap rests during drags. */
const BIG_GRAPH = 200;
const NO_EDGES: FlowEdge[] = [];
export const NODE_DRAG_TYPE = "application/x-t2v-node";

/** The same rule the server validates with (nodes/sockets.ts canConnect). */
function isValidConnection(c: Edge | Connection): boolean {
  const s = useStudio.getState();
  return connectionAllowed(s.nodes, s.catalogue, c);
}

const onConnectEnd: OnConnectEnd = (event, cs) => {
  // isValid is null when the wire ended away from every handle: empty space → filtered menu.
  if (cs.isValid !== null || !cs.fromNode || !cs.fromHandle?.id) return;
  const s = useStudio.getState();
  const from = s.nodes.find((n) => n.id === cs.fromNode?.id);
  if (!from || !isStudio(from)) return;
  const def = s.catalogue[from.data.type];
  const handleType = cs.fromHandle.type;
  const socketType = handleType === "source" ? outputType(def, cs.fromHandle.id) : inputType(def, cs.fromHandle.id);
  if (!socketType) return;
  const p = "changedTouches" in event ? event.changedTouches[0] : event;
  const flow = getFlow();
  if (!p || !flow) return;
  s.openMenu({
    screen: { x: p.clientX, y: p.clientY },
    flow: flow.screenToFlowPosition({ x: p.clientX, y: p.clientY }),
    from: { nodeId: from.id, handleId: cs.fromHandle.id, handleType, socketType },
  });
};

function miniMapColor(n: FlowNode): string {
  if (n.type === "group") return "rgba(120,140,180,0.25)";
  if (n.type === "note") return "#6d6640";
  return "#5b6474";
}

export function Canvas() {
  const nodes = useStudio((s) => s.nodes);
  const edges = useStudio((s) => s.edges);
  const onNodesChange = useStudio((s) => s.onNodesChange);
  const onEdgesChange = useStudio((s) => s.onEdgesChange);
  const onConnect = useStudio((s) => s.onConnect);
  const dragStart = useStudio((s) => s.dragStart);
  const loads = useStudio((s) => s.loads);
  const connecting = useStudio((s) => s.connecting?.type);
  // Zoomed far out, text is unreadable: it is hidden (same layout, far less to paint).
  const lowDetail = useFlowStore((s) => s.transform[2] < LOW_DETAIL_ZOOM);
  // The minimap keeps one subscription per node; in a big graph it would redraw all of them on
  // every drag frame, so it is set aside while a drag lasts and comes back when it ends.
  const [dragging, setDragging] = useState(false);
  const big = nodes.length > BIG_GRAPH;
  // A big graph zoomed out: wires are sketched in one layer instead of one component each.
  const sketch = big && lowDetail;

  useEffect(() => {
    // A newly opened document: frame it once its nodes have been measured.
    const t = setTimeout(() => void getFlow()?.fitView({ padding: 0.08 }), 60);
    return () => clearTimeout(t);
  }, [loads]);

  const onDoubleClick = useCallback((e: ReactMouseEvent) => {
    if (!(e.target as HTMLElement).classList.contains("react-flow__pane")) return;
    const flow = getFlow();
    if (!flow) return;
    useStudio.getState().openMenu({ screen: { x: e.clientX, y: e.clientY }, flow: flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }) });
  }, []);

  const onDragOver = useCallback((e: DragEvent) => {
    e.preventDefault();
    e.dataTransfer.dropEffect = "copy";
  }, []);
  const onDrop = useCallback((e: DragEvent) => {
    e.preventDefault();
    const flow = getFlow();
    const type = e.dataTransfer.getData(NODE_DRAG_TYPE);
    if (type && flow) {
      useStudio.getState().addNode(type, flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
      return;
    }
    const file = e.dataTransfer.files[0];
    if (file) void openFile(file);
  }, []);

  return (
    <div className={`canvas${lowDetail ? " low-detail" : ""}`} onDoubleClick={onDoubleClick} onDragOver={onDragOver} onDrop={onDrop} data-connecting={connecting ?? ""}>
      <ReactFlow<FlowNode, FlowEdge>
        nodes={nodes}
        edges={sketch ? NO_EDGES : edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectStart={(_e, p) => useStudio.getState().setConnecting(p)}
        onConnectEnd={(e, cs) => (useStudio.getState().setConnecting(undefined), onConnectEnd(e, cs))}
        isValidConnection={isValidConnection}
        onNodeDragStart={(_e, _n, dragged) => (setDragging(true), dragStart(dragged))}
        onSelectionDragStart={(_e, dragged) => (setDragging(true), dragStart(dragged))}
        onNodeDragStop={() => setDragging(false)}
        onSelectionDragStop={() => setDragging(false)}
        onInit={(f: Flow) => setFlow(f)}
        connectionLineStyle={{ stroke: connecting ? socketColor(connecting) : "#aaa", strokeWidth: 2 }}
        deleteKeyCode={DELETE_KEYS}
        zoomOnDoubleClick={false}
        snapToGrid
        snapGrid={SNAP}
        minZoom={0.05}
        maxZoom={3}
        onlyRenderVisibleElements={big}
        colorMode="dark"
        fitView
        proOptions={{ hideAttribution: true }}
      >
        {sketch && <WireSketch edges={edges} />}
        <Background variant={BackgroundVariant.Dots} gap={20} size={1} />
        {!(big && dragging) && <MiniMap pannable zoomable nodeColor={miniMapColor} />}
        <Controls />
      </ReactFlow>
    </div>
  );
}
