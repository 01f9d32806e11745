// ComfyUI's API prompt format: {"<id>": {class_type, inputs: {param: v, socket: ["<id>", i]}}}.
import { z } from "zod";
import { WorkflowFormatError } from "./migrations.ts";
import type { Registry } from "../node/registry.ts";
import type { ValidationError } from "../engine/validate.ts";
import { WORKFLOW_VERSION, type Workflow, type WorkflowLink, type WorkflowNode } from "./schema.ts";

export const apiPromptSchema = z.record(
  z.string(),
  z.looseObject({
    class_type: z.string().min(1),
    inputs: z.record(z.string(), z.unknown()).default({}),
    _meta: z.looseObject({ title: z.string().optional() }).optional(),
  }),
);
export type ApiPrompt = z.output<typeof apiPromptSchema>;

/** An API prompt, as opposed to our own document (which has `version` and `nodes`). */
export function isApiPrompt(doc: unknown): boolean {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return false;
  if ("version" in doc || "nodes" in doc) return false;
  const values = Object.values(doc);
  return values.length > 0 && values.every((v) => typeof v === "object" && v !== null && "class_type" in v);
}

type LinkRef = [string, number];
function asLinkRef(v: unknown): LinkRef | undefined {
  if (!Array.isArray(v) || v.length !== 2) return undefined;
  const [node, index] = v;
  if ((typeof node !== "string" && typeof node !== "number") || !Number.isInteger(index)) return undefined;
  return [String(node), index];
}

export function toApiPrompt(wf: Workflow, registry: Registry): ApiPrompt {
  const prompt: ApiPrompt = {};
  const byId = new Map(wf.nodes.map((n) => [n.id, n]));
  for (const n of wf.nodes) {
    const title = n.title ?? registry.get(n.type)?.title ?? n.type;
    prompt[n.id] = { class_type: n.type, inputs: { ...n.params }, _meta: { title } };
  }
  for (const l of wf.links) {
    const from = byId.get(l.from.node);
    const outputs = from && registry.get(from.type)?.outputs;
    const index = outputs ? Object.keys(outputs).indexOf(l.from.output) : -1;
    if (index < 0 || !prompt[l.to.node]) throw new Error(`link ${l.id}: cannot express ${l.from.node}.${l.from.output} → ${l.to.node}.${l.to.input}; validate first`);
    prompt[l.to.node].inputs[l.to.input] = [l.from.node, index];
  }
  return prompt;
}

/** Positions for nodes that have none: columns by depth from the sources, rows in id order. */
export function autoLayout(nodeIds: string[], links: WorkflowLink[]): Map<string, { x: number; y: number }> {
  const depth = new Map(nodeIds.map((id) => [id, 0]));
  // Longest path by relaxation; bounded so a cyclic import cannot loop forever.
  for (let pass = 0; pass < nodeIds.length; pass++) {
    let moved = false;
    for (const l of links) {
      const d = (depth.get(l.from.node) ?? 0) + 1;
      if (depth.has(l.to.node) && d > (depth.get(l.to.node) as number)) {
        depth.set(l.to.node, d);
        moved = true;
      }
    }
    if (!moved) break;
  }
  const rows = new Map<number, number>();
  const out = new Map<string, { x: number; y: number }>();
  for (const id of nodeIds) {
    const d = depth.get(id) as number;
    const row = rows.get(d) ?? 0;
    rows.set(d, row + 1);
    out.set(id, { x: d * 340, y: row * 220 });
  }
  return out;
}

/**
 * Reads an API prompt into our format. Types are resolved through aliases, output indices
 * become output names, and positions are laid out automatically.
 */
export function fromApiPrompt(doc: unknown, registry: Registry, metadata = { title: "", description: "" }): Workflow {
  const r = apiPromptSchema.safeParse(doc);
  if (!r.success) throw new WorkflowFormatError(r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`));
  const prompt = r.data;
  const problems: string[] = [];
  const nodes: WorkflowNode[] = [];
  const links: WorkflowLink[] = [];
  for (const [id, entry] of Object.entries(prompt)) {
    const def = registry.get(entry.class_type);
    const params: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(entry.inputs)) {
      const ref = asLinkRef(value);
      // ["<id>", i] is a link, whether into a socket or into a widget driven by a link.
      if (!ref) {
        params[name] = value;
        continue;
      }
      const fromDef = prompt[ref[0]] && registry.get(prompt[ref[0]].class_type);
      const output = fromDef ? Object.keys(fromDef.outputs)[ref[1]] : String(ref[1]);
      if (output === undefined) problems.push(`node ${id} input "${name}": node ${ref[0]} has no output #${ref[1]}`);
      links.push({ id: String(links.length + 1), from: { node: ref[0], output: output ?? String(ref[1]) }, to: { node: id, input: name } });
    }
    const title = entry._meta?.title;
    nodes.push({
      id,
      type: def?.type ?? entry.class_type,
      params,
      position: { x: 0, y: 0 },
      ...(title !== undefined && title !== (def?.title ?? entry.class_type) ? { title } : {}),
    });
  }
  if (problems.length > 0) throw new WorkflowFormatError(problems);
  const layout = autoLayout(nodes.map((n) => n.id), links);
  for (const n of nodes) n.position = layout.get(n.id) ?? n.position;
  return { version: WORKFLOW_VERSION, metadata, nodes, links, groups: [], notes: [] };
}

/** One entry of ComfyUI's `node_errors` in a rejected POST /prompt. */
export interface ComfyNodeErrors {
  errors: { type: string; message: string; details: string; extra_info: { input_name?: string } }[];
  dependent_outputs: string[];
  class_type: string;
}

/** Our validation errors grouped per node in ComfyUI's shape; errors without a node are left out. */
export function toComfyNodeErrors(errors: ValidationError[], wf: Workflow): Record<string, ComfyNodeErrors> {
  const out: Record<string, ComfyNodeErrors> = {};
  for (const e of errors) {
    if (e.nodeId === undefined) continue;
    const entry = (out[e.nodeId] ??= { errors: [], dependent_outputs: [], class_type: wf.nodes.find((n) => n.id === e.nodeId)?.type ?? "" });
    entry.errors.push({ type: e.kind, message: e.message, details: e.field ? `${e.field}: ${e.message}` : e.message, extra_info: e.field ? { input_name: e.field } : {} });
  }
  return out;
}
