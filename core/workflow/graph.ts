// Graph questions about a workflow: who feeds whom, ancestors, order, cycles.
import type { Workflow, WorkflowLink, WorkflowNode } from "./schema.ts";

export interface GraphIndex {
  nodes: Map<string, WorkflowNode>;
  /** Links into each node whose both ends exist. */
  incoming: Map<string, WorkflowLink[]>;
  outgoing: Map<string, WorkflowLink[]>;
}

export function indexGraph(wf: Workflow): GraphIndex {
  const nodes = new Map<string, WorkflowNode>();
  for (const n of wf.nodes) if (!nodes.has(n.id)) nodes.set(n.id, n);
  const incoming = new Map<string, WorkflowLink[]>();
  const outgoing = new Map<string, WorkflowLink[]>();
  for (const id of nodes.keys()) {
    incoming.set(id, []);
    outgoing.set(id, []);
  }
  for (const l of wf.links) {
    if (!nodes.has(l.from.node) || !nodes.has(l.to.node)) continue;
    incoming.get(l.to.node)?.push(l);
    outgoing.get(l.from.node)?.push(l);
  }
  return { nodes, incoming, outgoing };
}

/** The given nodes and everything upstream of them. */
export function ancestorsOf(g: GraphIndex, targets: Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const stack = [...targets].filter((t) => g.nodes.has(t));
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const l of g.incoming.get(id) ?? []) stack.push(l.from.node);
  }
  return seen;
}

/**
 * Every cycle as the list of its nodes (Tarjan's strongly connected components of size > 1,
 * plus self-loops), in workflow order so the named node is stable.
 */
export function findCycles(g: GraphIndex): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let next = 0;
  const order = [...g.nodes.keys()];
  const rank = new Map(order.map((id, i) => [id, i]));

  // Iterative to survive deep graphs.
  for (const root of order) {
    if (index.has(root)) continue;
    const work: [string, number][] = [[root, 0]];
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const [v, i] = frame;
      if (i === 0) {
        index.set(v, next);
        low.set(v, next);
        next++;
        stack.push(v);
        onStack.add(v);
      }
      const outs = g.outgoing.get(v) ?? [];
      if (i < outs.length) {
        frame[1]++;
        const w = outs[i].to.node;
        if (!index.has(w)) work.push([w, 0]);
        else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent) as number, low.get(v) as number));
      }
      if (low.get(v) === index.get(v)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop() as string;
          onStack.delete(w);
          comp.push(w);
        } while (w !== v);
        const selfLoop = outs.some((l) => l.to.node === v);
        if (comp.length > 1 || selfLoop) cycles.push(comp.sort((a, b) => (rank.get(a) as number) - (rank.get(b) as number)));
      }
    }
  }
  return cycles;
}

/**
 * Kahn order of `subset` (must be acyclic): of the nodes ready at each point, the first that
 * `prefer` picks (if given and any), else the one ready longest, ties in workflow order.
 */
export function topoOrder(g: GraphIndex, subset: Set<string>, prefer?: (id: string) => boolean): string[] {
  const pending = new Map<string, number>();
  for (const id of subset) {
    pending.set(id, (g.incoming.get(id) ?? []).filter((l) => subset.has(l.from.node)).length);
  }
  const order: string[] = [];
  const ready = [...g.nodes.keys()].filter((id) => pending.get(id) === 0);
  while (ready.length > 0) {
    const preferred = prefer ? ready.findIndex(prefer) : -1;
    const [id] = ready.splice(Math.max(0, preferred), 1) as [string];
    order.push(id);
    for (const l of g.outgoing.get(id) ?? []) {
      const left = pending.get(l.to.node);
      if (left === undefined) continue;
      pending.set(l.to.node, left - 1);
      if (left - 1 === 0) ready.push(l.to.node);
    }
  }
  return order;
}
