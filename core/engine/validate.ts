// validate(): every problem in a workflow at once, each naming the node and field.
import type { z } from "zod";
import { canConnect } from "../node/sockets.ts";
import { paramSocketType, widgetSpecs, type ParamSpec } from "../node/params.ts";
import type { AnyNodeDef } from "../node/definition.ts";
import { ancestorsOf, findCycles, indexGraph } from "../workflow/graph.ts";
import type { Registry } from "../node/registry.ts";
import { activeGraph } from "../workflow/modes.ts";
import type { Workflow, WorkflowLink } from "../workflow/schema.ts";

export type ValidationErrorKind =
  | "duplicate_id"
  | "unknown_type"
  | "unknown_input"
  | "unknown_output"
  | "unknown_param"
  | "missing_input"
  | "duplicate_input"
  | "type_mismatch"
  | "out_of_range"
  | "wrong_type"
  | "unknown_choice"
  | "invalid_value"
  | "cycle"
  | "dangling_link"
  | "no_outputs"
  | "unknown_target";

export interface ValidationError {
  kind: ValidationErrorKind;
  message: string;
  nodeId?: string;
  /** The socket, param or output concerned. */
  field?: string;
  linkId?: string;
}

export interface ValidateOptions {
  /** Only check what these nodes need (partial execution). Default: the whole workflow. */
  targets?: readonly string[];
}

/** Where a link lands on its target node: a socket, or a param driven by the link. */
export function inputTypeOf(def: AnyNodeDef, name: string): string | undefined {
  const socket = def.inputs[name];
  if (socket) return socket.type;
  const param = widgetSpecs(def.params).find(([n, s]) => n === name && !s.uiOnly);
  return param && paramSocketType(param[1]);
}

/** Turns a zod failure on one param into our kinds. */
export function paramIssue(spec: ParamSpec, issue: z.core.$ZodIssue): { kind: ValidationErrorKind; message: string } {
  switch (issue.code) {
    case "too_big":
    case "too_small":
      return { kind: "out_of_range", message: issue.message };
    case "invalid_type":
      return { kind: "wrong_type", message: issue.message };
    case "invalid_value":
      return { kind: spec.kind === "choice" ? "unknown_choice" : "invalid_value", message: issue.message };
    default:
      return { kind: "invalid_value", message: issue.message };
  }
}

function checkLinks(wf: Workflow, registry: Registry, err: (e: ValidationError) => void): void {
  const nodes = new Map(wf.nodes.map((n) => [n.id, n]));
  const filled = new Map<string, WorkflowLink>();
  const linkIds = new Set<string>();
  for (const l of wf.links) {
    if (linkIds.has(l.id)) err({ kind: "duplicate_id", nodeId: l.to.node, field: l.to.input, linkId: l.id, message: `two links have id "${l.id}"` });
    linkIds.add(l.id);
    const from = nodes.get(l.from.node);
    const to = nodes.get(l.to.node);
    const linkId = l.id;
    if (!from) err({ kind: "dangling_link", nodeId: l.to.node, field: l.to.input, linkId, message: `link ${linkId} comes from node "${l.from.node}", which does not exist` });
    if (!to) err({ kind: "dangling_link", nodeId: l.from.node, field: l.from.output, linkId, message: `link ${linkId} goes to node "${l.to.node}", which does not exist` });
    if (!from || !to) continue;
    const fromDef = registry.get(from.type);
    const toDef = registry.get(to.type);
    const outType = fromDef?.outputs[l.from.output];
    if (fromDef && outType === undefined) {
      err({ kind: "unknown_output", nodeId: from.id, field: l.from.output, linkId, message: `${fromDef.type} has no output "${l.from.output}" (has: ${Object.keys(fromDef.outputs).join(", ") || "none"})` });
    }
    const key = `${to.id}\u0000${l.to.input}`;
    const prior = filled.get(key);
    if (prior) err({ kind: "duplicate_input", nodeId: to.id, field: l.to.input, linkId, message: `input "${l.to.input}" has two links (${prior.id} and ${linkId})` });
    filled.set(key, l);
    if (!toDef) continue;
    const inType = inputTypeOf(toDef, l.to.input);
    if (inType === undefined) {
      err({ kind: "unknown_input", nodeId: to.id, field: l.to.input, linkId, message: `${toDef.type} has no input "${l.to.input}"` });
    } else if (outType !== undefined && !canConnect(outType, inType)) {
      err({ kind: "type_mismatch", nodeId: to.id, field: l.to.input, linkId, message: `input "${l.to.input}" takes ${inType} but link ${linkId} brings ${outType} from node ${from.id}` });
    }
  }
}

function checkNodes(wf: Workflow, registry: Registry, err: (e: ValidationError) => void): void {
  const seen = new Set<string>();
  const linked = new Set(wf.links.map((l) => `${l.to.node}\u0000${l.to.input}`));
  for (const node of wf.nodes) {
    if (seen.has(node.id)) err({ kind: "duplicate_id", nodeId: node.id, field: "id", message: `two nodes have id "${node.id}"` });
    seen.add(node.id);
    const def = registry.get(node.type);
    if (!def) {
      err({ kind: "unknown_type", nodeId: node.id, field: "type", message: `node type "${node.type}" is not installed` });
      continue;
    }
    const widgets = widgetSpecs(def.params);
    const widgetNames = new Set(widgets.map(([n]) => n));
    for (const name of Object.keys(node.params)) {
      if (!widgetNames.has(name)) err({ kind: "unknown_param", nodeId: node.id, field: name, message: `${def.type} has no param "${name}"` });
    }
    for (const [name, spec] of widgets) {
      if (linked.has(`${node.id}\u0000${name}`)) continue;
      const r = spec.schema.safeParse(node.params[name]);
      if (r.success) continue;
      for (const issue of r.error.issues) err({ nodeId: node.id, field: name, ...paramIssue(spec, issue) });
    }
    for (const [name, socket] of Object.entries(def.inputs)) {
      if (!socket.optional && !linked.has(`${node.id}\u0000${name}`)) {
        err({ kind: "missing_input", nodeId: node.id, field: name, message: `required input "${name}" (${socket.type}) is not connected` });
      }
    }
  }
}

/** The output nodes that are not muted or bypassed: what runs when no targets are named. */
export function defaultTargets(wf: Workflow, registry: Registry): string[] {
  return activeGraph(wf, registry).nodes.filter((n) => registry.get(n.type)?.output === true).map((n) => n.id);
}

/**
 * Every error in the workflow (or in what `targets` need), in document order. Muted and bypassed
 * nodes are not checked: they do not run (see activeGraph).
 */
export function validate(doc: Workflow, registry: Registry, opts: ValidateOptions = {}): ValidationError[] {
  const wf = activeGraph(doc, registry);
  const errors: ValidationError[] = [];
  const err = (e: ValidationError) => errors.push(e);
  checkNodes(wf, registry, err);
  checkLinks(wf, registry, err);
  const g = indexGraph(wf);
  for (const cycle of findCycles(g)) {
    err({ kind: "cycle", nodeId: cycle[0], message: `cycle through nodes ${[...cycle, cycle[0]].join(" → ")}` });
  }
  if (opts.targets === undefined) {
    if (defaultTargets(wf, registry).length === 0) err({ kind: "no_outputs", message: "the workflow has no output node, so nothing would run" });
    return errors;
  }
  for (const t of opts.targets) {
    if (!g.nodes.has(t)) err({ kind: "unknown_target", nodeId: t, message: `target node "${t}" does not exist` });
  }
  if (opts.targets.length === 0) err({ kind: "no_outputs", message: "no target nodes given" });
  const needed = ancestorsOf(g, opts.targets);
  return errors.filter((e) => e.nodeId === undefined || needed.has(e.nodeId) || e.kind === "unknown_target");
}
