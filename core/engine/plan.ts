// plan(): what a job must run and what the cache already has, by input signature.
import { widgetSpecs } from "../node/params.ts";
import type { AnyNodeDef, Services } from "../node/definition.ts";
import type { OutputCache } from "./cache.ts";
import { ancestorsOf, indexGraph, topoOrder, type GraphIndex } from "../workflow/graph.ts";
import type { Registry } from "../node/registry.ts";
import { nodeSignature } from "./signature.ts";
import type { Workflow } from "../workflow/schema.ts";

/** A node failed while being planned (its fingerprint threw). */
export class PlanError extends Error {
  constructor(public readonly nodeId: string, public readonly nodeType: string, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = "PlanError";
  }
}

export interface PlannedNode {
  id: string;
  def: AnyNodeDef;
  /** Parsed widget values (defaults filled) for params not driven by a link. */
  params: Record<string, unknown>;
  signature: string;
  /** Never stored: cache:false here or upstream. */
  volatile: boolean;
}

export interface Plan {
  graph: GraphIndex;
  targets: string[];
  nodes: Map<string, PlannedNode>;
  /** To run, in dependency order. */
  run: string[];
  /** Served from the cache: every needed node whose signature is cached, in workflow order. */
  cached: string[];
}

/** Widget values a node runs with: parsed (so defaults are filled), minus UI-only ones. */
export function widgetValues(def: AnyNodeDef, raw: Record<string, unknown>, linked: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of widgetSpecs(def.params)) {
    if (spec.uiOnly || linked.has(name)) continue;
    // validate() already checked these; parse again for the defaults.
    out[name] = spec.schema.parse(raw[name]);
  }
  return out;
}

/**
 * Computes signatures for everything the targets need (workflow must be valid), then walks
 * back from the targets, stopping at nodes whose outputs are cached.
 */
export async function plan(
  wf: Workflow,
  registry: Registry,
  opts: { targets: string[]; cache: OutputCache; services: Services; jobId: string },
): Promise<Plan> {
  const graph = indexGraph(wf);
  const needed = ancestorsOf(graph, opts.targets);
  const nodes = new Map<string, PlannedNode>();
  for (const id of topoOrder(graph, needed)) {
    const wn = graph.nodes.get(id);
    const def = wn && registry.get(wn.type);
    if (!wn || !def) throw new Error(`plan: node ${id} is not valid; validate first`);
    const incoming = graph.incoming.get(id) ?? [];
    const params = widgetValues(def, wn.params, new Set(incoming.map((l) => l.to.input)));
    const upstream = incoming.map((l) => nodes.get(l.from.node) as PlannedNode);
    const volatile = def.cache === false || upstream.some((u) => u.volatile);
    let fingerprint: string | undefined;
    try {
      fingerprint = def.fingerprint ? await def.fingerprint(params, opts.services) : undefined;
    } catch (err) {
      throw new PlanError(id, def.type, err);
    }
    const signature = await nodeSignature({
      type: def.type,
      version: def.version,
      params,
      fingerprint: def.cache === false ? `volatile:${opts.jobId}:${id}` : fingerprint,
      inputs: incoming.map((l, i) => [l.to.input, upstream[i].signature, l.from.output]),
    });
    nodes.set(id, { id, def, params, signature, volatile });
  }

  const toRun = new Set<string>();
  const visit = (id: string) => {
    if (toRun.has(id)) return;
    const n = nodes.get(id) as PlannedNode;
    if (!n.volatile && opts.cache.has(n.signature)) return;
    toRun.add(id);
    for (const l of graph.incoming.get(id) ?? []) visit(l.from.node);
  };
  for (const t of opts.targets) visit(t);
  const order = [...nodes.keys()];
  return {
    graph,
    targets: opts.targets,
    nodes,
    run: order.filter((id) => toRun.has(id)),
    // Every cache hit the targets reach, like ComfyUI's execution_cached, even behind another hit.
    cached: [...graph.nodes.keys()].filter((id) => {
      const n = nodes.get(id);
      return n !== undefined && !toRun.has(id) && !n.volatile && opts.cache.has(n.signature);
    }),
  };
}
