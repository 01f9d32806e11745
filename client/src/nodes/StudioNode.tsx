// A graph node drawn from its catalogue entry: title, status, typed handles, widgets, output.
// Wrapped in memo and reads the store by this node's id only (React Flow's performance guide).
import { memo, useState } from "react";
import { Handle, Position, type NodeProps } from "@xyflow/react";
import { socketColor } from "../lib/colors.ts";
import { useStudio } from "../store/index.ts";
import type { StudioNode as StudioNodeType } from "../store/types.ts";
import { NodeOutput } from "./NodeOutput.tsx";
import { Widget } from "./Widget.tsx";

const STATUS_LABEL = { queued: "queued", running: "running", cached: "cached", done: "done", error: "error", interrupted: "stopped" } as const;

function Title({ id, title }: { id: string; title: string }) {
  const [editing, setEditing] = useState(false);
  const setTitle = useStudio((s) => s.setTitle);
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
      onBlur={(e) => (setTitle(id, e.target.value), setEditing(false))}
      onKeyDown={(e) => {
        if (e.key === "Enter") e.currentTarget.blur();
        if (e.key === "Escape") setEditing(false);
      }}
    />
  );
}

function StudioNodeView({ id, data, selected }: NodeProps<StudioNodeType>) {
  const def = useStudio((s) => s.catalogue[data.type]);
  const run = useStudio((s) => s.runs[id]);
  const problem = useStudio((s) => s.problems[id]);
  const linked = useStudio((s) => s.linked.get(id) ?? "");
  const linkedSet = new Set(linked.split(","));
  const state = run?.state;

  if (!def) {
    return (
      <div className="node unknown" data-testid={`node-${id}`} data-type={data.type}>
        <header>
          <span className="node-title">{data.title ?? data.type}</span>
        </header>
        <div className="node-problem">Unknown node type “{data.type}” — this server does not have it.</div>
      </div>
    );
  }

  const rows = Math.max(def.inputs.length, def.outputs.length);
  return (
    <div
      className={`node${selected ? " selected" : ""}${state ? ` status-${state}` : ""}${problem ? " has-problem" : ""}${def.output ? " output-node" : ""}`}
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
              {!p.uiOnly && (
                <Handle type="target" position={Position.Left} id={p.name} className="handle param-handle" data-socket={p.socketType} style={{ background: socketColor(p.socketType) }} />
              )}
              <Widget nodeId={id} param={p} value={data.params[p.name]} linked={linkedSet.has(p.name)} problem={problem?.fields[p.name]} />
            </div>
          ))}
        </div>
      )}
      <NodeOutput id={id} />
      {problem?.message && <div className="node-problem">{problem.message}</div>}
    </div>
  );
}

export const StudioNode = memo(StudioNodeView);
