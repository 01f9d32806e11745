// ComfyUI 1.0's subgraphs, expanded in place: each instance becomes its inner nodes (ids
// "<instance>:<inner>"), wired to what the instance was wired to. Nested subgraphs expand too.
import { readComfyLink, type ComfyLink, type ComfyNode, type ComfySubgraph } from "./comfy-ui-schema.ts";

export interface FlatGraph {
  nodes: ComfyNode[];
  links: ComfyLink[];
}

const MAX_DEPTH = 16;

function innerLinks(sub: ComfySubgraph, warn: (m: string) => void): ComfyLink[] {
  return (sub.links ?? []).flatMap((raw, i) => {
    const l = readComfyLink(raw);
    if (!l) warn(`subgraph "${sub.name ?? sub.id}": link #${i} is malformed and was dropped`);
    return l ? [l] : [];
  });
}

/**
 * Replaces every node whose type is a subgraph id by the subgraph's nodes. Link ids of the result
 * are fresh numbers above the document's own where links had to be made or renamed.
 */
export function expandSubgraphs(graph: FlatGraph, subgraphs: readonly ComfySubgraph[], warn: (m: string) => void, depth = 0): FlatGraph {
  const defs = new Map(subgraphs.map((s) => [s.id, s]));
  if (!graph.nodes.some((n) => defs.has(n.type))) return graph;
  if (depth >= MAX_DEPTH) {
    warn(`subgraphs nest deeper than ${MAX_DEPTH}; the innermost stay as placeholders`);
    return graph;
  }
  let nextLink = Math.max(0, ...graph.links.map((l) => l.id)) + 1;
  const nodes: ComfyNode[] = [];
  let links = [...graph.links];
  for (const node of graph.nodes) {
    const sub = defs.get(node.type);
    if (!sub) {
      nodes.push(node);
      continue;
    }
    const id = String(node.id);
    const nested = [...subgraphs, ...(sub.definitions?.subgraphs ?? [])];
    const inner = expandSubgraphs({ nodes: sub.nodes, links: innerLinks(sub, warn) }, nested, warn, depth + 1);
    const inId = String(sub.inputNode?.id ?? -10);
    const outId = String(sub.outputNode?.id ?? -20);
    const local = (x: string) => `${id}:${x}`;
    for (const n of inner.nodes) nodes.push({ ...n, id: local(String(n.id)), pos: [(node.pos?.[0] ?? 0) + (n.pos?.[0] ?? 0) * 0.5, (node.pos?.[1] ?? 0) + (n.pos?.[1] ?? 0) * 0.5] });
    const fromInput = inner.links.filter((l) => l.from === inId);
    const toOutput = inner.links.filter((l) => l.to === outId);
    const outer = links.filter((l) => l.to === id || l.from === id);
    links = links.filter((l) => l.to !== id && l.from !== id);
    for (const l of inner.links) {
      if (l.from !== inId && l.to !== outId) links.push({ ...l, id: nextLink++, from: local(l.from), to: local(l.to) });
    }
    for (const l of outer) {
      if (l.to === id) {
        // Into the instance's input slot: on to every inner node that input feeds.
        for (const t of fromInput.filter((x) => x.fromSlot === l.toSlot)) links.push({ ...l, id: nextLink++, to: local(t.to), toSlot: t.toSlot });
      } else {
        const src = toOutput.find((x) => x.toSlot === l.fromSlot);
        if (src) links.push({ ...l, id: nextLink++, from: local(src.from), fromSlot: src.fromSlot });
        else warn(`subgraph "${sub.name ?? sub.id}" (node ${id}): output #${l.fromSlot} has no inner source; link ${l.id} dropped`);
      }
    }
    warn(`subgraph "${sub.name ?? sub.id}" (node ${id}) was expanded into its ${inner.nodes.length} nodes`);
  }
  return { nodes, links };
}
