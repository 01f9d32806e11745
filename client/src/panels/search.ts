// Node search for the add-node menu and side panel: by title, type id, category, aliases and pack;
// a wire dragged into empty space narrows it to nodes that can take (or give) its type.
import { canConnect } from "../../../core/node/sockets.ts";
import type { CatalogueNode } from "../api.ts";
import type { MenuState } from "../store/types.ts";

export function compatible(def: CatalogueNode, from: NonNullable<MenuState["from"]>): boolean {
  if (from.handleType === "source") {
    return def.inputs.some((i) => canConnect(from.socketType, i.type)) || def.params.some((p) => !p.uiOnly && canConnect(from.socketType, p.socketType));
  }
  return def.outputs.some((o) => canConnect(o.type, from.socketType));
}

export function searchNodes(all: CatalogueNode[], query: string, from?: MenuState["from"]): CatalogueNode[] {
  const q = query.trim().toLowerCase();
  const words = q.split(/\s+/).filter(Boolean);
  const scored: [number, CatalogueNode][] = [];
  for (const d of all) {
    if (from && !compatible(d, from)) continue;
    const title = d.title.toLowerCase();
    const hay = `${title} ${d.type.toLowerCase()} ${d.category.toLowerCase()} ${d.aliases.join(" ").toLowerCase()} ${d.description.toLowerCase()} ${d.pack?.toLowerCase() ?? ""}`;
    if (!words.every((w) => hay.includes(w))) continue;
    const score = q === "" ? 0 : title.startsWith(q) ? 0 : title.includes(q) ? 1 : 2;
    scored.push([score, d]);
  }
  return scored.sort((a, b) => a[0] - b[0] || a[1].category.localeCompare(b[1].category) || a[1].title.localeCompare(b[1].title)).map(([, d]) => d);
}

/** What a menu shows beside a node's title: its category, and the custom node pack it came from. */
export function nodeOrigin(def: CatalogueNode): string {
  return def.pack ? `${def.category} · ${def.pack}` : def.category;
}

/** "sampling/schedulers" → nested groups for the side panel, in catalogue order. */
export function byCategory(all: CatalogueNode[]): [string, CatalogueNode[]][] {
  const m = new Map<string, CatalogueNode[]>();
  for (const d of all) m.set(d.category, [...(m.get(d.category) ?? []), d]);
  return [...m].sort((a, b) => a[0].localeCompare(b[0]));
}
