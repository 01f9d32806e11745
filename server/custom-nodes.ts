// Custom node packs (ComfyUI's custom_nodes/): every sub-folder of a --custom-nodes folder is an ES
// module whose default export is `(api) => NodeDef[]` (handed core/index.ts) or an array of
// definitions. A pack that fails in any way is skipped whole and reported; the server always
// starts. See docs/custom-nodes.md.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import * as nodeApi from "../core/index.ts";
import { catalogueNode, objectInfoNode, type NodePackReport } from "../core/node/catalogue.ts";
import type { AnyNodeDef, Logger } from "../core/node/definition.ts";
import { checkDefinition, createRegistry, type Registry } from "../core/node/registry.ts";

export type { NodePackReport };

export interface CustomNodes {
  /** The built-ins and every pack that loaded. */
  registry: Registry;
  packs: NodePackReport[];
}

export interface CustomNodeOptions {
  /** How long one pack may take to import and hand over its definitions; default 10 s. */
  timeoutMs?: number;
}

/** The folder `t2v serve` and `t2v run` read when no --custom-nodes is given (missing: nothing to load). */
export const DEFAULT_CUSTOM_NODES = "custom_nodes";

/** The folders to load: those given, else ./custom_nodes when it exists (silently nothing when not). */
export function customNodeDirs(given: readonly string[]): string[] {
  if (given.length > 0) return [...given];
  return existsSync(DEFAULT_CUSTOM_NODES) ? [DEFAULT_CUSTOM_NODES] : [];
}

const ENTRY_FILES = ["index.ts", "index.mts", "index.js", "index.mjs"];

/** Pack folders under `dir` by name; hidden ones, node_modules and names ending ".disabled" are left out, as in ComfyUI. */
function packFolders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith(".") && e.name !== "node_modules" && !e.name.endsWith(".disabled"))
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b));
}

/** package.json's `main`, else index.ts, index.js or index.mjs. */
function entryOf(folder: string): string {
  const pkg = path.join(folder, "package.json");
  if (existsSync(pkg)) {
    const main = (JSON.parse(readFileSync(pkg, "utf8")) as { main?: unknown }).main;
    if (typeof main === "string") {
      const entry = path.resolve(folder, main);
      if (!existsSync(entry)) throw new Error(`package.json "main" names ${main}, which does not exist`);
      return entry;
    }
  }
  const found = ENTRY_FILES.map((f) => path.join(folder, f)).find((f) => existsSync(f));
  if (!found) throw new Error(`no entry point (package.json "main", ${ENTRY_FILES.join(", ")})`);
  return found;
}

function describe(v: unknown): string {
  if (v === undefined) return "no default export";
  if (Array.isArray(v)) return "an array";
  return v === null ? "null" : typeof v;
}

/** Imports the pack and returns what it exports as a list, not yet checked. */
async function exportedDefinitions(entry: string): Promise<unknown[]> {
  const mod = (await import(pathToFileURL(entry).href)) as { default?: unknown };
  const exported = mod.default;
  const defs: unknown = typeof exported === "function" ? await (exported as nodeApi.NodePack)(nodeApi) : exported;
  if (!Array.isArray(defs)) {
    const got = typeof exported === "function" ? `its function returned ${describe(defs)}` : `it exports ${describe(exported)}`;
    throw new Error(`the default export must be a function (api) => NodeDef[] or an array of node definitions; ${got}`);
  }
  return defs;
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish loading within ${ms} ms (a top-level await that never settles?)`)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const FIELDS = { type: "string", version: "number", title: "string", category: "string", description: "string", inputs: "object", params: "object", outputs: "object", run: "function" } as const;

/** Problems with one exported value as a node definition; empty when it is one. */
function definitionProblems(value: unknown): string[] {
  if (value === null || typeof value !== "object") return [`is ${value === null ? "null" : typeof value}, not a node definition`];
  const v = value as Record<string, unknown>;
  const shape = Object.entries(FIELDS).flatMap(([k, t]) => (typeof v[k] === t && v[k] !== null ? [] : [`${k} must be a ${t}`]));
  if (shape.length > 0) return shape;
  try {
    const def = value as AnyNodeDef;
    const problems = checkDefinition(def);
    // The catalogue must be servable, or /object_info would fail for every client.
    if (problems.length === 0) {
      catalogueNode(def);
      objectInfoNode(def);
    }
    return problems;
  } catch (err) {
    return [err instanceof Error ? err.message : String(err)];
  }
}

/** Prefixes a pack's error with its name, keeping the pack's own stack. */
function blame(pack: string, err: unknown): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  const out = new Error(`[pack ${pack}] ${e.message}`, { cause: e });
  if (e.stack) out.stack = [`Error: ${out.message}`, ...e.stack.split("\n").slice(1)].join("\n");
  return out;
}

/** Settles with `work`, or rejects as soon as `signal` aborts, so a node that ignores the signal is abandoned, not awaited. */
function abandonable<T>(signal: AbortSignal, work: () => T | Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    Promise.resolve()
      .then(work)
      .then(resolve, reject)
      .finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** The pack's definition as the engine runs it: errors name the pack, an interrupt does not wait for it. */
function guard(def: AnyNodeDef, pack: string): AnyNodeDef {
  const fingerprint = def.fingerprint;
  return {
    ...def,
    ...(fingerprint && {
      fingerprint: async (params, services) => {
        try {
          return await fingerprint.call(def, params, services);
        } catch (err) {
          throw blame(pack, err);
        }
      },
    }),
    run: (ctx, inputs) =>
      abandonable(ctx.signal, () => def.run(ctx, inputs)).catch((err: unknown) => {
        throw ctx.signal.aborted ? err : blame(pack, err);
      }),
  };
}

/** A .ts or .js file outside a `"type": "module"` package is CommonJS to Node, and its imports then fail obscurely. */
function moduleHint(folder: string, entry: string): string {
  if (!/\.[jt]s$/.test(entry)) return "";
  const pkg = path.join(folder, "package.json");
  const type = existsSync(pkg) ? (JSON.parse(readFileSync(pkg, "utf8")) as { type?: unknown }).type : undefined;
  return type === "module" ? "" : ' (hint: give the pack a package.json with "type": "module", or name its files .mts / .mjs)';
}

/** Loads one pack folder; throws a sentence when it must be skipped. */
async function loadPack(folder: string, claimed: ReadonlyMap<string, string>, timeoutMs: number): Promise<AnyNodeDef[]> {
  const entry = entryOf(folder);
  let values: unknown[];
  try {
    values = await withTimeout(exportedDefinitions(entry), timeoutMs);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const cjs = /require\(\)|ERR_REQUIRE|Cannot use import statement|exports is not defined/.test(message);
    throw new Error(cjs ? `${message}${moduleHint(folder, entry)}` : message, { cause: err });
  }
  if (values.length === 0) throw new Error("it exports no node definitions");
  const mine = new Map<string, string>();
  values.forEach((value, i) => {
    const problems = definitionProblems(value);
    const label = typeof (value as { type?: unknown })?.type === "string" ? `node type "${(value as AnyNodeDef).type}"` : `definition #${i + 1}`;
    if (problems.length > 0) throw new Error(`${label}: ${problems.join("; ")}`);
    const def = value as AnyNodeDef;
    for (const name of [def.type, ...(def.aliases ?? [])]) {
      const owner = claimed.get(name) ?? mine.get(name);
      if (owner) throw new Error(`${label} claims "${name}", which ${owner} already has`);
      mine.set(name, `node type "${def.type}" of this pack`);
    }
  });
  return values as AnyNodeDef[];
}

/**
 * Every pack under `dirs`, after the built-ins: a pack that throws, exports no definitions, has a
 * bad definition or claims a type id or alias already taken (built-in or an earlier pack) is
 * skipped whole and reported in `packs` and the log.
 */
export async function loadCustomNodes(dirs: readonly string[], builtins: readonly AnyNodeDef[], log: Logger, opts: CustomNodeOptions = {}): Promise<CustomNodes> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const claimed = new Map<string, string>();
  for (const def of builtins) for (const name of [def.type, ...(def.aliases ?? [])]) claimed.set(name, `the built-in node "${def.title}" (${def.type})`);
  const packs: NodePackReport[] = [];
  const defs: AnyNodeDef[] = [];
  const packOf = new Map<string, string>();
  for (const dir of dirs) {
    const root = path.resolve(dir);
    if (!existsSync(root)) {
      log.warn({ dir: root }, "custom nodes folder does not exist");
      continue;
    }
    for (const name of packFolders(root)) {
      const folder = path.join(root, name);
      try {
        const loaded = await loadPack(folder, claimed, timeoutMs);
        for (const def of loaded) {
          for (const n of [def.type, ...(def.aliases ?? [])]) claimed.set(n, `the pack "${name}"`);
          packOf.set(def.type, name);
          defs.push(guard(def, name));
        }
        packs.push({ name, path: folder, status: "loaded", nodes: loaded.map((d) => d.type) });
        log.info({ pack: name, path: folder, nodes: loaded.map((d) => d.type) }, `custom node pack "${name}" loaded`);
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        packs.push({ name, path: folder, status: "failed", error, nodes: [] });
        log.warn({ pack: name, path: folder, error }, `custom node pack "${name}" skipped: ${error}`);
      }
    }
  }
  return { registry: createRegistry([...builtins, ...defs], { packs: packOf }), packs };
}
