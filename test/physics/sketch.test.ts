import { describe, expect, it } from "vitest";
import { registry } from "../../nodes/index.ts";
import type { Frames } from "../../nodes/model/values.ts";
import { DEFAULT_PACK, SHIPPED_MODELS } from "../../nodes/model/roots.ts";
import { findPack, loadTokenizer } from "../../nodes/model/pack.ts";
import { phrase } from "../../nodes/physics/phrase.ts";
import { createRng } from "../../nodes/physics/rng.ts";
import { DEFAULT_SKETCH, outsideRange, parseSketch, sketchDescription, sketchMotion, sketchToScene, type Sketch } from "../../nodes/physics/sketch.ts";
import type { PhysicsTraceValue } from "../../nodes/physics-nodes/values.ts";
import { drawSketch, startPositionError } from "../../training/eval/sketch.ts";
import { testEngine, template, withParams } from "../generate/helpers.ts";

const ball = (x: number, y: number, o: Partial<Sketch["objects"][number]> = {}): Sketch["objects"][number] => ({ shape: "ball", color: "red", material: "normal", x, y, size: 0.65, vx: 0, vy: 0, ...o });
const sketch = (objects: Sketch["objects"], o: Partial<Sketch> = {}): Sketch => ({ version: 1, objects, ground: 1, walls: false, background: "sky", ...o });

describe("sketch → scene", () => {
  it("keeps the drawn positions, sizes and velocities exactly, and names the motion from the arrows", () => {
    const scene = sketchToScene(sketch([ball(2.3, 4.1, { size: 0.52, vx: 1.7, vy: 2.2 })]));
    expect(scene.objects[0]).toMatchObject({ position: { x: 2.3, y: 4.1 }, velocity: { x: 1.7, y: 2.2 }, halfExtent: 0.52, size: "small" });
    expect(scene.world.groundY).toBe(1);
    expect(sketchMotion(sketch([ball(2, 1.65, { vx: -2 })]))).toBe("rolls_left");
    expect(sketchMotion(sketch([ball(2, 4, { vx: 2, vy: 1 })]))).toBe("thrown_right");
    expect(sketchMotion(sketch([ball(2, 1.65, { vx: 3 }), ball(5, 1.65)]))).toBe("collide");
    expect(sketchMotion(sketch([ball(4, 5)]))).toBe("falls");
  });

  it("refuses bad JSON and bad fields by name", () => {
    expect(() => parseSketch("{")).toThrow(/sketch: not valid JSON/);
    expect(() => parseSketch(JSON.stringify({ objects: [{ ...ball(1, 1), shape: "star" }] }))).toThrow(/objects\[0\]\.shape|shape/);
    expect(() => parseSketch(JSON.stringify({ objects: [] }))).toThrow(/draw at least one object/);
  });

  it("lists what the model has not learned, and still makes a scene to simulate", () => {
    expect(outsideRange(sketchToScene(DEFAULT_SKETCH))).toEqual([]);
    const many = sketch([ball(1.5, 2), ball(3, 2, { color: "blue" }), ball(4.5, 2), ball(6, 2, { size: 1.4, vx: 9 })]);
    const out = outsideRange(sketchToScene(many)).join("\n");
    expect(out).toMatch(/4 objects: the model learned 1–3/);
    expect(out).toMatch(/mixed colors \(red, blue\)/);
    expect(out).toMatch(/object 4: size 1\.40 m/);
    expect(out).toMatch(/object 4: speed 9\.0 m\/s/);
    expect(sketchToScene(many).objects).toHaveLength(4);
  });

  it("is described in words the model's tokenizer knows", () => {
    const pack = findPack([SHIPPED_MODELS], DEFAULT_PACK)!;
    const tokenize = loadTokenizer(pack.dir, pack.manifest!);
    for (let i = 0; i < 40; i++) {
      const text = phrase(sketchDescription(sketchToScene(drawSketch(i).sketch)), createRng(i));
      expect(tokenize(text).unknown, text).toEqual([]);
    }
  });
});

describe("the sketch-to-video template", { timeout: 300_000 }, () => {
  it("starts the clip where the sketch puts the objects and follows its simulation", async () => {
    const drawn = sketch([ball(2.2, 3.4, { color: "blue", vx: 2.5, vy: 1 }), ball(5.6, 1.65, { color: "blue" })]);
    const wf = withParams(template("sketch-to-video.json"), "10", { sketch: JSON.stringify(drawn) });
    const r = await testEngine().run(wf, { targets: ["7"] });
    expect(r.status, r.error?.message).toBe("success");
    expect(r.values["14"]!.STRING).toMatch(/two blue balls/);
    const frames = r.values["7"]!.FRAMES as Frames;
    const scene = sketchToScene(drawn);
    // The same drawing moved 1.5 m: the error must see it.
    const moved = sketchToScene({ ...drawn, objects: drawn.objects.map((o) => ({ ...o, x: o.x + 1.5 })) });
    expect(startPositionError(frames, scene)).toBeLessThan(3);
    expect(startPositionError(frames, moved)).toBeGreaterThan(6);
    const trace = r.values["11"]!.PHYSICS_TRACE as PhysicsTraceValue;
    expect(trace.scene.objects[0]!.position).toEqual({ x: 2.2, y: 3.4 });
    expect(registry.get("t2v.SketchScene")).toBeDefined();
  });
});
