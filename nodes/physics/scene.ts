import { z } from "zod";
import { BACKGROUNDS, COLOR_NAMES, MATERIAL_NAMES, MOTIONS, PLACES, SHAPES, SIZE_NAMES, WORLD } from "./vocabulary.ts";

const vec = z.object({ x: z.number(), y: z.number() });

/** One simulated object: what it looks like (names) and its resolved physical state (SI units, y up). */
export const sceneObject = z.object({
  shape: z.enum(SHAPES),
  color: z.enum(COLOR_NAMES as [string, ...string[]]),
  size: z.enum(SIZE_NAMES as [string, ...string[]]),
  material: z.enum(MATERIAL_NAMES as [string, ...string[]]),
  halfExtent: z.number().positive().max(3),
  position: vec,
  velocity: vec,
  angle: z.number().default(0),
  angularVelocity: z.number().default(0),
  restitution: z.number().min(0).max(1.2),
  friction: z.number().min(0).max(2),
  density: z.number().positive().max(100),
});
export type SceneObject = z.infer<typeof sceneObject>;

export const ramp = z.object({
  side: z.enum(["left", "right"]),
  height: z.number().positive().max(6),
  length: z.number().positive().max(8),
});

/** The scene a prompt describes: enough to simulate and render it, deterministic by construction. */
export const sceneSpec = z.object({
  version: z.literal(1).default(1),
  /** Prompts make 1–3; a sketch may draw more (Sketch Scene flags them). */
  objects: z.array(sceneObject).min(1).max(8),
  motion: z.enum(MOTIONS),
  place: z.enum(PLACES),
  background: z.enum(BACKGROUNDS),
  world: z
    .object({
      width: z.number().positive().default(WORLD.width),
      height: z.number().positive().default(WORLD.height),
      groundY: z.number().min(0).default(WORLD.groundY),
      gravity: z.number().min(0).max(100).default(WORLD.gravity),
      walls: z.boolean().default(false),
      ramp: ramp.optional(),
    })
    .prefault({}),
});
export type SceneSpec = z.infer<typeof sceneSpec>;

/** Per-frame pose of each object, plus contacts, as the simulation produced them. */
export const physicsTrace = z.object({
  fps: z.number().positive(),
  frames: z.number().int().positive(),
  poses: z.array(z.array(z.object({ x: z.number(), y: z.number(), angle: z.number() }))),
  contacts: z.array(z.object({ frame: z.number().int(), a: z.number().int(), b: z.number().int() })),
});
export type PhysicsTrace = z.infer<typeof physicsTrace>;
