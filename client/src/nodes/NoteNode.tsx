// A free text note on the canvas (saved in the workflow's `notes`).
import { memo } from "react";
import { NodeResizer, type NodeProps } from "@xyflow/react";
import { useStudio } from "../store/index.ts";
import type { NoteNode as NoteNodeType } from "../store/types.ts";

function NoteNodeView({ id, data, selected }: NodeProps<NoteNodeType>) {
  return (
    <div className={`note${selected ? " selected" : ""}`} data-testid={`note-${id}`}>
      <NodeResizer isVisible={selected} minWidth={120} minHeight={60} />
      <div className="note-header">Note</div>
      <textarea className="nodrag nowheel" value={data.text} placeholder="Write a note…" onChange={(e) => useStudio.getState().setNoteText(id, e.target.value)} />
    </div>
  );
}

export const NoteNode = memo(NoteNodeView);
