import { describe, expect, it } from "vitest";
import { stubEngine, wf } from "./stubs.ts";

// A(Source) → S(Slow) → D(Show)
const slowGraph = (steps: number) =>
  wf(
    [{ id: "A", type: "test.Source", params: { value: 10 } }, { id: "S", type: "test.Slow", params: { steps } }, { id: "D", type: "test.Show" }],
    [["A", "n", "S", "n"], ["S", "n", "D", "n"]],
  );

describe("interrupt", () => {
  it("stops a long node through its AbortSignal at a step boundary", async () => {
    const { engine, events, runs } = stubEngine();
    let steps = 0;
    engine.on("progress", (e) => {
      steps = e.value;
      if (e.value === 3) engine.interrupt(e.jobId);
    });
    const r = await engine.run(slowGraph(10_000), { jobId: "j" });
    expect(r.status).toBe("interrupted");
    expect(steps).toBe(3);
    expect(runs).toEqual(["A", "S"]);
    expect(events.filter((e) => e.type === "interrupted")).toEqual([{ type: "interrupted", jobId: "j", nodeId: "S" }]);
    expect(events.at(-1)).toMatchObject({ type: "job_done", status: "interrupted" });
    expect(engine.running()).toEqual([]);
  });

  it("honours the caller's AbortSignal between nodes", async () => {
    const { engine, runs } = stubEngine();
    const abort = new AbortController();
    engine.on("node_done", (e) => e.nodeId === "A" && abort.abort());
    const r = await engine.run(slowGraph(2), { signal: abort.signal });
    expect(r.status).toBe("interrupted");
    expect(runs).toEqual(["A"]);
    // A finished before the abort, so its output was kept.
    expect(r.ran).toEqual(["A"]);
  });

  it("leaves the engine usable, with finished work cached", async () => {
    const { engine, runs } = stubEngine();
    const off = engine.on("progress", (e) => e.value === 2 && engine.interrupt());
    expect((await engine.run(slowGraph(1000))).status).toBe("interrupted");
    off();
    runs.length = 0;
    const r = await engine.run(slowGraph(3));
    expect(r.status).toBe("success");
    expect(runs).toEqual(["S", "D"]);
    expect(r.outputs.D).toEqual({ text: ["13"] });
  });
});

describe("errors", () => {
  const failGraph = (fail: boolean) =>
    wf(
      [{ id: "A", type: "test.Source", params: { value: 4 } }, { id: "X", type: "test.Fail", params: { fail } }, { id: "D", type: "test.Show" }],
      [["A", "n", "X", "n"], ["X", "n", "D", "n"]],
    );

  it("fails the job with the failing node's id, type and message", async () => {
    const { engine, events, runs } = stubEngine();
    const r = await engine.run(failGraph(true), { jobId: "bad" });
    expect(r.status).toBe("error");
    expect(r.error).toMatchObject({ nodeId: "X", type: "test.Fail", message: "stub failure" });
    expect(runs).toEqual(["A", "X"]);
    expect(events.filter((e) => e.type === "error")).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: "job_done", status: "error", error: { nodeId: "X" } });
  });

  it("does not leak a failure into the next job", async () => {
    const { engine, runs } = stubEngine();
    await engine.run(failGraph(true), { jobId: "same-id" });
    runs.length = 0;
    const r = await engine.run(failGraph(false), { jobId: "same-id" });
    expect(r.status).toBe("success");
    expect(r.error).toBeUndefined();
    expect(runs).toEqual(["X", "D"]);
    expect(r.cached).toEqual(["A"]);
    expect(r.outputs.D).toEqual({ text: ["4"] });
  });
});

describe("live patches", () => {
  it("reaches a running node at a step boundary and is recorded with its step", async () => {
    const { engine, events, runs } = stubEngine();
    const accepted: boolean[] = [];
    const off = engine.on("progress", (e) => {
      if (e.value === 2) accepted.push(engine.patchJob(e.jobId, "S", { gain: 5 }));
    });
    const r = await engine.run(slowGraph(4), { jobId: "live" });
    off();
    expect(accepted).toEqual([true]);
    // steps 0,1 add 1; the patch lands before step 2; steps 2,3 add 5.
    expect(r.values.S).toEqual({ n: 10 + 1 + 1 + 5 + 5 });
    expect(r.patches).toEqual([{ nodeId: "S", values: { gain: 5 }, time: expect.any(Number), appliedBy: "S", atStep: 2 }]);
    expect(events.filter((e) => e.type === "patched")).toHaveLength(1);
    expect(engine.patchJob("live", "S", { gain: 1 })).toBe(false);

    // A patched result does not match the stored workflow, so it is not cached.
    runs.length = 0;
    const again = await engine.run(slowGraph(4));
    expect(runs).toEqual(["S", "D"]);
    expect(again.values.S).toEqual({ n: 14 });
  });

  it("lets a job-wide patch change the remaining number of steps", async () => {
    const { engine } = stubEngine();
    const seen: number[] = [];
    engine.on("progress", (e) => {
      seen.push(e.max);
      if (e.value === 1) engine.patchJob(e.jobId, undefined, { steps: 3 });
    });
    const r = await engine.run(slowGraph(50));
    expect(r.values.S).toEqual({ n: 13 });
    expect(seen).toEqual([50, 3, 3]);
    expect(r.patches[0]).toMatchObject({ appliedBy: "S", atStep: 1, values: { steps: 3 } });
    expect(r.patches[0].nodeId).toBeUndefined();
  });
});

describe("cache budget", () => {
  // One 1000-float latent is 4000 bytes (+ overhead); the 10 kB budget holds two, not three.
  const latent = (seed: number) => wf([{ id: "L", type: "test.Latent", params: { size: 1000, seed } }], []);
  const run = (engine: ReturnType<typeof stubEngine>["engine"], seed: number) => engine.run(latent(seed), { targets: ["L"] });

  it("evicts the least recently used outputs when over its byte budget", async () => {
    const { engine, runs } = stubEngine(10_000);
    await run(engine, 1);
    await run(engine, 2);
    expect(engine.cacheStats()).toMatchObject({ entries: 2 });
    expect(engine.cacheStats().bytes).toBeGreaterThan(8000);
    await run(engine, 1); // a hit, which makes seed 2 the least recently used
    await run(engine, 3); // over budget: evicts seed 2
    expect(engine.cacheStats().entries).toBe(2);
    expect(engine.cacheStats().bytes).toBeLessThanOrEqual(10_000);
    runs.length = 0;
    await run(engine, 1);
    await run(engine, 3);
    expect(runs).toEqual([]);
    await run(engine, 2);
    expect(runs).toEqual(["L"]);
  });

  it("does not store an output bigger than the whole budget", async () => {
    const { engine, runs } = stubEngine(3000);
    await run(engine, 1);
    expect(engine.cacheStats().entries).toBe(0);
    await run(engine, 1);
    expect(runs).toEqual(["L", "L"]);
  });

  it("clearCache() makes everything run again", async () => {
    const { engine, runs } = stubEngine();
    await run(engine, 1);
    engine.clearCache();
    expect(engine.cacheStats()).toMatchObject({ entries: 0, bytes: 0 });
    await run(engine, 1);
    expect(runs).toEqual(["L", "L"]);
  });
});
