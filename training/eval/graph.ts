// Runs the real node graph for the evals: a workflow template with the prompt and seeds set, up to
// the node that produces frames.
import { readFileSync } from "node:fs";
import { loadWorkflow, type Engine, type Workflow } from "../../core/engine/index.ts";
import { registry } from "../../nodes/index.ts";
import type { Frames } from "../../nodes/model/values.ts";
import type { PhysicsTraceValue } from "../../nodes/physics-nodes/values.ts";
import type { SamplerName } from "../../nodes/sampling/index.ts";

/** A shipped template from workflows/. */
export function loadTemplate(name: string): Workflow {
  return loadWorkflow(JSON.parse(readFileSync(new URL(`../../workflows/${name}`, import.meta.url), "utf8")), registry);
}

export function nodeOfType(wf: Workflow, type: string): string {
  const n = wf.nodes.find((x) => x.type === type);
  if (!n) throw new Error(`workflow "${wf.metadata.title}" has no ${type} node`);
  return n.id;
}

/** The Text Encode node wired to the sampler's positive input. */
export function positivePromptNode(wf: Workflow): string {
  const sampler = nodeOfType(wf, "t2v.Sampler");
  const link = wf.links.find((l) => l.to.node === sampler && l.to.input === "positive");
  if (!link) throw new Error("the sampler's positive input is not connected");
  return link.from.node;
}

export function setParams(wf: Workflow, nodeId: string, params: Record<string, unknown>): Workflow {
  return { ...wf, nodes: wf.nodes.map((n) => (n.id === nodeId ? { ...n, params: { ...n.params, ...params } } : n)) };
}

export interface GenerateOptions {
  prompt: string;
  seed: number;
  steps?: number;
  cfg?: number;
  /** The Sampler node's sampler_name. */
  sampler?: SamplerName;
  /** The Scheduler's rectified-flow timestep shift. */
  shift?: number;
  /** A model pack under models/ other than the workflow's (to score a candidate before shipping it). */
  pack?: string;
  /** For physics workflows: the Physics Scene node's params (seed, gravity…). */
  scene?: Record<string, unknown>;
  /** For physics workflows: overrides of the Physics Guidance node's params (method, strength…). */
  guidance?: Record<string, unknown>;
  /** For the sketch workflow: Sketch Scene's drawing, as JSON (its prompt then comes from Describe Scene's link). */
  sketch?: string;
}

/** Sampler settings an eval may override (otherwise the workflow's). */
export type Sampling = Pick<GenerateOptions, "steps" | "cfg" | "shift" | "sampler" | "pack">;

export interface Generated {
  frames: Frames;
  trace?: PhysicsTraceValue;
  /** What Describe Scene wrote, in workflows that have one. */
  described?: string;
}

export async function generate(engine: Engine, template: Workflow, o: GenerateOptions): Promise<Generated> {
  let wf = setParams(template, positivePromptNode(template), { text: o.prompt });
  wf = setParams(wf, nodeOfType(wf, "t2v.EmptyVideoLatent"), { seed: o.seed, control_after_generate: "fixed" });
  if (o.steps) wf = setParams(wf, nodeOfType(wf, "t2v.Scheduler"), { steps: o.steps });
  if (o.shift !== undefined) wf = setParams(wf, nodeOfType(wf, "t2v.Scheduler"), { shift: o.shift });
  if (o.cfg !== undefined) wf = setParams(wf, nodeOfType(wf, "t2v.Sampler"), { cfg: o.cfg });
  if (o.sampler) wf = setParams(wf, nodeOfType(wf, "t2v.Sampler"), { sampler_name: o.sampler });
  if (o.pack) wf = setParams(wf, nodeOfType(wf, "t2v.LoadModel"), { pack: o.pack });
  const sceneNode = wf.nodes.find((n) => n.type === "t2v.PhysicsScene")?.id;
  if (sceneNode) wf = setParams(wf, sceneNode, { prompt: o.prompt, ...o.scene });
  if (o.guidance) wf = setParams(wf, nodeOfType(wf, "t2v.PhysicsGuidance"), o.guidance);
  if (o.sketch !== undefined) wf = setParams(wf, nodeOfType(wf, "t2v.SketchScene"), { sketch: o.sketch });
  const decode = nodeOfType(wf, "t2v.Decode");
  const r = await engine.run(wf, { targets: [decode] });
  if (r.status !== "success") throw new Error(`generation failed at node ${r.error?.nodeId}: ${r.error?.message}`);
  const frames = r.values[decode]!.FRAMES as Frames;
  const simNode = wf.nodes.find((n) => n.type === "t2v.PhysicsSimulate")?.id;
  const trace = simNode ? (r.values[simNode]?.PHYSICS_TRACE as PhysicsTraceValue | undefined) : undefined;
  const describeNode = wf.nodes.find((n) => n.type === "t2v.DescribeScene")?.id;
  const described = describeNode ? (r.values[describeNode]?.STRING as string | undefined) : undefined;
  return { frames, trace, described };
}
