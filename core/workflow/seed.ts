// control_after_generate: the next workflow's seeds, as ComfyUI's seed widgets do after a run.
import { SEED_CONTROL_PARAM, SEED_CONTROLS, SEED_MAX, type SeedControl } from "../node/params.ts";
import type { Registry } from "../node/registry.ts";
import type { Workflow } from "./schema.ts";

export function nextSeed(seed: number, control: SeedControl, random: () => number): number {
  switch (control) {
    case "fixed":
      return seed;
    case "increment":
      return seed >= SEED_MAX ? 0 : seed + 1;
    case "decrement":
      return seed <= 0 ? SEED_MAX : seed - 1;
    case "randomize":
      return Math.floor(random() * (SEED_MAX + 1));
  }
}

function asControl(v: unknown): SeedControl {
  return SEED_CONTROLS.find((c) => c === v) ?? "fixed";
}

/**
 * The workflow to use for the next run: each seed widget moved by its control. Returns the
 * same object when nothing changes; never mutates its argument.
 */
export function applySeedControls(wf: Workflow, registry: Registry, random: () => number = Math.random): Workflow {
  let changed = false;
  const nodes = wf.nodes.map((node) => {
    const def = registry.get(node.type);
    const seedEntry = def && Object.entries(def.params).find(([, spec]) => spec.kind === "seed");
    if (!seedEntry) return node;
    const [name, spec] = seedEntry;
    const control = asControl(node.params[SEED_CONTROL_PARAM]);
    const parsed = spec.schema.safeParse(node.params[name]);
    if (control === "fixed" || !parsed.success || typeof parsed.data !== "number") return node;
    changed = true;
    return { ...node, params: { ...node.params, [name]: nextSeed(parsed.data, control, random) } };
  });
  return changed ? { ...wf, nodes } : wf;
}
