import { describe, expect, it } from "vitest";
import { loadTokenizer, readManifest } from "../../nodes/model/pack.ts";
import { testEngine, template, withParams } from "./helpers.ts";

const PACK = "models/physics-tiny";

describe("the sampling stack in the engine", { timeout: 300_000 }, () => {
  it("re-running with only steps changed takes text encode, model load and noise from the cache", async () => {
    const engine = testEngine();
    const first = await engine.run(template(), { targets: ["7"] });
    expect(first.status).toBe("success");
    expect(first.outputs["6"]).toMatchObject({ steps: [20], model_calls: [20] });
    const second = await engine.run(withParams(template(), "5", { steps: 8 }), { targets: ["7"] });
    expect(second.status).toBe("success");
    expect(second.cached.sort()).toEqual(["1", "2", "3", "4"]);
    expect(second.ran.sort()).toEqual(["5", "6", "7"]);
    expect(second.outputs["6"]).toMatchObject({ steps: [8], model_calls: [8] });
  });

  it("patching steps mid-run changes the model calls and is recorded", async () => {
    const engine = testEngine();
    let patched = false;
    const off = engine.on("progress", (e) => {
      if (!patched && e.nodeId === "6" && e.value === 5) patched = engine.patchJob(e.jobId, "6", { steps: 10 });
    });
    const r = await engine.run(template(), { targets: ["7"] });
    off();
    expect(patched).toBe(true);
    expect(r.status).toBe("success");
    // euler: one batched model call per step; 20 planned, cut to 10 after step 5.
    expect(r.outputs["6"]).toMatchObject({ steps: [10], model_calls: [10] });
    expect(r.patches).toHaveLength(1);
    expect(r.patches[0]).toMatchObject({ values: { steps: 10 }, appliedBy: "6", atStep: 5 });
  });

  it("cfg = 1 runs one pass per step; a CUDA request falls back to CPU with a note, or fails as asked", async () => {
    const engine = testEngine();
    const r = await engine.run(withParams(withParams(template(), "6", { cfg: 1 }), "5", { steps: 4 }), { targets: ["7"] });
    expect(r.outputs["6"]).toMatchObject({ model_calls: [4] });
    const cuda = await engine.run(withParams(template(), "1", { device: "cuda" }), { targets: ["1"] });
    expect(cuda.status).toBe("success");
    expect(String(cuda.outputs["1"]?.text)).toMatch(/CUDA execution provider is not available.*running on CPU/);
    const strict = await engine.run(withParams(template(), "1", { device: "cuda", if_unavailable: "fail" }), { targets: ["1"] });
    expect(strict.status).toBe("error");
    expect(strict.error?.message).toMatch(/CUDA/);
  });

  it("text encode reports words outside the vocabulary", async () => {
    const engine = testEngine();
    // Naming nothing else of a scene, so the pack's prompt reader leaves it as typed (read-prompt.test.ts).
    const r = await engine.run(withParams(template(), "2", { text: "a zeppelin" }), { targets: ["2"] });
    expect(r.outputs["2"]?.text).toEqual(["not in the model's vocabulary: zeppelin"]);
  });

  it("text encode reads punctuation as a space and draws a colour outside the palette as the nearest, saying so", async () => {
    const engine = testEngine();
    const r = await engine.run(withParams(template(), "2", { text: "A Pink ball falls, at sunset!" }), { targets: ["2"] });
    expect(r.outputs["2"]?.text).toEqual(['"pink" is not a colour this model draws: drawn as red, the nearest it has']);
    const tokenize = loadTokenizer(PACK, readManifest(PACK));
    const typed = tokenize("Three RED balls, at Sunset! (2 walls.)");
    expect(typed.unknown).toEqual([]);
    expect([...typed.ids]).toEqual([...tokenize("three red balls at sunset 2 walls").ids]);
  });
});
