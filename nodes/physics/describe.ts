import { z } from "zod";
import { createRng } from "./rng.ts";
import type { SceneObject, SceneSpec } from "./scene.ts";
import {
  BACKGROUNDS, COLOR_NAMES, MATERIALS, MATERIAL_NAMES, MOTIONS, PLACES, SHAPES, SIZES, SIZE_NAMES, WORLD,
  type MaterialName, type SizeName,
} from "./vocabulary.ts";

/** What a prompt says about a scene, before numbers are chosen. */
export const sceneDescription = z.object({
  shape: z.enum(SHAPES).default("ball"),
  color: z.enum(COLOR_NAMES as [string, ...string[]]).default("red"),
  size: z.enum(SIZE_NAMES as [string, ...string[]]).default("medium"),
  material: z.enum(MATERIAL_NAMES as [string, ...string[]]).default("normal"),
  count: z.number().int().min(1).max(3).default(1),
  motion: z.enum(MOTIONS).default("falls"),
  place: z.enum(PLACES).optional(),
  background: z.enum(BACKGROUNDS).default("sky"),
  walls: z.boolean().default(false),
});
export type SceneDescription = z.infer<typeof sceneDescription>;

const PLACE_X = { left: 2, center: 4, right: 6 } as const;

function defaultPlace(d: SceneDescription): keyof typeof PLACE_X {
  if (d.motion === "thrown_left" || d.motion === "rolls_left") return "right";
  if (d.motion === "thrown_right" || d.motion === "rolls_right") return "left";
  return "center";
}

/**
 * Chooses the numbers a description leaves open (exact start positions and speeds) from a seed.
 * Same description + seed → same scene.
 */
export function resolveScene(desc: SceneDescription, seed: number): SceneSpec {
  const rng = createRng(seed ^ 0x5eed);
  const place = desc.place ?? defaultPlace(desc);
  const half = SIZES[desc.size as SizeName];
  const mat = MATERIALS[desc.material as MaterialName];
  const ground = WORLD.groundY + half;
  const count = desc.motion === "collide" ? Math.max(2, desc.count) : desc.count;
  const spread = 1.3 + 2 * half;
  const objects: SceneObject[] = [];
  for (let i = 0; i < count; i++) {
    const offset = (i - (count - 1) / 2) * spread;
    const baseX = clamp(PLACE_X[place] + offset + rng.range(-0.3, 0.3), 1 + half, WORLD.width - 1 - half);
    let x = baseX, y = ground, vx = 0, vy = 0;
    switch (desc.motion) {
      case "falls":
        y = rng.range(5.6, 6.6) - 0.35 * i;
        break;
      case "thrown_left":
      case "thrown_right": {
        // Speeds keep the flight inside the 8 m view for the clip's two seconds.
        const dir = desc.motion === "thrown_left" ? -1 : 1;
        x = clamp(dir < 0 ? 6.2 - 0.8 * i * spread : 1.8 + 0.8 * i * spread, 1 + half, WORLD.width - 1 - half);
        y = rng.range(2.2, 3.4) + 0.9 * i;
        vx = dir * rng.range(2.0, 2.8);
        vy = rng.range(2.0, 4.0);
        break;
      }
      case "thrown_up":
        vy = rng.range(6.0, 7.5);
        break;
      case "rolls_left":
      case "rolls_right": {
        // Rolling and icy sliding keep their speed; normal sliding loses it to friction.
        const dir = desc.motion === "rolls_left" ? -1 : 1;
        const keeps = desc.shape === "ball" || desc.material === "slippery";
        vx = dir * (keeps ? rng.range(1.6, 2.3) : rng.range(3.6, 4.6));
        // The group starts at the far side, spread out along its way.
        const lead = dir < 0 ? WORLD.width - 1 - half : 1 + half;
        x = clamp(lead + dir * i * spread, 1 + half, WORLD.width - 1 - half);
        break;
      }
      case "collide": {
        const fromLeft = i % 2 === 0;
        if (i < 2) {
          x = fromLeft ? 1 + half + rng.range(0, 0.3) : WORLD.width - 1 - half - rng.range(0, 0.3);
          vx = (fromLeft ? 1 : -1) * (desc.shape === "ball" ? rng.range(2.2, 3.0) : rng.range(4, 5));
        } else {
          x = 4 + rng.range(-0.3, 0.3);
          y = rng.range(5.8, 6.6);
        }
        break;
      }
    }
    objects.push({
      shape: desc.shape, color: desc.color, size: desc.size, material: desc.material,
      halfExtent: half, position: { x, y }, velocity: { x: vx, y: vy },
      angle: desc.shape === "ball" ? 0 : rng.range(-0.15, 0.15), angularVelocity: 0,
      restitution: mat.restitution, friction: mat.friction, density: mat.density,
    });
  }
  return {
    version: 1, objects, motion: desc.motion, place, background: desc.background,
    world: { width: WORLD.width, height: WORLD.height, groundY: WORLD.groundY, gravity: WORLD.gravity, walls: desc.walls },
  };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
