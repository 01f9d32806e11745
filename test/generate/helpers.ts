// Shared set-up for tests that run the shipped model through the real engine.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { registry } from "../../nodes/index.ts";
import { createEngine, loadWorkflow, type Workflow } from "../../core/engine/index.ts";
import { createServices } from "../../server/services.ts";

export function testEngine() {
  const dir = mkdtempSync(join(tmpdir(), "t2v-gen-"));
  return createEngine({ registry, services: createServices({ outputDir: join(dir, "output"), tempDir: join(dir, "temp"), inputDir: join(dir, "input") }) });
}

export function template(name = "text-to-video.json"): Workflow {
  return loadWorkflow(JSON.parse(readFileSync(new URL(`../../workflows/${name}`, import.meta.url), "utf8")), registry);
}

export function withParams(wf: Workflow, id: string, params: Record<string, unknown>): Workflow {
  return { ...wf, nodes: wf.nodes.map((n) => (n.id === id ? { ...n, params: { ...n.params, ...params } } : n)) };
}
