import { DEFAULT_SKETCH, outsideRange, parseSketch, SKETCH_EDITOR_OPTIONS, sketchToScene } from "../physics/sketch.ts";
import { PHYSICS_SCENE } from "../../core/node/sockets.ts";
import { defineNode, p } from "../../core/node/definition.ts";
import "./values.ts";

export default defineNode({
  type: "t2v.SketchScene",
  version: 1,
  title: "Sketch Scene",
  category: "physics",
  description:
    "Draw the scene: balls, boxes and triangles (drag to size), arrows for their initial velocity, the ground line, walls, a ramp, the background. → PHYSICS_SCENE with exactly the drawn positions, sizes and speeds. What the model has not learned (too many objects, mixed kinds, odd sizes) is listed on the node; it still simulates.",
  inputs: {},
  params: {
    sketch: p.multiline({ default: JSON.stringify(DEFAULT_SKETCH), editor: { widget: "sketch", options: SKETCH_EDITOR_OPTIONS }, description: "The drawing, as JSON (world metres, y up; see nodes/physics/sketch.ts)" }),
    time_scale: p.float({ default: 1, min: 0.1, max: 4, step: 0.05, description: "simulated seconds per video second" }),
  },
  outputs: { PHYSICS_SCENE },
  run: (_ctx, { sketch, time_scale }) => {
    const scene = sketchToScene(parseSketch(sketch));
    const outside = outsideRange(scene);
    return {
      outputs: { PHYSICS_SCENE: { scene, unmapped: [], timeScale: time_scale } },
      ui: { text: outside.length ? outside.map((o) => `outside the model's range: ${o}`) : ["within what the model learned"], scene: [scene], outside },
    };
  },
});
