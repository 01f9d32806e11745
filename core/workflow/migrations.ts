// Small `up` functions, one per version step (tldraw-style record migrations).
import { z } from "zod";
import { widgetSpecs } from "../node/params.ts";
import type { Registry } from "../node/registry.ts";

export class WorkflowFormatError extends Error {
  constructor(public readonly issues: string[]) {
    super(`invalid workflow document:\n  ${issues.join("\n  ")}`);
    this.name = "WorkflowFormatError";
  }
}

/** What migrations may ask about node types (old versions stored things by position). */
export interface MigrationEnv {
  paramNames(type: string): string[] | undefined;
  outputNames(type: string): string[] | undefined;
}

export function migrationEnv(registry: Registry): MigrationEnv {
  return {
    paramNames: (type) => {
      const def = registry.get(type);
      return def && widgetSpecs(def.params).map(([name]) => name);
    },
    outputNames: (type) => {
      const def = registry.get(type);
      return def && Object.keys(def.outputs);
    },
  };
}

/**
 * Version 1 (the first editor's format): numeric ids, positions as [x, y], widget values as an
 * array in widget order, links as [id, fromNode, fromOutputIndex, toNode, toInputName].
 */
const v1Schema = z.object({
  version: z.literal(1),
  title: z.string().default(""),
  description: z.string().default(""),
  nodes: z.array(
    z.object({
      id: z.number().int(),
      type: z.string(),
      pos: z.tuple([z.number(), z.number()]).default([0, 0]),
      widgets_values: z.array(z.unknown()).default([]),
    }),
  ),
  links: z.array(z.tuple([z.number().int(), z.number().int(), z.number().int(), z.number().int(), z.string()])).default([]),
});

function upFrom1(doc: unknown, env: MigrationEnv): unknown {
  const r = v1Schema.safeParse(doc);
  if (!r.success) throw new WorkflowFormatError(r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`));
  const v1 = r.data;
  const problems: string[] = [];
  const typeOf = new Map(v1.nodes.map((n) => [n.id, n.type]));
  const nodes = v1.nodes.map((n) => {
    const names = env.paramNames(n.type);
    const params: Record<string, unknown> = {};
    if (!names) {
      if (n.widgets_values.length > 0) problems.push(`node ${n.id}: unknown type "${n.type}", cannot name its widget values`);
    } else {
      if (n.widgets_values.length > names.length) problems.push(`node ${n.id}: ${n.widgets_values.length} widget values but "${n.type}" has ${names.length} widgets`);
      n.widgets_values.forEach((v, i) => {
        if (i < names.length) params[names[i]] = v;
      });
    }
    return { id: String(n.id), type: n.type, params, position: { x: n.pos[0], y: n.pos[1] } };
  });
  const links = v1.links.map(([lid, from, slot, to, input]) => {
    const fromType = typeOf.get(from);
    const output = fromType === undefined ? undefined : env.outputNames(fromType)?.[slot];
    if (output === undefined) problems.push(`link ${lid}: node ${from} has no output #${slot}`);
    return { id: String(lid), from: { node: String(from), output: output ?? String(slot) }, to: { node: String(to), input } };
  });
  if (problems.length > 0) throw new WorkflowFormatError(problems);
  return { version: 2, metadata: { title: v1.title, description: v1.description }, nodes, links, groups: [], notes: [] };
}

/** ups[v] turns version v into version v + 1. */
const ups: Record<number, (doc: unknown, env: MigrationEnv) => unknown> = { 1: upFrom1 };
export const WORKFLOW_VERSION = 2;
const CURRENT = WORKFLOW_VERSION;

export function documentVersion(doc: unknown): number | undefined {
  if (typeof doc !== "object" || doc === null || !("version" in doc)) return undefined;
  return typeof doc.version === "number" ? doc.version : undefined;
}

function isRegistry(x: MigrationEnv | Registry): x is Registry {
  return "get" in x;
}

/** Brings a document of any known version up to the current one; later checks do the rest. */
export function migrate(doc: unknown, envOrRegistry: MigrationEnv | Registry): unknown {
  const env = isRegistry(envOrRegistry) ? migrationEnv(envOrRegistry) : envOrRegistry;
  let version = documentVersion(doc);
  if (version === undefined) throw new WorkflowFormatError(["version: missing (expected a number)"]);
  if (version > CURRENT) throw new WorkflowFormatError([`version: ${version} is newer than this studio understands (${CURRENT})`]);
  let out = doc;
  while (version < CURRENT) {
    const up = ups[version];
    if (!up) throw new WorkflowFormatError([`version: ${version} is not a known workflow version`]);
    out = up(out, env);
    version++;
  }
  return out;
}
