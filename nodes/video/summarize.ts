// summarizeWorkflow(): what a person asks first about a clip (prompt, seed, model, sampler), read
// from the workflow document by what each node's definition declares: its socket types, its seed
// param, and the params marked as the prompt or the model. No node type ids. Pure: no files.
import { CONDITIONING, LATENT, SIGMAS } from "../../core/node/sockets.ts";
import type { AnyNodeDef, ParamRole } from "../../core/node/definition.ts";
import { widgetSpecs } from "../../core/node/params.ts";
import { ancestorsOf, indexGraph, type GraphIndex } from "../../core/workflow/graph.ts";
import type { Workflow, WorkflowNode } from "../../core/workflow/schema.ts";

/** A node type's definition (the engine's registry lookup); undefined for types it does not know. */
export type DefinitionOf = (type: string) => AnyNodeDef | undefined;

export interface NodeSettings {
  type: string;
  params: Record<string, unknown>;
}

export interface WorkflowSummary {
  model: { pack: string | null };
  prompt: string | null;
  negative_prompt: string | null;
  seed: number | null;
  /** The sampler node's type and widget values as saved in the document, and its scheduler's. */
  sampler: { type: string; params: Record<string, unknown>; scheduler: NodeSettings | null } | null;
}

const inputsOfType = (def: AnyNodeDef | undefined, type: string) =>
  Object.entries(def?.inputs ?? {}).filter(([, s]) => s.type === type).map(([name]) => name);
const outputsType = (def: AnyNodeDef | undefined, type: string) => Object.values(def?.outputs ?? {}).includes(type);

function reader(wf: Workflow, g: GraphIndex, definitionOf: DefinitionOf) {
  const into = (id: string) => g.incoming.get(id) ?? [];
  /** A widget value (its default when unsaved), or the value of the primitive node (Int, String, …) driving it. */
  const param = (node: WorkflowNode, name: string): unknown => {
    const link = into(node.id).find((l) => l.to.input === name);
    if (link) return g.nodes.get(link.from.node)?.params.value;
    const spec = definitionOf(node.type)?.params[name];
    const parsed = spec?.schema.safeParse(node.params[name]);
    return parsed?.success ? parsed.data : node.params[name];
  };
  /** Every widget the node shows (known types) or has saved, minus UI-only ones (seed control). */
  const settings = (node: WorkflowNode): NodeSettings => {
    const specs = widgetSpecs(definitionOf(node.type)?.params ?? {});
    const uiOnly = new Set(specs.filter(([, s]) => s.uiOnly).map(([n]) => n));
    const names = [...new Set([...specs.map(([n]) => n), ...Object.keys(node.params)])].filter((n) => !uiOnly.has(n));
    return { type: node.type, params: Object.fromEntries(names.map((n) => [n, param(node, n)])) };
  };
  /** The first node in document order within `scope` that `test` accepts. */
  const first = (scope: Set<string>, test: (def: AnyNodeDef | undefined, n: WorkflowNode) => boolean) =>
    wf.nodes.find((n) => scope.has(n.id) && test(definitionOf(n.type), n));
  /** The value of the first param with `role` on a node within `scope`. */
  const byRole = (scope: Set<string>, role: ParamRole): unknown => {
    for (const n of wf.nodes) {
      if (!scope.has(n.id)) continue;
      const name = Object.entries(definitionOf(n.type)?.params ?? {}).find(([, s]) => s.role === role)?.[0];
      if (name) return param(n, name);
    }
    return undefined;
  };
  /** Everything upstream of what feeds `input` of `node`. */
  const behind = (node: WorkflowNode, input: string | undefined) => {
    const link = input === undefined ? undefined : into(node.id).find((l) => l.to.input === input);
    return link ? ancestorsOf(g, [link.from.node]) : new Set<string>();
  };
  return { param, settings, first, byRole, behind };
}

/**
 * Summarises the generation that feeds `from` (e.g. the writer's node id), or the first sampler in
 * the document. The sampler is the node that takes CONDITIONING, LATENT and SIGMAS; its first
 * CONDITIONING input gives the prompt and its second the negative prompt (the text of the param
 * marked `role: "prompt"` behind each); the seed is that of the first node with a seed param behind
 * its LATENT input, else its own; the pack is the param marked `role: "model"` upstream; the
 * scheduler is the node behind its SIGMAS input that makes sigmas from none.
 */
export function summarizeWorkflow(wf: Workflow, from: string | undefined, definitionOf: DefinitionOf): WorkflowSummary {
  const g = indexGraph(wf);
  const r = reader(wf, g, definitionOf);
  const scope = from !== undefined && g.nodes.has(from) ? ancestorsOf(g, [from]) : new Set(g.nodes.keys());
  const sampler = r.first(scope, (def) => [CONDITIONING, LATENT, SIGMAS].every((t) => inputsOfType(def, t).length > 0));
  if (!sampler) {
    const pack = r.byRole(scope, "model");
    return { model: { pack: typeof pack === "string" ? pack : null }, prompt: null, negative_prompt: null, seed: null, sampler: null };
  }
  const def = definitionOf(sampler.type);
  const [positive, negative] = inputsOfType(def, CONDITIONING);
  const text = (input: string | undefined) => {
    const t = r.byRole(r.behind(sampler, input), "prompt");
    return typeof t === "string" ? t : null;
  };
  const seedOf = (n: WorkflowNode | undefined) => {
    const name = Object.entries(definitionOf(n?.type ?? "")?.params ?? {}).find(([, s]) => s.kind === "seed")?.[0];
    return n && name ? r.param(n, name) : undefined;
  };
  const seeded = r.first(r.behind(sampler, inputsOfType(def, LATENT)[0]), (d) => Object.values(d?.params ?? {}).some((s) => s.kind === "seed"));
  const seed = seeded ? seedOf(seeded) : seedOf(sampler);
  const pack = r.byRole(ancestorsOf(g, [sampler.id]), "model");
  const scheduler = r.first(r.behind(sampler, inputsOfType(def, SIGMAS)[0]), (d) => outputsType(d, SIGMAS) && inputsOfType(d, SIGMAS).length === 0);
  return {
    model: { pack: typeof pack === "string" ? pack : null },
    prompt: text(positive),
    negative_prompt: text(negative),
    seed: typeof seed === "number" ? seed : null,
    sampler: { ...r.settings(sampler), scheduler: scheduler ? r.settings(scheduler) : null },
  };
}
