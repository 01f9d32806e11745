import { describe, expect, it } from "vitest";
import { defineNode } from "../../core/node/definition.ts";
import { p, showNotes } from "../../core/index.ts";
import { createEngine, createRegistry, WorkflowInvalidError } from "../../core/engine/index.ts";
import { createServices } from "../../server/services.ts";
import { makeStubs, setParam, stubEngine, wf } from "./stubs.ts";

// A(2) ─a─┐
//         B(Add) ── D(Show)
// C(3) ─b─┘
// E(5) ─────────── F(Show)
const graph = () =>
  wf(
    [
      { id: "A", type: "test.Source", params: { value: 2 } },
      { id: "C", type: "test.Source", params: { value: 3 } },
      { id: "B", type: "test.Add", params: { k: 1 } },
      { id: "D", type: "test.Show" },
      { id: "E", type: "test.Source", params: { value: 5 } },
      { id: "F", type: "test.Show" },
    ],
    [
      ["A", "n", "B", "a"],
      ["C", "n", "B", "b"],
      ["B", "n", "D", "n"],
      ["E", "n", "F", "n"],
    ],
  );

describe("execution", () => {
  it("runs every node once in dependency order and reports outputs", async () => {
    const { engine, runs } = stubEngine();
    const r = await engine.run(graph());
    expect(r.status).toBe("success");
    expect(r.outputs).toEqual({ D: { text: ["6"] }, F: { text: ["5"] } });
    expect([...runs].sort()).toEqual(["A", "B", "C", "D", "E", "F"]);
    expect(runs.indexOf("B")).toBeGreaterThan(runs.indexOf("A"));
    expect(runs.indexOf("B")).toBeGreaterThan(runs.indexOf("C"));
    expect(runs.indexOf("D")).toBeGreaterThan(runs.indexOf("B"));
    expect(r.values.B).toEqual({ n: 6 });
  });

  it("serves an unchanged re-run entirely from the cache", async () => {
    const { engine, runs } = stubEngine();
    await engine.run(graph());
    runs.length = 0;
    const r = await engine.run(graph());
    expect(runs).toEqual([]);
    expect(r.ran).toEqual([]);
    expect(r.cached).toEqual(["A", "C", "B", "D", "E", "F"]);
    expect(r.outputs).toEqual({ D: { text: ["6"] }, F: { text: ["5"] } });
  });

  it("re-runs only the changed node and its descendants", async () => {
    const { engine, runs } = stubEngine();
    await engine.run(graph());
    runs.length = 0;
    const r = await engine.run(setParam(graph(), "B", "k", 4));
    expect(runs).toEqual(["B", "D"]);
    expect(r.ran).toEqual(["B", "D"]);
    expect(r.cached).toEqual(["A", "C", "E", "F"]);
    expect(r.outputs.D).toEqual({ text: ["9"] });

    runs.length = 0;
    await engine.run(setParam(setParam(graph(), "B", "k", 4), "C", "value", 10));
    expect(runs).toEqual(["C", "B", "D"]);
  });

  it("treats an omitted param and its explicit default as the same signature", async () => {
    const { engine, runs } = stubEngine();
    await engine.run(setParam(graph(), "B", "mode", "plain"));
    runs.length = 0;
    await engine.run(graph());
    expect(runs).toEqual([]);
  });

  it("runs only what the chosen targets need", async () => {
    const { engine, runs } = stubEngine();
    const r = await engine.run(graph(), { targets: ["F"] });
    expect(runs).toEqual(["E", "F"]);
    expect(Object.keys(r.outputs)).toEqual(["F"]);
    const r2 = await engine.run(graph(), { targets: ["B"] });
    expect(r2.ran.sort()).toEqual(["A", "B", "C"]);
  });

  it("always re-runs a cache:false node and everything downstream of it", async () => {
    const { engine, runs } = stubEngine();
    const w = wf(
      [
        { id: "R", type: "test.Random" },
        { id: "S", type: "test.Show" },
        { id: "X", type: "test.Source" },
        { id: "Y", type: "test.Show" },
      ],
      [
        ["R", "n", "S", "n"],
        ["X", "n", "Y", "n"],
      ],
    );
    await engine.run(w);
    runs.length = 0;
    const r = await engine.run(w);
    expect(runs).toEqual(["R", "S"]);
    expect(r.cached).toEqual(["X", "Y"]);
  });

  it("emits one ordered event stream per job", async () => {
    const { engine, events } = stubEngine();
    const w = wf([{ id: "A", type: "test.Source" }, { id: "S", type: "test.Slow", params: { steps: 2 } }, { id: "D", type: "test.Show" }], [["A", "n", "S", "n"], ["S", "n", "D", "n"]]);
    const r = await engine.run(w, { jobId: "job-1" });
    const summary = events.map((e) => ("nodeId" in e && e.nodeId ? `${e.type}:${e.nodeId}` : e.type));
    expect(summary).toEqual([
      "job_start", "cached",
      "node_start:A", "node_done:A",
      "node_start:S", "progress:S", "preview:S", "progress:S", "preview:S", "node_done:S",
      "node_start:D", "node_done:D",
      "job_done",
    ]);
    expect(events.every((e) => e.jobId === "job-1")).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: "job_done", status: "success" });
    expect(r.values.S).toEqual({ n: 3 });
    const previews = events.flatMap((e) => (e.type === "preview" ? [e.preview] : []));
    expect(previews.map((p) => [p.step, Array.from(p.frames[0] as Uint8Array)])).toEqual([[0, [2, 0, 0]], [1, [3, 0, 0]]]);

    events.length = 0;
    await engine.run(w, { jobId: "job-2" });
    expect(events.map((e) => e.type)).toEqual(["job_start", "cached", "node_done", "job_done"]);
    expect(events[1]).toMatchObject({ nodes: ["A", "S", "D"] });
    expect(events[2]).toMatchObject({ nodeId: "D", cached: true, ui: { text: ["3"] } });
  });

  it("throws on an invalid workflow before emitting anything", async () => {
    const { engine, events } = stubEngine();
    const bad = wf([{ id: "D", type: "test.Show" }], []);
    await expect(engine.run(bad)).rejects.toBeInstanceOf(WorkflowInvalidError);
    expect(events).toEqual([]);
  });

  it("feeds a linked widget through the param's own schema", async () => {
    const { engine } = stubEngine();
    const w = wf(
      [
        { id: "K", type: "test.Source", params: { value: 7 } },
        { id: "A", type: "test.Source" },
        { id: "B", type: "test.Add" },
        { id: "D", type: "test.Show" },
      ],
      [
        ["A", "n", "B", "a"],
        ["K", "n", "B", "k"],
        ["B", "n", "D", "n"],
      ],
    );
    expect((await engine.run(w)).outputs.D).toEqual({ text: ["8"] });
    // 50 is a valid Source value but out of Add.k's -10..10.
    const r = await engine.run(setParam(w, "K", "value", 50));
    expect(r.status).toBe("error");
    expect(r.error).toMatchObject({ nodeId: "B", type: "test.Add" });
    expect(r.error?.message).toMatch(/param "k" from node K/);
  });
});

describe("seed control_after_generate", () => {
  const seeded = (control: string) =>
    wf([{ id: "L", type: "test.Latent", params: { seed: 41, control_after_generate: control } }, { id: "M", type: "test.Measure" }], [["L", "latent", "M", "latent"]]);

  it("returns the next workflow with the seed moved, leaving the input untouched", async () => {
    const { engine } = stubEngine();
    const w = seeded("increment");
    const r = await engine.run(w);
    expect(r.workflow.nodes[0].params.seed).toBe(42);
    expect(w.nodes[0].params.seed).toBe(41);
    expect((await engine.run(seeded("decrement"))).workflow.nodes[0].params.seed).toBe(40);
    expect((await engine.run(seeded("fixed"))).workflow).toEqual(seeded("fixed"));
  });

  it("draws a new seed from the injected random source", async () => {
    const { registry } = makeStubs();
    const engine = createEngine({ registry, services: createServices(), random: () => 0.5 });
    const r = await engine.run(seeded("randomize"));
    expect(r.workflow.nodes[0].params.seed).toBe(Math.floor(0.5 * (Number.MAX_SAFE_INTEGER + 1)));
  });
});

describe("fingerprint", () => {
  let external = "v1";
  const watched = defineNode({
    type: "test.Watched",
    version: 1,
    title: "Watched",
    category: "test",
    description: "depends on state outside its params",
    inputs: {},
    params: {},
    outputs: {},
    output: true,
    fingerprint: () => {
      if (external === "broken") throw new Error("cannot stat file");
      return external;
    },
    run: () => ({ outputs: {}, ui: { text: [external] } }),
  });
  const engine = createEngine({ registry: createRegistry([watched]), services: createServices() });
  const w = wf([{ id: "W", type: "test.Watched" }], []);

  it("re-runs a node when its fingerprint changes, not otherwise", async () => {
    expect((await engine.run(w)).ran).toEqual(["W"]);
    expect((await engine.run(w)).ran).toEqual([]);
    external = "v2";
    const r = await engine.run(w);
    expect(r.ran).toEqual(["W"]);
    expect(r.outputs.W).toEqual({ text: ["v2"] });
  });

  it("fails the job with the node's error when the fingerprint throws", async () => {
    external = "broken";
    const r = await engine.run(w);
    expect(r.status).toBe("error");
    expect(r.error).toMatchObject({ nodeId: "W", type: "test.Watched", message: "cannot stat file" });
    external = "v3";
    expect((await engine.run(w)).status).toBe("success");
  });
});

describe("a node's warnings", () => {
  const warns = defineNode({
    type: "test.Warns",
    version: 1,
    title: "Warns",
    category: "test",
    description: "warns once with a message, once with fields and a message",
    inputs: {},
    params: {},
    outputs: {},
    output: true,
    run: (ctx) => {
      ctx.log.warn("pink is drawn as red");
      ctx.log.warn({ object: 1 }, "object 1 is faint");
      const cycle: Record<string, unknown> = { n: 2 };
      cycle.self = cycle;
      ctx.log.warn(cycle);
      return { outputs: {}, ui: { text: ["ok"] } };
    },
  });

  it("go to the log and out as warning events naming the job and node", async () => {
    const logged: unknown[][] = [];
    const quiet = () => {};
    const logger = { debug: quiet, info: quiet, error: quiet, warn: (...a: unknown[]) => void logged.push(a) };
    const engine = createEngine({ registry: createRegistry([warns]), services: createServices(), logger });
    const events: { jobId: string; nodeId: string; message: string }[] = [];
    engine.on("warning", (e) => void events.push({ jobId: e.jobId, nodeId: e.nodeId, message: e.message }));
    const r = await engine.run(wf([{ id: "W", type: "test.Warns" }], []));
    expect(r.status).toBe("success");
    expect(events).toEqual([
      { jobId: r.jobId, nodeId: "W", message: "pink is drawn as red" },
      { jobId: r.jobId, nodeId: "W", message: "object 1 is faint" },
      { jobId: r.jobId, nodeId: "W", message: "[object Object]" },
    ]);
    expect(logged.slice(0, 2)).toEqual([["pink is drawn as red"], [{ object: 1 }, "object 1 is faint"]]);
    expect(logged).toHaveLength(3);
  });

  it("showNotes, from the public node API, warns each note and shows them all on the node", async () => {
    const notes = defineNode({
      type: "test.Notes", version: 1, title: "Notes", category: "test", description: "two notes, or none",
      inputs: {}, params: { quiet: p.toggle({ default: false }) }, outputs: {}, output: true,
      run: (ctx, { quiet }) => ({ outputs: {}, ui: showNotes(ctx, quiet ? [] : ["read as a ball", "zeppelin is not a word it knows"]) }),
    });
    const engine = createEngine({ registry: createRegistry([notes]), services: createServices() });
    const events: string[] = [];
    engine.on("warning", (e) => void events.push(e.message));
    const r = await engine.run(wf([{ id: "N", type: "test.Notes" }], []));
    expect(events).toEqual(["read as a ball", "zeppelin is not a word it knows"]);
    expect(r.outputs.N?.text).toEqual(["read as a ball", "zeppelin is not a word it knows"]);
    const none = await engine.run(wf([{ id: "N", type: "test.Notes", params: { quiet: true } }], []));
    expect(none.outputs.N).toBeUndefined();
    expect(events).toHaveLength(2);
  });
});
