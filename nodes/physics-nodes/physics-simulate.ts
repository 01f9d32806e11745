import { renderClip } from "../physics/render.ts";
import { simulate } from "../physics/simulate.ts";
import { PHYSICS_SCENE, PHYSICS_TRACE } from "../../core/node/sockets.ts";
import { defineNode, p } from "../../core/node/definition.ts";
import { drawTrajectories, writeTempPng } from "./plot.ts";
import "./values.ts";

export default defineNode({
  type: "t2v.PhysicsSimulate",
  version: 1,
  title: "Physics Simulate",
  category: "physics",
  description: "PHYSICS_SCENE → PHYSICS_TRACE: per-frame object poses and contacts from Rapier's deterministic 2D engine, drawn at the clip's size. Shows the trajectories.",
  inputs: { scene: { type: PHYSICS_SCENE } },
  params: {
    frames: p.int({ default: 16, min: 2, max: 256 }),
    fps: p.int({ default: 8, min: 1, max: 60 }),
    width: p.int({ default: 64, min: 16, max: 1024, step: 8 }),
    height: p.int({ default: 64, min: 16, max: 1024, step: 8 }),
  },
  outputs: { PHYSICS_TRACE },
  run: async (ctx, { scene, frames, fps, width, height }) => {
    const trace = await simulate(scene.scene, { frames, fps, timeScale: scene.timeScale });
    const render = renderClip(scene.scene, trace, { width, height });
    const plot = drawTrajectories(render.rgb.subarray(0, width * height * 3), width, height, scene.scene, trace);
    const image = await writeTempPng(ctx.services, "trajectories", plot, width * 4, height * 4);
    return {
      outputs: { PHYSICS_TRACE: { scene: scene.scene, trace, render, timeScale: scene.timeScale } },
      ui: { images: [image], contacts: [trace.contacts.length] },
    };
  },
});
