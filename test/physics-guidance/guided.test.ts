import { describe, expect, it } from "vitest";
import type { Frames } from "../../nodes/model/values.ts";
import { measureClip } from "../../nodes/physics/measure.ts";
import type { PhysicsTraceValue } from "../../nodes/physics-nodes/values.ts";
import { testEngine, template, withParams } from "../generate/helpers.ts";

describe("one real physics-guided generation", { timeout: 300_000 }, () => {
  it("tracks the simulation more closely than the unguided run with the same seed", async () => {
    const engine = testEngine();
    const prompt = "a large red ball falls and bounces on the ground";
    let guided = withParams(template("physics-guided.json"), "2", { text: prompt });
    guided = withParams(guided, "10", { prompt, seed: 5 });
    const g = await engine.run(guided, { targets: ["7"] });
    expect(g.status).toBe("success");
    const u = await engine.run(withParams(template(), "2", { text: prompt }), { targets: ["7"] });
    expect(u.status).toBe("success");
    const truth = g.values["11"]!.PHYSICS_TRACE as PhysicsTraceValue;
    const mg = measureClip(g.values["7"]!.FRAMES as Frames, truth.scene, truth.trace);
    const mu = measureClip(u.values["7"]!.FRAMES as Frames, truth.scene, truth.trace);
    expect(mg.trajectory_err_px).toBeLessThan(mu.trajectory_err_px);
    expect(mg.trajectory_err_px).toBeLessThan(6);
  });
});
