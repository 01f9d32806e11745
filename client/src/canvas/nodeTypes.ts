// Module scope, never rebuilt: React Flow re-mounts every node when nodeTypes changes identity.
import type { NodeTypes } from "@xyflow/react";
import { GroupNode } from "../nodes/GroupNode.tsx";
import { NoteNode } from "../nodes/NoteNode.tsx";
import { StudioNode } from "../nodes/StudioNode.tsx";

export const nodeTypes: NodeTypes = { studio: StudioNode, group: GroupNode, note: NoteNode };
