// The worked example of docs/nodes-api.md, registered next to a test source and run by the real engine.
import { describe, expect, it } from "vitest";
import { createEngine, createRegistry, catalogue } from "../../core/engine/index.ts";
import { defineNode, FRAMES, p } from "../../core/index.ts";
import { createServices } from "../../server/services.ts";
import { nodes } from "../../examples/node-pack/index.ts";
import { wf } from "./stubs.ts";

const solid = defineNode({
  type: "test.SolidFrames",
  version: 1,
  title: "Solid Frames",
  category: "test",
  description: "a grey clip",
  inputs: {},
  params: { frames: p.int({ default: 4, min: 1, max: 64 }), value: p.int({ default: 200, min: 0, max: 255 }) },
  outputs: { FRAMES },
  run: (_ctx, { frames, value }) => ({
    outputs: { FRAMES: { rgb: new Uint8Array(frames * 2 * 2 * 3).fill(value), width: 2, height: 2, frames, batch: 1, fps: 8 } },
  }),
});
const grab = defineNode({
  type: "test.FirstPixels",
  version: 1,
  title: "First Pixels",
  category: "test",
  description: "output node: the red value of each frame's first pixel",
  inputs: { frames: { type: FRAMES } },
  params: {},
  outputs: {},
  output: true,
  run: (_ctx, { frames }) => ({
    outputs: {},
    ui: { text: Array.from({ length: frames.frames }, (_, f) => String(frames.rgb[f * frames.width * frames.height * 3])) },
  }),
});

function engineWithPack() {
  const registry = createRegistry([solid, grab, ...nodes]);
  return { registry, engine: createEngine({ registry, services: createServices({ outputDir: "/tmp/t2v-test-out" }) }) };
}

describe("the example node pack", () => {
  it("fades a clip in over the chosen frames", async () => {
    const { engine } = engineWithPack();
    const doc = wf(
      [
        { id: "1", type: "test.SolidFrames", params: { frames: 6, value: 200 } },
        { id: "2", type: "example.FadeIn", params: { over: 4, from: 0 } },
        { id: "3", type: "test.FirstPixels" },
      ],
      [
        ["1", "FRAMES", "2", "frames"],
        ["2", "FRAMES", "3", "frames"],
      ],
    );
    const r = await engine.run(doc);
    expect(r.status).toBe("success");
    expect(r.outputs["3"]).toEqual({ text: ["0", "50", "100", "150", "200", "200"] });
  });

  it("is refused with the node and field named when a param is out of range", async () => {
    const { engine } = engineWithPack();
    const doc = wf(
      [
        { id: "1", type: "test.SolidFrames" },
        { id: "2", type: "example.FadeIn", params: { over: 0 } },
        { id: "3", type: "test.FirstPixels" },
      ],
      [
        ["1", "FRAMES", "2", "frames"],
        ["2", "FRAMES", "3", "frames"],
      ],
    );
    await expect(engine.run(doc)).rejects.toThrow(/2.*over/);
  });

  it("appears in the catalogue the editor builds its menu from", () => {
    const { registry } = engineWithPack();
    const entry = catalogue(registry).find((n) => n.type === "example.FadeIn");
    expect(entry?.category).toBe("video/effects");
    expect(entry?.inputs.map((i) => i.type)).toEqual(["FRAMES"]);
    expect(entry?.params.find((q) => q.name === "from")?.kind).toBe("slider");
  });
});
