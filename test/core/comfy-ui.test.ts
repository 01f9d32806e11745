// ComfyUI's UI format both ways, on fixtures written for these tests (test/fixtures/comfyui/).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { registry } from "../../nodes/index.ts";
import { activeGraph, createEngine, isComfyUiWorkflow, missingTypes, readWorkflow, toComfyUi, validate, type Workflow } from "../../core/engine/index.ts";
import { createServices } from "../../server/services.ts";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const fixture = (name: string): Json => JSON.parse(readFileSync(new URL(`../fixtures/comfyui/${name}`, import.meta.url), "utf8")) as Json;
const template = (name: string): Json => JSON.parse(readFileSync(new URL(`../../workflows/${name}`, import.meta.url), "utf8")) as Json;

describe("ComfyUI UI format, version 0.4", () => {
  const doc = fixture("shared-0.4.json");
  const { workflow: w, warnings } = readWorkflow(doc, registry);
  const node = (id: string) => w.nodes.find((n) => n.id === id);

  it("is told apart from our documents and API prompts", () => {
    expect(isComfyUiWorkflow(doc)).toBe(true);
    expect(isComfyUiWorkflow(fixture("subgraph-1.0.json"))).toBe(true);
    expect(isComfyUiWorkflow(template("text-to-video.json"))).toBe(false);
    expect(isComfyUiWorkflow({ version: 1, nodes: [], links: [] })).toBe(false);
  });

  it("maps known types through aliases, widget values by ComfyUI's order (seed control included)", () => {
    expect(node("3")).toMatchObject({ type: "t2v.Sampler", params: { seed: 156680208700286, control_after_generate: "randomize", cfg: 8, sampler_name: "euler" } });
    expect(node("5")).toMatchObject({ type: "t2v.EmptyVideoLatent", params: { width: 64, height: 64, batch: 1 } });
    expect(node("6")).toMatchObject({ type: "t2v.TextEncode", params: { text: "a blue ball rolls to the right" }, title: "Positive prompt", size: { width: 422, height: 164 } });
    expect(node("4")?.params).toEqual({ pack: "physics-tiny" });
    expect(warnings).toContain("node 3 (KSampler): widget values #3, #6, #7 have no equivalent here (kept for export)");
  });

  it("reads converted widgets, primitives and reroutes as links", () => {
    expect(node("12")).toMatchObject({ type: "t2v.Int", params: { value: 42 } });
    expect(node("13")?.type).toBe("t2v.Reroute");
    const links = w.links.map((l) => `${l.from.node}.${l.from.output}>${l.to.node}.${l.to.input}`);
    expect(links).toContain("12.INT>3.seed");
    expect(links).toContain("4.DECODER>13.input");
    expect(links).toContain("13.output>8.vae");
  });

  it("keeps unknown types as placeholders with their sockets and values; modes, notes, groups, view", () => {
    expect(node("9")).toMatchObject({ type: "SaveImage", declaredSockets: { inputs: [{ name: "images", type: "IMAGE" }], outputs: [] } });
    expect(node("10")).toMatchObject({ type: "VHS_VideoCombine", mode: "bypassed" });
    expect(node("11")).toMatchObject({ type: "VHS_LoadVideoPath", mode: "muted" });
    expect(node("10")?.extra?.comfy).toMatchObject({ widgets_values: { frame_rate: 8, format: "video/h264-mp4" } });
    expect(w.notes).toMatchObject([
      { id: "14", text: "Shared on a forum: change the seed for another take.", position: { x: 20, y: 40 } },
      { id: "15", text: "## Model\nUse **physics-tiny**.", markdown: true },
    ]);
    expect(w.groups).toMatchObject([{ title: "Prompts", bounds: { x: 400, y: 110, width: 460, height: 480 }, color: "#3f789e" }]);
    expect(w.extra?.comfy).toMatchObject({ extra: { ds: { scale: 0.83, offset: [120.5, -40] } } });
  });

  it("drops a broken link with a warning that names it, and opens the rest", () => {
    expect(warnings).toContain("link 16 (node 99 #0 → node 9 #0) dropped: node 99 does not exist");
    expect(w.links.some((l) => l.id === "16")).toBe(false);
    expect(w.links).toHaveLength(12);
  });

  it("refuses to run while a needed type is missing, naming it (muted ones excepted)", () => {
    expect(missingTypes(w, registry)).toEqual(["SaveImage"]);
    expect(validate(w, registry).map((e) => e.message)).toContain('node type "SaveImage" is not installed');
  });

  it("exports back the same nodes, links, widget values and groups", () => {
    const back = toComfyUi(w, registry) as Json;
    const pick = (n: Json) => ({ id: n.id, type: n.type, widgets_values: n.widgets_values, mode: n.mode, title: n.title, pos: n.pos, size: n.size, color: n.color, inputs: n.inputs, outputs: n.outputs });
    const byId = (nodes: Json[]) => [...nodes].sort((a, b) => a.id - b.id).map(pick);
    expect(byId(back.nodes)).toEqual(byId(doc.nodes));
    expect(back.links).toEqual(doc.links.filter((l: unknown[]) => l[0] !== 16));
    expect(back.groups).toEqual(doc.groups);
    expect(back.extra).toEqual(doc.extra);
    expect(back.version).toBe(0.4);
  });
});

describe("ComfyUI UI format, version 1", () => {
  const { workflow: w, warnings } = readWorkflow(fixture("subgraph-1.0.json"), registry);

  it("expands a subgraph into its nodes, wired as the instance was", () => {
    expect(w.nodes.map((n) => `${n.id}:${n.type}`)).toEqual(["1:t2v.LoadModel", "2:1:t2v.TextEncode", "3:t2v.Sampler"]);
    expect(w.nodes[1].params).toEqual({ text: "two green boxes slide apart" });
    const links = w.links.map((l) => `${l.from.node}.${l.from.output}>${l.to.node}.${l.to.input}`);
    expect(links.sort()).toEqual(["1.MODEL>3.model", "1.TEXT_ENCODER>2:1.clip", "2:1.CONDITIONING>3.positive"]);
    expect(warnings).toContain('subgraph "Prompt" (node 2) was expanded into its 1 nodes');
    expect(warnings).toContain("link 4 (node 1 #2 → node 3 #9) dropped: node 3 has no input #9");
  });

  it("keeps native reroutes and link parents for export (as 0.4's extra.reroutes / linkExtensions)", () => {
    const back = toComfyUi(w, registry) as Json;
    expect(back.extra.reroutes).toEqual([{ id: 1, pos: [600, 200], linkIds: [3] }]);
    expect(back.extra.linkExtensions).toEqual([{ id: 3, parentId: 1 }]);
  });
});

describe("our workflows in ComfyUI's UI format", () => {
  it("round-trips every template: same nodes, params and links", () => {
    for (const name of ["text-to-video.json", "physics-guided.json"]) {
      const ours = readWorkflow(template(name), registry).workflow;
      const again = readWorkflow(toComfyUi(ours, registry), registry).workflow;
      expect(again.nodes.map((n) => [n.id, n.type, n.params]), name).toEqual(ours.nodes.map((n) => [n.id, n.type, expect.objectContaining(n.params)]));
      const key = (x: Workflow) => x.links.map((l) => `${l.from.node}.${l.from.output}>${l.to.node}.${l.to.input}`).sort();
      expect(key(again), name).toEqual(key(ours));
      expect(validate(again, registry), name).toEqual([]);
    }
  });
});

describe("muted and bypassed nodes", () => {
  const doc = (modes: Record<string, "muted" | "bypassed">): Workflow =>
    readWorkflow(
      {
        version: 2,
        nodes: [
          { id: "1", type: "t2v.Int", params: { value: 5 } },
          { id: "2", type: "t2v.IntMath", params: { op: "multiply", b: 10 } },
          { id: "3", type: "t2v.ShowValue" },
          { id: "4", type: "t2v.Int", params: { value: 7 } },
          { id: "5", type: "t2v.ShowValue" },
        ].map((n) => (modes[n.id] ? { ...n, mode: modes[n.id] } : n)),
        links: [
          { id: "1", from: { node: "1", output: "INT" }, to: { node: "2", input: "a" } },
          { id: "2", from: { node: "2", output: "INT" }, to: { node: "3", input: "value" } },
          { id: "3", from: { node: "4", output: "INT" }, to: { node: "5", input: "value" } },
        ],
      },
      registry,
    ).workflow;
  const run = async (w: Workflow) => {
    const engine = createEngine({ registry, services: createServices({ outputDir: "/nonexistent-never-written" }) });
    const r = await engine.run(w);
    return Object.fromEntries(Object.entries(r.outputs).map(([id, ui]) => [id, ui.text?.[0]]));
  };

  it("runs everything when no node has a mode", async () => {
    expect(await run(doc({}))).toEqual({ "3": "50", "5": "7" });
  });

  it("a bypassed node passes its input through to the first output of the same type", async () => {
    expect(await run(doc({ "2": "bypassed" }))).toEqual({ "3": "5", "5": "7" });
  });

  it("a muted node and what depends only on it do not run", async () => {
    expect(activeGraph(doc({ "1": "muted" }), registry).nodes.map((n) => n.id)).toEqual(["4", "5"]);
    expect(await run(doc({ "1": "muted" }))).toEqual({ "5": "7" });
    expect(await run(doc({ "5": "muted" }))).toEqual({ "3": "50" });
  });
});
