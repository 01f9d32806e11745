// The registry: every node type by its id. Built once at start-up from nodes/index.ts.
import type { AnyNodeDef } from "./definition.ts";
import { widgetSpecs } from "./params.ts";

export interface Registry {
  /** Looks up a type id or one of its aliases. */
  get(type: string): AnyNodeDef | undefined;
  list(): readonly AnyNodeDef[];
  /** The custom node pack a type id came from; undefined for the host's own nodes. */
  packOf?(type: string): string | undefined;
}

export interface RegistryOptions {
  /** Type id → the custom node pack that brought it (the catalogue shows it). */
  packs?: ReadonlyMap<string, string>;
}

const TYPE_ID = /^[A-Za-z][\w-]*\.[A-Za-z][\w.-]*$/;

/** Problems in one definition, as sentences; empty when it is fine. */
export function checkDefinition(def: AnyNodeDef): string[] {
  const problems: string[] = [];
  if (!TYPE_ID.test(def.type)) problems.push(`type must look like "namespace.Name"`);
  if (!Number.isInteger(def.version) || def.version < 1) problems.push("version must be an integer >= 1");
  const names = new Set<string>();
  for (const name of Object.keys(def.inputs)) names.add(name);
  let seeds = 0;
  for (const [name, spec] of widgetSpecs(def.params)) {
    if (names.has(name)) problems.push(`"${name}" is both a socket and a param (or declared twice)`);
    names.add(name);
    if (spec.kind === "seed") seeds++;
    if (!spec.schema.safeParse(undefined).success) problems.push(`param "${name}" needs a default`);
  }
  if (seeds > 1) problems.push("at most one seed param per node (it gets the control_after_generate widget)");
  for (const [alias, widgets] of Object.entries(def.aliasWidgets ?? {})) {
    if (!(def.aliases ?? []).includes(alias)) problems.push(`aliasWidgets names "${alias}", which is not one of its aliases`);
    const unknown = widgets.filter((w) => w !== null && !names.has(w));
    if (unknown.length > 0) problems.push(`aliasWidgets["${alias}"] names ${unknown.map((w) => `"${w}"`).join(", ")}, not params of this node`);
  }
  return problems;
}

/** Throws on an invalid definition or on a type id (or alias) claimed twice. */
export function createRegistry(defs: readonly AnyNodeDef[], opts: RegistryOptions = {}): Registry {
  const byName = new Map<string, AnyNodeDef>();
  const all: AnyNodeDef[] = [];
  for (const def of defs) {
    const problems = checkDefinition(def);
    if (problems.length > 0) throw new Error(`node type "${def.type}": ${problems.join("; ")}`);
    for (const name of [def.type, ...(def.aliases ?? [])]) {
      const prior = byName.get(name);
      if (prior) throw new Error(`duplicate node type "${name}" (${def.title} and ${prior.title})`);
      byName.set(name, def);
    }
    all.push(def);
  }
  const packs = opts.packs ?? new Map<string, string>();
  return { get: (type) => byName.get(type), list: () => all, packOf: (type) => packs.get(byName.get(type)?.type ?? type) };
}
