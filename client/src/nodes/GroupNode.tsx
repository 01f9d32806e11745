// A titled frame behind nodes; dragging it moves the nodes inside (see graph-slice dragStart).
import { memo, useState } from "react";
import { NodeResizer, type NodeProps } from "@xyflow/react";
import { useStudio } from "../store/index.ts";
import type { GroupNode as GroupNodeType } from "../store/types.ts";

function GroupNodeView({ id, data, selected }: NodeProps<GroupNodeType>) {
  const [editing, setEditing] = useState(false);
  return (
    <div className={`group${selected ? " selected" : ""}`} data-testid={`group-${id}`} style={data.color ? { borderColor: data.color } : undefined}>
      <NodeResizer isVisible={selected} minWidth={120} minHeight={80} />
      {editing ? (
        <input
          className="nodrag group-title-input"
          autoFocus
          defaultValue={data.title}
          onBlur={(e) => (useStudio.getState().setTitle(id, e.target.value), setEditing(false))}
          onKeyDown={(e) => e.key === "Enter" && e.currentTarget.blur()}
        />
      ) : (
        <div className="group-title" onDoubleClick={() => setEditing(true)} title="Double-click to rename">
          {data.title || "Group"}
        </div>
      )}
    </div>
  );
}

export const GroupNode = memo(GroupNodeView);
