import { z } from "zod";
import { readPrompt } from "../generate/read-prompt.ts";
import { substitutionNote } from "../model/color-words.ts";
import { resolveScene } from "../physics/describe.ts";
import { parsePrompt } from "../physics/parse.ts";
import { sceneSpec, type SceneSpec } from "../physics/scene.ts";
import { PHYSICS_SCENE, TEXT_ENCODER } from "../../core/node/sockets.ts";
import { defineNode, p } from "../../core/node/definition.ts";
import "./values.ts";

export const GRAVITY_PRESETS = { earth: 9.81, moon: 1.62, mars: 3.71, jupiter: 24.79 } as const;

/** Applies the user's overrides; multipliers leave the prompt's materials in charge by default. */
export function applyOverrides(scene: SceneSpec, o: { gravity: number; restitution_scale: number; friction_scale: number; speed_scale: number }): SceneSpec {
  return {
    ...scene,
    world: { ...scene.world, gravity: o.gravity },
    objects: scene.objects.map((ob) => ({
      ...ob,
      restitution: Math.min(1.2, ob.restitution * o.restitution_scale),
      friction: Math.min(2, ob.friction * o.friction_scale),
      velocity: { x: ob.velocity.x * o.speed_scale, y: ob.velocity.y * o.speed_scale },
    })),
  };
}

export default defineNode({
  type: "t2v.PhysicsScene",
  version: 1,
  title: "Physics Scene",
  category: "physics",
  description: "Prompt (or an explicit scene JSON) → PHYSICS_SCENE: objects, positions, velocities, materials, ground and walls. Lists the prompt words it could not map. With a pack wired to clip, a prompt in other words than the training grammar's is read by the pack's prompt reader, as Text Encode reads it. Override gravity to ask \"and on the Moon?\".",
  inputs: { clip: { type: TEXT_ENCODER, optional: true, description: "A pack with a prompt reader: reads the prompt as Text Encode does" } },
  params: {
    prompt: p.multiline({ default: "a red ball falls and bounces on the ground", description: "Describes the scene" }),
    scene_json: p.multiline({ default: "", description: "Optional explicit scene (overrides the prompt); see nodes/physics/scene.ts" }),
    seed: p.seed({ default: 1, description: "Chooses the exact start positions and speeds the prompt leaves open" }),
    gravity_preset: p.choice(["earth", "moon", "mars", "jupiter", "custom"], { default: "earth" }),
    gravity: p.float({ default: 9.81, min: 0, max: 100, step: 0.01, description: "m/s², used when the preset is custom" }),
    restitution_scale: p.float({ default: 1, min: 0, max: 2, step: 0.05, description: "× bounciness" }),
    friction_scale: p.float({ default: 1, min: 0, max: 4, step: 0.05, description: "× friction" }),
    speed_scale: p.float({ default: 1, min: 0, max: 4, step: 0.05, description: "× initial speed" }),
    time_scale: p.float({ default: 1, min: 0.1, max: 4, step: 0.05, description: "simulated seconds per video second" }),
  },
  outputs: { PHYSICS_SCENE },
  run: async (_ctx, i) => {
    let scene: SceneSpec;
    let unmapped: string[] = [];
    let notes: string[] = [];
    let description;
    if (i.scene_json.trim()) {
      let raw: unknown;
      try {
        raw = JSON.parse(i.scene_json);
      } catch (e) {
        throw new Error(`scene_json: not valid JSON (${(e as Error).message})`);
      }
      const parsed = sceneSpec.safeParse(raw);
      if (!parsed.success) throw new Error(`scene_json: ${z.prettifyError(parsed.error)}`);
      scene = parsed.data;
    } else {
      const r = parsePrompt(i.prompt);
      const reading = i.clip ? await readPrompt(i.clip.pack, i.prompt) : undefined;
      description = reading?.description ?? r.description;
      unmapped = reading?.unknown ?? r.unmapped;
      notes = r.substituted.map(substitutionNote);
      if (reading) notes.push(`read as "${reading.text}"`);
      scene = resolveScene(description, i.seed);
    }
    const gravity = i.gravity_preset === "custom" ? i.gravity : GRAVITY_PRESETS[i.gravity_preset];
    scene = applyOverrides(scene, { ...i, gravity });
    return {
      outputs: { PHYSICS_SCENE: { scene, description, unmapped, timeScale: i.time_scale } },
      ui: { text: [...notes, unmapped.length ? `not mapped: ${unmapped.join(", ")}` : "every word mapped"], scene: [scene] },
    };
  },
});
