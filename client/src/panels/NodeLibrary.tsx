// The categorised node list (left panel): click to add at the centre, or drag onto the canvas.
import { useMemo, useState } from "react";
import { viewCenter } from "../canvas/instance.ts";
import { NODE_DRAG_TYPE } from "../canvas/Canvas.tsx";
import { useStudio } from "../store/index.ts";
import { byCategory, searchNodes } from "./search.ts";

export function NodeLibrary() {
  const catalogue = useStudio((s) => s.catalogue);
  const [query, setQuery] = useState("");
  const groups = useMemo(() => byCategory(searchNodes(Object.values(catalogue), query)), [catalogue, query]);
  return (
    <aside className="side-panel" data-testid="node-library">
      <input className="side-search" placeholder="Filter nodes…" value={query} onChange={(e) => setQuery(e.target.value)} />
      {groups.map(([category, defs]) => (
        <details key={category} open>
          <summary>{category}</summary>
          <ul>
            {defs.map((d) => (
              <li
                key={d.type}
                draggable
                title={d.pack ? `${d.description}\n(custom node pack ${d.pack})` : d.description}
                onDragStart={(e) => e.dataTransfer.setData(NODE_DRAG_TYPE, d.type)}
                onClick={() => useStudio.getState().addNode(d.type, viewCenter())}
              >
                {d.title}
                {d.pack && <span className="menu-category"> · {d.pack}</span>}
              </li>
            ))}
          </ul>
        </details>
      ))}
    </aside>
  );
}
