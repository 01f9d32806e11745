// summarizeWorkflow(): what a person asks first about a clip (prompt, seed, model, sampler),
// read from the workflow document by node type. Pure: no registry, no files.
import type { Workflow, WorkflowLink, WorkflowNode } from "../../core/workflow/schema.ts";
import { SEED_CONTROL_PARAM, widgetSpecs } from "../../core/node/params.ts";
import type { Params } from "../../core/node/definition.ts";

/** Param specs of a node type, to fill in widget values the document leaves at their default. */
export type ParamsOf = (type: string) => Params | undefined;

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

const TEXT_ENCODE = "t2v.TextEncode";
const EMPTY_LATENT = "t2v.EmptyVideoLatent";
const LOAD_MODEL = "t2v.LoadModel";
const SAMPLER = "t2v.Sampler";
const SCHEDULER = "t2v.Scheduler";

function index(wf: Workflow, paramsOf: ParamsOf) {
  const nodes = new Map<string, WorkflowNode>(wf.nodes.map((n) => [n.id, n]));
  const incoming = new Map<string, WorkflowLink[]>();
  for (const l of wf.links) incoming.set(l.to.node, [...(incoming.get(l.to.node) ?? []), l]);
  const into = (id: string) => incoming.get(id) ?? [];
  const ancestors = (id: string): Set<string> => {
    const seen = new Set<string>();
    const stack = [id];
    while (stack.length > 0) {
      const n = stack.pop() as string;
      if (seen.has(n) || !nodes.has(n)) continue;
      seen.add(n);
      for (const l of into(n)) stack.push(l.from.node);
    }
    return seen;
  };
  /** A widget value (its default when unsaved), or the value of the primitive node (t2v.Int, …) driving it. */
  const param = (node: WorkflowNode, name: string): unknown => {
    const link = into(node.id).find((l) => l.to.input === name);
    if (link) return nodes.get(link.from.node)?.params.value;
    const spec = paramsOf(node.type)?.[name];
    const parsed = spec?.schema.safeParse(node.params[name]);
    return parsed?.success ? parsed.data : node.params[name];
  };
  /** Every widget the node shows (known types) or has saved, minus UI-only ones (seed control). */
  const widgetNames = (node: WorkflowNode): string[] => {
    const params = paramsOf(node.type);
    const known = params ? widgetSpecs(params).filter(([, s]) => !s.uiOnly).map(([n]) => n) : [];
    const uiOnly = new Set(params ? widgetSpecs(params).filter(([, s]) => s.uiOnly).map(([n]) => n) : [SEED_CONTROL_PARAM]);
    return [...new Set([...known, ...Object.keys(node.params)])].filter((n) => !uiOnly.has(n));
  };
  return { nodes, into, ancestors, param, widgetNames };
}

/**
 * Summarises the generation that feeds `from` (e.g. the writer's node id), or the first sampler in
 * the document: the sampler is the node whose "positive" input is wired (or any t2v.Sampler); the
 * prompts are the t2v.TextEncode texts reaching its positive and negative inputs; the seed is the
 * t2v.EmptyVideoLatent's (else the sampler's own seed); the pack is t2v.LoadModel's; the
 * scheduler is the t2v.Scheduler behind the sampler's "sigmas" input. With `paramsOf`, widgets
 * the document leaves unsaved are reported with their defaults.
 */
export function summarizeWorkflow(wf: Workflow, from?: string, paramsOf: ParamsOf = () => undefined): WorkflowSummary {
  const g = index(wf, paramsOf);
  const scope = from !== undefined && g.nodes.has(from) ? g.ancestors(from) : new Set(g.nodes.keys());
  const isSampler = (n: WorkflowNode) => n.type === SAMPLER || g.into(n.id).some((l) => l.to.input === "positive");
  const sampler = wf.nodes.find((n) => scope.has(n.id) && isSampler(n));
  const upstream = sampler ? g.ancestors(sampler.id) : scope;
  const first = (type: string, within: Set<string>) => wf.nodes.find((n) => within.has(n.id) && n.type === type);

  const prompt = (input: string): string | null => {
    const link = sampler && g.into(sampler.id).find((l) => l.to.input === input);
    if (!link) return null;
    // Directly a text encoder, or the first one behind whatever combines conditionings.
    const encoder = first(TEXT_ENCODE, g.ancestors(link.from.node));
    const text = encoder && g.param(encoder, "text");
    return typeof text === "string" ? text : null;
  };

  const latent = first(EMPTY_LATENT, upstream);
  const seedValue = latent ? g.param(latent, "seed") : sampler && (g.param(sampler, "seed") ?? g.param(sampler, "noise_seed"));
  const loader = first(LOAD_MODEL, upstream);
  const pack = loader && g.param(loader, "pack");

  const settings = (n: WorkflowNode): NodeSettings => {
    const params: Record<string, unknown> = {};
    for (const name of g.widgetNames(n)) params[name] = g.param(n, name);
    return { type: n.type, params };
  };
  let samplerInfo: WorkflowSummary["sampler"] = null;
  if (sampler) {
    // Steps live on the scheduler that makes the sigmas (possibly behind a Split Sigmas).
    const sigmas = g.into(sampler.id).find((l) => l.to.input === "sigmas");
    const scheduler = sigmas && first(SCHEDULER, g.ancestors(sigmas.from.node));
    samplerInfo = { ...settings(sampler), scheduler: scheduler ? settings(scheduler) : null };
  }
  return {
    model: { pack: typeof pack === "string" ? pack : null },
    prompt: prompt("positive"),
    negative_prompt: prompt("negative"),
    seed: typeof seedValue === "number" ? seedValue : null,
    sampler: samplerInfo,
  };
}
