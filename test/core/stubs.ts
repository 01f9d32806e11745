// Stub node types for engine tests: each records its runs so tests can assert what ran.
import { defineNode, p } from "../../core/node/definition.ts";
import { INT } from "../../core/node/sockets.ts";

/** A socket type of the tests' own, so stubs stay independent of the real LATENT value. */
export const BLOB = "TEST_BLOB";
import { createEngine, createRegistry, type EngineEvent, type Workflow, type WorkflowInput } from "../../core/engine/index.ts";
import { workflowSchema } from "../../core/workflow/schema.ts";
import { createServices } from "../../server/services.ts";

export function makeStubs() {
  const runs: string[] = [];
  const source = defineNode({
    type: "test.Source",
    version: 1,
    title: "Source",
    category: "test",
    description: "emits its value",
    inputs: {},
    params: { value: p.int({ default: 1, min: 0, max: 100 }) },
    outputs: { n: INT },
    run: (ctx, { value }) => {
      runs.push(ctx.nodeId);
      return { outputs: { n: value } };
    },
  });
  const add = defineNode({
    type: "test.Add",
    version: 1,
    title: "Add",
    category: "test",
    description: "a + b + k",
    inputs: { a: { type: INT }, b: { type: INT, optional: true } },
    params: { k: p.int({ default: 0, min: -10, max: 10 }), mode: p.choice(["plain", "double"], { default: "plain" }) },
    outputs: { n: INT },
    run: (ctx, { a, b, k, mode }) => {
      runs.push(ctx.nodeId);
      const sum = a + (b ?? 0) + k;
      return { outputs: { n: mode === "double" ? 2 * sum : sum } };
    },
  });
  const show = defineNode({
    type: "test.Show",
    version: 1,
    title: "Show",
    category: "test",
    description: "output node",
    aliases: ["ShowNumber"],
    inputs: { n: { type: INT } },
    params: {},
    outputs: {},
    output: true,
    run: (ctx, { n }) => {
      runs.push(ctx.nodeId);
      return { outputs: {}, ui: { text: [String(n)] } };
    },
  });
  const latent = defineNode({
    type: "test.Latent",
    version: 1,
    title: "Latent",
    category: "test",
    description: "a Float32Array of `size` values",
    inputs: {},
    params: { size: p.int({ default: 4, min: 1, max: 1 << 20 }), seed: p.seed() },
    outputs: { latent: BLOB },
    run: (ctx, { size, seed }) => {
      runs.push(ctx.nodeId);
      return { outputs: { latent: new Float32Array(size).fill(seed) } };
    },
  });
  const measure = defineNode({
    type: "test.Measure",
    version: 1,
    title: "Measure",
    category: "test",
    description: "output node: length of a latent",
    inputs: { latent: { type: BLOB } },
    params: {},
    outputs: {},
    output: true,
    run: (ctx, { latent }) => {
      runs.push(ctx.nodeId);
      return { outputs: {}, ui: { text: [String(latent instanceof Float32Array ? latent.length : -1)] } };
    },
  });
  const fail = defineNode({
    type: "test.Fail",
    version: 1,
    title: "Fail",
    category: "test",
    description: "throws when fail is on",
    inputs: { n: { type: INT } },
    params: { fail: p.toggle({ default: true }) },
    outputs: { n: INT },
    run: (ctx, { n, fail }) => {
      runs.push(ctx.nodeId);
      if (fail) throw new Error("stub failure");
      return { outputs: { n } };
    },
  });
  const random = defineNode({
    type: "test.Random",
    version: 1,
    title: "Random",
    category: "test",
    description: "never cached",
    inputs: {},
    params: {},
    outputs: { n: INT },
    cache: false,
    run: (ctx) => {
      runs.push(ctx.nodeId);
      return { outputs: { n: runs.length } };
    },
  });
  const slow = defineNode({
    type: "test.Slow",
    version: 1,
    title: "Slow",
    category: "test",
    description: "steps with a pause each, honouring abort and live patches of `steps` and `gain`",
    inputs: { n: { type: INT } },
    params: { steps: p.int({ default: 5, min: 1, max: 100_000 }), gain: p.int({ default: 1, min: 0, max: 100 }) },
    outputs: { n: INT },
    run: async (ctx, { n, steps, gain }) => {
      runs.push(ctx.nodeId);
      let total = steps;
      let g = gain;
      let acc = n;
      for (let step = 0; step < total; step++) {
        const live = ctx.live.get(step);
        total = live.steps ?? total;
        g = live.gain ?? g;
        ctx.signal.throwIfAborted();
        acc += g;
        ctx.progress(step + 1, total);
        ctx.preview({ frames: [new Uint8Array([acc, 0, 0])], width: 1, height: 1, frameCount: 1, step });
        await new Promise((r) => setTimeout(r, 2));
      }
      return { outputs: { n: acc } };
    },
  });
  const registry = createRegistry([source, add, show, latent, measure, fail, random, slow]);
  return { registry, runs };
}

type NodeIn = { id: string; type: string; params?: Record<string, unknown> };
type LinkIn = [from: string, output: string, to: string, input: string];

/** A workflow from a terse node and link list. */
export function wf(nodes: NodeIn[], links: LinkIn[]): Workflow {
  const doc: WorkflowInput = {
    version: 2,
    nodes: nodes.map((n) => ({ ...n, params: n.params ?? {} })),
    links: links.map(([from, output, to, input], i) => ({ id: `l${i}`, from: { node: from, output }, to: { node: to, input } })),
  };
  return workflowSchema.parse(doc);
}

export function setParam(w: Workflow, nodeId: string, name: string, value: unknown): Workflow {
  return { ...w, nodes: w.nodes.map((n) => (n.id === nodeId ? { ...n, params: { ...n.params, [name]: value } } : n)) };
}

export function stubEngine(cacheBytes?: number) {
  const stubs = makeStubs();
  const engine = createEngine({ registry: stubs.registry, services: createServices({ outputDir: "/tmp/t2v-test-out" }), cacheBytes });
  const events: EngineEvent[] = [];
  engine.on((e) => events.push(e));
  return { ...stubs, engine, events };
}
