import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  fromApiPrompt,
  loadWorkflow,
  parseWorkflow,
  toApiPrompt,
  toComfyNodeErrors,
  validate,
  WorkflowFormatError,
  type Workflow,
} from "../../core/engine/index.ts";
import { makeStubs, stubEngine, wf } from "./stubs.ts";

const { registry } = makeStubs();
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8"));

function formatIssues(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof WorkflowFormatError) return err.issues;
    throw err;
  }
  throw new Error("expected a WorkflowFormatError");
}

describe("workflow document", () => {
  it("fills defaults for optional parts", () => {
    const w = parseWorkflow({ version: 2, nodes: [{ id: "1", type: "test.Source" }] }, registry);
    expect(w).toEqual({
      version: 2,
      metadata: { title: "", description: "" },
      nodes: [{ id: "1", type: "test.Source", params: {}, position: { x: 0, y: 0 } }],
      links: [],
      groups: [],
      notes: [],
    });
  });

  it("lists every shape problem with its path", () => {
    const issues = formatIssues(() =>
      parseWorkflow({ version: 2, nodes: [{ id: "", type: "x" }, { type: "y", position: { x: "0", y: 0 } }], links: [{ id: "l", from: { node: "1" }, to: { node: "2", input: "a" } }] }, registry),
    );
    expect(issues.map((i) => i.split(":")[0])).toEqual(["nodes[0].id", "nodes[1].id", "nodes[1].position.x", "links[0].from.output"]);
  });

  it("refuses missing and future versions", () => {
    expect(formatIssues(() => parseWorkflow({ nodes: [] }, registry))).toEqual(["version: missing (expected a number)"]);
    expect(formatIssues(() => parseWorkflow({ version: 9, nodes: [] }, registry))[0]).toMatch(/newer than this studio understands/);
  });
});

describe("migration from version 1", () => {
  it("names widget values, converts ids, positions, links and metadata", () => {
    const w = parseWorkflow(fixture("v1-workflow.json"), registry);
    expect(w.version).toBe(2);
    expect(w.metadata).toEqual({ title: "Old doc", description: "saved by the first editor" });
    expect(w.nodes.map((n) => [n.id, n.params, n.position])).toEqual([
      ["1", { value: 7 }, { x: 10, y: 20 }],
      ["2", { k: 2, mode: "double" }, { x: 300, y: 20 }],
      ["3", {}, { x: 600, y: 20 }],
      ["4", { size: 16, seed: 99, control_after_generate: "increment" }, { x: 10, y: 300 }],
      ["5", {}, { x: 300, y: 300 }],
    ]);
    expect(w.links).toEqual([
      { id: "10", from: { node: "1", output: "n" }, to: { node: "2", input: "a" } },
      { id: "11", from: { node: "2", output: "n" }, to: { node: "3", input: "n" } },
      { id: "12", from: { node: "4", output: "latent" }, to: { node: "5", input: "latent" } },
    ]);
  });

  it("runs after migration, and applies the migrated seed control", async () => {
    const { engine } = stubEngine();
    const w = parseWorkflow(fixture("v1-workflow.json"), engine.registry);
    expect(validate(w, engine.registry)).toEqual([]);
    const r = await engine.run(w);
    expect(r.outputs).toEqual({ "3": { text: ["18"] }, "5": { text: ["16"] } });
    expect(r.workflow.nodes[3].params.seed).toBe(100);
  });

  it("explains what it cannot migrate", () => {
    const doc = { version: 1, nodes: [{ id: 1, type: "test.Source", widgets_values: [1, 2] }, { id: 2, type: "zzz", widgets_values: [1] }], links: [[5, 1, 3, 2, "a"]] };
    expect(formatIssues(() => parseWorkflow(doc, registry))).toEqual([
      'node 1: 2 widget values but "test.Source" has 1 widgets',
      'node 2: unknown type "zzz", cannot name its widget values',
      "link 5: node 1 has no output #3",
    ]);
  });
});

describe("ComfyUI API prompt format", () => {
  const full = (): Workflow => {
    const g = wf(
      [
        { id: "1", type: "test.Source", params: { value: 4 } },
        { id: "2", type: "test.Add", params: { mode: "double" } },
        { id: "3", type: "test.Show" },
        { id: "4", type: "test.Source", params: { value: 2 } },
      ],
      [["1", "n", "2", "a"], ["4", "n", "2", "k"], ["2", "n", "3", "n"]],
    );
    g.nodes[2].title = "Result";
    return g;
  };

  it("emits class_type, widget values, [id, output index] links and titles", () => {
    expect(toApiPrompt(full(), registry)).toEqual({
      "1": { class_type: "test.Source", inputs: { value: 4 }, _meta: { title: "Source" } },
      "2": { class_type: "test.Add", inputs: { mode: "double", a: ["1", 0], k: ["4", 0] }, _meta: { title: "Add" } },
      "3": { class_type: "test.Show", inputs: { n: ["2", 0] }, _meta: { title: "Result" } },
      "4": { class_type: "test.Source", inputs: { value: 2 }, _meta: { title: "Source" } },
    });
  });

  it("round-trips graph content losslessly (positions laid out anew)", () => {
    const before = full();
    const after = fromApiPrompt(JSON.parse(JSON.stringify(toApiPrompt(before, registry))), registry);
    const content = (w: Workflow) => ({
      nodes: w.nodes.map(({ position: _p, ...n }) => n),
      links: w.links.map(({ id: _id, ...l }) => l).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    });
    expect(content(after)).toEqual(content(before));
    expect(validate(after, registry)).toEqual([]);
    // Laid out left to right by depth: sources, then Add, then Show.
    const x = Object.fromEntries(after.nodes.map((n) => [n.id, n.position.x]));
    expect(x["1"]).toBe(x["4"]);
    expect(x["2"]).toBeGreaterThan(x["1"]);
    expect(x["3"]).toBeGreaterThan(x["2"]);
    expect(new Set(after.nodes.map((n) => `${n.position.x},${n.position.y}`)).size).toBe(4);
  });

  it("accepts what a ComfyUI script sends: numeric ids, aliases, no _meta", async () => {
    const prompt = { "5": { class_type: "test.Source", inputs: { value: 9 } }, "6": { class_type: "ShowNumber", inputs: { n: [5, 0] } } };
    const w = loadWorkflow(prompt, registry);
    expect(w.nodes.map((n) => n.type)).toEqual(["test.Source", "test.Show"]);
    expect(w.links).toEqual([{ id: "1", from: { node: "5", output: "n" }, to: { node: "6", input: "n" } }]);
    const { engine } = stubEngine();
    expect((await engine.run(w)).outputs).toEqual({ "6": { text: ["9"] } });
  });

  it("groups validation errors per node as ComfyUI's node_errors", () => {
    const w = wf([{ id: "1", type: "test.Source", params: { value: -1 } }, { id: "2", type: "test.Show" }], []);
    expect(toComfyNodeErrors(validate(w, registry), w)).toEqual({
      "1": { class_type: "test.Source", dependent_outputs: [], errors: [{ type: "out_of_range", message: expect.stringMatching(/>=0/), details: expect.stringMatching(/^value: /), extra_info: { input_name: "value" } }] },
      "2": { class_type: "test.Show", dependent_outputs: [], errors: [{ type: "missing_input", message: expect.any(String), details: expect.any(String), extra_info: { input_name: "n" } }] },
    });
  });

  it("rejects a link to an output index that does not exist", () => {
    const prompt = { a: { class_type: "test.Source", inputs: {} }, b: { class_type: "test.Show", inputs: { n: ["a", 2] } } };
    expect(formatIssues(() => fromApiPrompt(prompt, registry))).toEqual(['node b input "n": node a has no output #2']);
  });
});
