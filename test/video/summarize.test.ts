import { describe, expect, it } from "vitest";
import { registry } from "../../nodes/index.ts";
import { summarizeWorkflow } from "../../nodes/video/summarize.ts";

const definitionOf = (type: string) => registry.get(type);
import { workflowSchema } from "../../core/workflow/schema.ts";
import { generationWorkflow } from "./helpers.ts";

describe("summarizeWorkflow", () => {
  it("reads prompt, negative prompt, seed, pack and sampler/scheduler settings from what the definitions declare", () => {
    expect(summarizeWorkflow(generationWorkflow(), "9", definitionOf)).toEqual({
      model: { pack: "tiny-test" },
      prompt: "a red ball rolls to the right, café",
      negative_prompt: "blurry",
      seed: 4242,
      sampler: {
        type: "t2v.Sampler",
        params: { sampler_name: "euler", cfg: 4.5, seed: 7 },
        scheduler: { type: "t2v.Scheduler", params: { scheduler: "simple", steps: 12, denoise: 1, shift: 1 } },
      },
    });
  });

  it("fills widgets the document leaves unsaved with their defaults; finds nothing without definitions", () => {
    const wf = generationWorkflow();
    wf.nodes[5].params = { cfg: 2 };
    expect(summarizeWorkflow(wf, "9", definitionOf).sampler?.params).toEqual({ sampler_name: "euler", cfg: 2, seed: 0 });
    expect(summarizeWorkflow(wf, "9", () => undefined).sampler).toBeNull();
  });

  it("follows primitives driving a widget and picks the sampler that feeds the given node", () => {
    const wf = generationWorkflow();
    // A second, unrelated generation branch listed first, and a String node driving the prompt.
    wf.nodes.unshift(
      { id: "20", type: "t2v.TextEncode", params: { text: "other" }, position: { x: 0, y: 0 } },
      { id: "21", type: "t2v.Sampler", params: { cfg: 1 }, position: { x: 0, y: 0 } },
      { id: "22", type: "t2v.String", params: { value: "from a primitive" }, position: { x: 0, y: 0 } },
      { id: "23", type: "t2v.Int", params: { value: 99 }, position: { x: 0, y: 0 } },
    );
    wf.links.push(
      { id: "x1", from: { node: "20", output: "CONDITIONING" }, to: { node: "21", input: "positive" } },
      { id: "x2", from: { node: "22", output: "STRING" }, to: { node: "2", input: "text" } },
      { id: "x3", from: { node: "23", output: "INT" }, to: { node: "4", input: "seed" } },
    );
    const s = summarizeWorkflow(wf, "9", definitionOf);
    expect(s.prompt).toBe("from a primitive");
    expect(s.seed).toBe(99);
    expect(s.sampler?.params.cfg).toBe(4.5);
    // Without a node to start from: the first sampler in the document.
    expect(summarizeWorkflow(wf, undefined, definitionOf).prompt).toBe("other");
  });

  it("gives nulls for a workflow without a generation", () => {
    const wf = workflowSchema.parse({ version: 2, nodes: [{ id: "1", type: "t2v.Int", params: { value: 3 } }] });
    expect(summarizeWorkflow(wf, "1", definitionOf)).toEqual({ model: { pack: null }, prompt: null, negative_prompt: null, seed: null, sampler: null });
  });
});
