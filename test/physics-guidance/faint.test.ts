// Physics Guidance and objects the pack's autoencoder loses: the blend's target brings them out
// (`emphasis`), and the node warns about any it still cannot show.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { encodeTarget } from "../../nodes/guidance/target.ts";
import { planarToRgb8, rgb8ToPlanar } from "../../nodes/model/convert.ts";
import type { Frames } from "../../nodes/model/values.ts";
import { SHIPPED_MODELS } from "../../nodes/model/roots.ts";
import { openPack } from "../../nodes/model/runtime.ts";
import { measureClip } from "../../nodes/physics/measure.ts";
import type { PhysicsTraceValue } from "../../nodes/physics-nodes/values.ts";
import { contrastKept, FAINT_BELOW } from "../../nodes/physics-nodes/visibility.ts";
import { template, testEngine, withParams } from "../generate/helpers.ts";

const NIGHT = "two tiny black triangles are thrown to the left under the night sky";

/** Runs the physics-guided template for `prompt` (scene seed `seed`) with Physics Guidance's `params`, up to `target`. */
async function guided(prompt: string, seed: number, params: Record<string, unknown>, target = "7") {
  const engine = testEngine();
  const warned: string[] = [];
  engine.on("warning", (e) => void warned.push(e.message));
  let wf = withParams(template("physics-guided.json"), "2", { text: prompt });
  wf = withParams(withParams(wf, "10", { prompt, seed }), "12", params);
  const r = await engine.run(wf, { targets: [target] });
  expect(r.status).toBe("success");
  return { r, warned, trace: r.values["11"]!.PHYSICS_TRACE as PhysicsTraceValue };
}

describe("Physics Guidance and objects the autoencoder loses", { timeout: 300_000 }, () => {
  it("encodes the simulation so that the decoder shows each tiny black triangle on the night sky", async () => {
    const { trace } = await guided(NIGHT, 3, {}, "11");
    const pack = await openPack(join(SHIPPED_MODELS, "physics-tiny"), "cpu", true);
    const { width: W, height: H, frames: T } = trace.render;
    const range = pack.manifest.rgb_range;
    const kept = async (emphasis: number) => {
      const { decoded } = await encodeTarget(pack, rgb8ToPlanar(trace.render.rgb, T, H, W, range), T, emphasis);
      return contrastKept(trace.render, planarToRgb8(decoded, T, H, W, range), trace.scene);
    };
    // The plain encoding: the decoder draws both as faint smudges.
    expect(Math.max(...(await kept(0)))).toBeLessThan(FAINT_BELOW);
    // What it lost, added back once before encoding: both come out.
    expect(Math.min(...(await kept(1)))).toBeGreaterThan(FAINT_BELOW);
  });

  it("draws them in the guided clip where the plain encoding lost them, and warns only then", async () => {
    const plain = await guided(NIGHT, 3, { emphasis: 0 });
    const shipped = await guided(NIGHT, 3, {});
    const measure = (g: typeof plain) => measureClip(g.r.values["7"]!.FRAMES as Frames, g.trace.scene, g.trace.trace);
    const [mp, ms] = [measure(plain), measure(shipped)];
    // Plain: the triangles show in a few frames at most. Emphasised: both, in every frame.
    expect(mp.predicted.count).toBeLessThan(2);
    expect(mp.detected_frames).toBeLessThan(8);
    expect(ms.count_ok).toBe(true);
    expect(ms.detected_frames).toBe(16);
    expect(ms.trajectory_err_px).toBeLessThan(mp.trajectory_err_px / 4);
    // The node names each object it cannot show, and shows the same notes on the canvas.
    expect(plain.warned.length).toBe(2);
    expect(plain.warned.every((w) => /object [12] \(small black triangle on the night background\) keeps \d+% of its contrast/.test(w))).toBe(true);
    expect(plain.r.outputs["12"]?.text).toEqual(plain.warned);
    expect(shipped.warned).toEqual([]);
  });

  it("warns about nothing in a clear scene", async () => {
    const clear = await guided("a large red ball falls and bounces on the ground", 3, { emphasis: 0 }, "12");
    expect(clear.warned).toEqual([]);
    expect(clear.r.outputs["12"]?.text).toBeUndefined();
  });
});
