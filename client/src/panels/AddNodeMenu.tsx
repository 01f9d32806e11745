// The searchable add-node menu: double-click the canvas (as in ComfyUI), or drop a wire in
// empty space to see only the nodes that fit it. Enter adds the highlighted one.
import { useMemo, useState } from "react";
import type { CatalogueNode } from "../api.ts";
import { useStudio } from "../store/index.ts";
import { nodeOrigin, searchNodes } from "./search.ts";

export function AddNodeMenu() {
  const menu = useStudio((s) => s.menu);
  const catalogue = useStudio((s) => s.catalogue);
  if (!menu) return null;
  return <Menu key={`${menu.screen.x},${menu.screen.y}`} catalogue={Object.values(catalogue)} />;
}

function Menu({ catalogue }: { catalogue: CatalogueNode[] }) {
  const menu = useStudio((s) => s.menu);
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const results = useMemo(() => searchNodes(catalogue, query, menu?.from), [catalogue, query, menu?.from]);
  if (!menu) return null;
  const close = () => useStudio.getState().openMenu(null);
  const pick = (type: string | "note") => {
    const s = useStudio.getState();
    if (type === "note") s.addNote(menu.flow);
    else s.addNode(type, menu.flow, menu.from);
    close();
  };
  const showNote = !menu.from && "note".includes(query.trim().toLowerCase());
  const left = Math.min(menu.screen.x, window.innerWidth - 340);
  const top = Math.min(menu.screen.y, window.innerHeight - 380);
  return (
    <>
      <div className="menu-backdrop" onClick={close} onContextMenu={(e) => (e.preventDefault(), close())} />
      <div className="add-menu" style={{ left, top }} data-testid="add-node-menu" role="dialog" aria-label="Add a node">
        <input
          autoFocus
          placeholder={menu.from ? `Nodes that take ${menu.from.socketType}…` : "Search nodes…"}
          value={query}
          onChange={(e) => (setQuery(e.target.value), setActive(0))}
          onKeyDown={(e) => {
            if (e.key === "Escape") close();
            if (e.key === "ArrowDown" || e.key === "ArrowUp") {
              e.preventDefault();
              setActive((a) => (e.key === "ArrowDown" ? Math.min(a + 1, results.length - 1) : Math.max(a - 1, 0)));
            }
            if (e.key === "Enter" && results[active]) pick(results[active].type);
            else if (e.key === "Enter" && showNote) pick("note");
          }}
        />
        <ul>
          {results.map((d, i) => (
            <li key={d.type} className={i === active ? "active" : undefined} onMouseEnter={() => setActive(i)} onClick={() => pick(d.type)} title={d.pack ? `${d.description}\n(custom node pack ${d.pack})` : d.description}>
              <span className="menu-title">{d.title}</span>
              <span className="menu-category">{nodeOrigin(d)}</span>
            </li>
          ))}
          {showNote && (
            <li onClick={() => pick("note")}>
              <span className="menu-title">Note</span>
              <span className="menu-category">text on the canvas</span>
            </li>
          )}
          {results.length === 0 && !showNote && <li className="empty">No node matches</li>}
        </ul>
      </div>
    </>
  );
}
