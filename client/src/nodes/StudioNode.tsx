// A graph node drawn from its catalogue entry: title, status, typed handles, widgets, output.
// Wrapped in memo and reads the node-view store by this node's id only (React Flow's performance guide).
import { memo, useEffect, useRef, useState } from "react";
import { Handle, Position, useUpdateNodeInternals, type NodeProps } from "@xyflow/react";
import { canConnect } from "../../../core/node/sockets.ts";
import { useShallow } from "zustand/react/shallow";
import { socketColor } from "../lib/colors.ts";
import { useStudio } from "../store/index.ts";
import { useNodeView, type NodeView } from "../store/node-view.ts";
import type { StudioNode as StudioNodeType } from "../store/types.ts";
import { NodeOutput } from "./NodeOutput.tsx";
import { Widget } from "./Widget.tsx";

/** The type of a wire being drawn from an output that one of this node type's params could take. */
function paramWire(s: NodeView, type: string): string | undefined {
  const c = s.connecting;
  if (!c || c.from !== "source") return undefined;
  return s.catalogue[type]?.params.some((p) => !p.uiOnly && canConnect(c.type, p.socketType)) ? c.type : undefined;
}

const STATUS_LABEL = { queued: "queued", running: "running", cached: "cached", done: "done", error: "error", interrupted: "stopped" } as const;

function Title({ id, title }: { id: string; title: string }) {
  const [editing, setEditing] = useState(false);
  if (!editing) {
    return (
      <span className="node-title" title="Double-click to rename" onDoubleClick={(e) => (e.stopPropagation(), setEditing(true))}>
        {title}
      </span>
    );
  }
  return (
    <input
      className="nodrag node-title-input"
      autoFocus
      defaultValue={title}
      onBlur={(e) => (useStudio.getState().setTitle(id, e.target.value), setEditing(false))}
      onKeyDown={(e) => {
        if (e.key === "Enter") e.currentTarget.blur();
        if (e.key === "Escape") setEditing(false);
      }}
    />
  );
}

/**
 * A node whose type this server does not have (e.g. from a ComfyUI file): drawn as missing, with
 * the sockets its document declared so its wires still show; kept and exported unchanged.
 */
function MissingNode({ id, data, selected }: Pick<NodeProps<StudioNodeType>, "id" | "data" | "selected">) {
  const inputs = data.declaredSockets?.inputs ?? [];
  const outputs = data.declaredSockets?.outputs ?? [];
  return (
    <div className={`node missing${selected ? " selected" : ""}${data.mode ? ` mode-${data.mode}` : ""}`} data-testid={`node-${id}`} data-type={data.type} data-missing="true">
      <header>
        <span className="node-title">{data.title ?? data.type}</span>
        <span className="node-id">#{id}</span>
      </header>
      <div className="node-problem">Not installed: “{data.type}”. Kept as it is; install its pack to run it.</div>
      <div className="sockets">
        {Array.from({ length: Math.max(inputs.length, outputs.length) }, (_, i) => (
          <div className="socket-row" key={i}>
            {inputs[i] && (
              <div className="socket in" title={inputs[i].type}>
                <Handle type="target" position={Position.Left} id={inputs[i].name} className="handle" style={{ background: socketColor(inputs[i].type) }} />
                <span>{inputs[i].name}</span>
              </div>
            )}
            {outputs[i] && (
              <div className="socket out" title={outputs[i].type}>
                <span>{outputs[i].name}</span>
                <Handle type="source" position={Position.Right} id={outputs[i].name} className="handle" style={{ background: socketColor(outputs[i].type) }} />
              </div>
            )}
          </div>
        ))}
      </div>
    </div>
  );
}

function StudioNodeView({ id, data, selected }: NodeProps<StudioNodeType>) {
  // One subscription per node, to the node-view store: dragging does not wake it.
  const [def, run, problem, linked, hasOutput, wireType] = useNodeView(
    useShallow((s) => [s.catalogue[data.type], s.runs[id], s.problems[id], s.linked.get(id) ?? "", id in s.outputs || id in s.previews, paramWire(s, data.type)] as const),
  );
  // Param sockets appear while a wire that fits them is drawn (and stay while linked): a
  // handle per widget on every node would cost a big graph on every update.
  const updateInternals = useUpdateNodeInternals();
  const shownFor = useRef(wireType);
  useEffect(() => {
    if (shownFor.current === wireType) return; // not on mount: React Flow measures new nodes itself
    shownFor.current = wireType;
    updateInternals(id);
  }, [id, wireType, updateInternals]);
  const linkedSet = new Set(linked.split(","));
  const state = run?.state;

  if (!def) return <MissingNode id={id} data={data} selected={selected} />;

  const rows = Math.max(def.inputs.length, def.outputs.length);
  return (
    <div
      className={`node${selected ? " selected" : ""}${data.mode ? ` mode-${data.mode}` : ""}${state ? ` status-${state}` : ""}${problem ? " has-problem" : ""}${def.output ? " output-node" : ""}`}
      data-testid={`node-${id}`}
      data-type={data.type}
      data-status={state ?? "idle"}
    >
      <header title={def.description}>
        <Title id={id} title={data.title ?? def.title} />
        <span className="node-id">#{id}</span>
        {state && <span className={`badge badge-${state}`}>{STATUS_LABEL[state]}</span>}
      </header>
      {state === "running" && run?.max ? (
        <div className="node-progress" data-testid="node-progress">
          <div style={{ width: `${Math.round(((run.value ?? 0) / run.max) * 100)}%` }} />
        </div>
      ) : null}
      <div className="sockets">
        {Array.from({ length: rows }, (_, i) => {
          const input = def.inputs[i];
          const output = def.outputs[i];
          return (
            <div className="socket-row" key={i}>
              {input && (
                <div className={`socket in${problem?.fields[input.name] ? " invalid" : ""}`} title={problem?.fields[input.name] ?? `${input.type}${input.description ? ` — ${input.description}` : ""}`}>
                  <Handle type="target" position={Position.Left} id={input.name} className="handle" data-socket={input.type} style={{ background: socketColor(input.type) }} />
                  <span className={input.optional ? "optional" : undefined}>{input.name}</span>
                </div>
              )}
              {output && (
                <div className="socket out" title={output.type}>
                  <span>{output.name}</span>
                  <Handle type="source" position={Position.Right} id={output.name} className="handle" data-socket={output.type} style={{ background: socketColor(output.type) }} />
                </div>
              )}
            </div>
          );
        })}
      </div>
      {def.params.length > 0 && (
        <div className="widgets">
          {def.params.map((p) => (
            <div className="widget-row" key={p.name}>
              {!p.uiOnly && (linkedSet.has(p.name) || (wireType !== undefined && canConnect(wireType, p.socketType))) && (
                <Handle type="target" position={Position.Left} id={p.name} className="handle param-handle" data-socket={p.socketType} style={{ background: socketColor(p.socketType) }} />
              )}
              <Widget nodeId={id} param={p} value={data.params[p.name]} linked={linkedSet.has(p.name)} problem={problem?.fields[p.name]} />
            </div>
          ))}
        </div>
      )}
      {hasOutput && <NodeOutput id={id} />}
      {problem?.message && <div className="node-problem">{problem.message}</div>}
    </div>
  );
}

export const StudioNode = memo(StudioNodeView);
