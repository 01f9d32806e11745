// Muted and bypassed nodes (ComfyUI's modes 2 and 4): the graph that actually runs.
import { paramSocketType, widgetSpecs } from "../node/params.ts";
import type { Registry } from "../node/registry.ts";
import type { Workflow, WorkflowLink, WorkflowNode } from "./schema.ts";

interface Sockets {
  inputs: { name: string; type: string }[];
  outputs: { name: string; type: string }[];
}

/** A node's sockets: from its definition, or as its document declared them (a placeholder). */
export function socketsOf(node: WorkflowNode, registry: Registry): Sockets {
  const def = registry.get(node.type);
  if (!def) return node.declaredSockets ?? { inputs: [], outputs: [] };
  const params = widgetSpecs(def.params)
    .filter(([, s]) => !s.uiOnly)
    .map(([name, s]) => ({ name, type: paramSocketType(s) }));
  return {
    inputs: [...Object.entries(def.inputs).map(([name, s]) => ({ name, type: s.type })), ...params],
    outputs: Object.entries(def.outputs).map(([name, type]) => ({ name, type })),
  };
}

type End = WorkflowLink["from"];

/**
 * The workflow without its muted and bypassed nodes. A bypassed node passes each input through to
 * the first output of the same type; a consumer of an output with nothing to pass loses the link.
 * A node left without a required input does not run either (nor what depends only on it).
 */
export function activeGraph(wf: Workflow, registry: Registry): Workflow {
  if (!wf.nodes.some((n) => n.mode !== undefined)) return wf;
  const byId = new Map(wf.nodes.map((n) => [n.id, n]));
  const into = new Map<string, WorkflowLink[]>();
  for (const l of wf.links) into.set(l.to.node, [...(into.get(l.to.node) ?? []), l]);

  // Where an output's value really comes from, through chains of bypassed nodes.
  const resolve = (end: End, depth = 0): End | undefined => {
    const node = byId.get(end.node);
    if (!node || node.mode === undefined) return end;
    if (node.mode === "muted" || depth > wf.nodes.length) return undefined;
    const { inputs, outputs } = socketsOf(node, registry);
    const type = outputs.find((o) => o.name === end.output)?.type;
    if (type === undefined) return undefined;
    const firstOfType = outputs.find((o) => o.type === type)?.name;
    if (firstOfType !== end.output) return undefined;
    const links = into.get(node.id) ?? [];
    for (const input of inputs.filter((i) => i.type === type)) {
      const l = links.find((x) => x.to.input === input.name);
      if (l) return resolve(l.from, depth + 1);
    }
    return undefined;
  };

  const alive = new Set(wf.nodes.filter((n) => n.mode === undefined).map((n) => n.id));
  let links = wf.links.flatMap((l) => {
    if (!alive.has(l.to.node)) return [];
    const from = resolve(l.from);
    return from && alive.has(from.node) ? [{ ...l, from }] : [];
  });
  // Cascade: a node that lost a required socket's link, or every link it had, does not run.
  for (let changed = true; changed; ) {
    changed = false;
    const linked = new Set(links.map((l) => `${l.to.node}\u0000${l.to.input}`));
    for (const id of alive) {
      const def = registry.get((byId.get(id) as WorkflowNode).type);
      const had = (into.get(id) ?? []).map((l) => l.to.input);
      const lostAll = had.length > 0 && had.every((input) => !linked.has(`${id}\u0000${input}`));
      const lostRequired = def && Object.entries(def.inputs).some(([name, s]) => !s.optional && !linked.has(`${id}\u0000${name}`) && had.includes(name));
      if (lostAll || lostRequired) {
        alive.delete(id);
        changed = true;
      }
    }
    links = links.filter((l) => alive.has(l.from.node) && alive.has(l.to.node));
  }
  return { ...wf, nodes: wf.nodes.filter((n) => alive.has(n.id)), links };
}

/** Node types the workflow needs to run that are not installed here (muted and bypassed ones excepted). */
export function missingTypes(wf: Workflow, registry: Registry): string[] {
  return [...new Set(activeGraph(wf, registry).nodes.filter((n) => !registry.get(n.type)).map((n) => n.type))];
}

/** "3 node types are not installed: A, B, C" */
export function missingTypesMessage(types: readonly string[]): string {
  return `${types.length} node type${types.length === 1 ? " is" : "s are"} not installed: ${types.join(", ")}`;
}
