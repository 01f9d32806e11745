// Glue between files and the engine: read a document, apply --set overrides, describe errors.
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Services, UiOutput } from "../core/node/definition.ts";
import { readWorkflow, type ImportResult, type Registry, type ValidationError, type Workflow } from "../core/engine/index.ts";

/** Reads a workflow file: ours (any version), ComfyUI's UI format (with warnings) or its API format. */
export async function readWorkflowFile(file: string, registry: Registry): Promise<ImportResult> {
  const text = await readFile(file, "utf8");
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return readWorkflow(doc, registry);
}

/** "<nodeId>.<param>=<value>"; the value is JSON when it parses as JSON, else a string. */
export function applySets(wf: Workflow, sets: readonly string[]): { workflow: Workflow; errors: string[] } {
  const errors: string[] = [];
  // Longest id first, so ids containing dots still match.
  const ids = wf.nodes.map((n) => n.id).sort((a, b) => b.length - a.length);
  let nodes = wf.nodes;
  for (const set of sets) {
    const eq = set.indexOf("=");
    const key = eq < 0 ? set : set.slice(0, eq);
    const id = ids.find((i) => key.startsWith(`${i}.`) && key.length > i.length + 1);
    if (eq < 0 || id === undefined) {
      errors.push(eq < 0 ? `--set ${set}: expected <nodeId>.<param>=<value>` : `--set ${set}: no node "${key.split(".")[0]}" in the workflow`);
      continue;
    }
    const param = key.slice(id.length + 1);
    const raw = set.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a bare word: keep it as text
    }
    nodes = nodes.map((n) => (n.id === id ? { ...n, params: { ...n.params, [param]: value } } : n));
  }
  return { workflow: { ...wf, nodes }, errors };
}

/** One line per error, always with node id and field: `node 3 (t2v.Sampler) steps: out_of_range: …`. */
export function formatValidationError(e: ValidationError, wf: Workflow): string {
  const type = e.nodeId === undefined ? undefined : wf.nodes.find((n) => n.id === e.nodeId)?.type;
  const where = e.nodeId === undefined ? "workflow" : `node ${e.nodeId}${type ? ` (${type})` : ""}`;
  return `${where} ${e.field ?? "-"}: ${e.kind}: ${e.message}`;
}

/** Absolute paths of every file the outputs point at. */
export function outputFiles(outputs: Record<string, UiOutput>, services: Services): string[] {
  const files = new Set<string>();
  for (const ui of Object.values(outputs)) {
    for (const ref of ui.images ?? []) files.add(path.join(services.paths[ref.type], ref.subfolder, ref.filename));
  }
  return [...files];
}
