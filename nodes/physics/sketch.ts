// A drawn scene (Sketch Scene's widget) → the scene spec the simulator takes, and what in the
// drawing lies outside what the model learned. Coordinates are the world's: metres, y up, the
// 8 m × 8 m square the camera sees (x right from the left edge, y up from the bottom edge).
import { z } from "zod";
import type { SceneDescription } from "./describe.ts";
import { sceneSpec, type SceneSpec } from "./scene.ts";
import {
  BACKGROUNDS, COLORS, COLOR_NAMES, MATERIALS, MATERIAL_NAMES, SHAPES, SIZES, WORLD,
  type MaterialName, type MotionName, type PlaceName, type SizeName,
} from "./vocabulary.ts";

/** The most objects a sketch may hold; the model learned scenes of 1–3. */
export const SKETCH_MAX_OBJECTS = 8;
const LEARNED_OBJECTS = 3;
/** Half-extents the model saw (the named sizes, ± a little). */
const LEARNED_HALF = { min: SIZES.small * 0.85, max: SIZES.large * 1.15 };
/** Speeds (m/s) the prompt scenes use at most. */
const LEARNED_SPEED = 4.5;

export const sketchObject = z.object({
  shape: z.enum(SHAPES),
  color: z.enum(COLOR_NAMES as [string, ...string[]]),
  material: z.enum(MATERIAL_NAMES as [string, ...string[]]).default("normal"),
  /** Centre, metres. */
  x: z.number().min(-2).max(WORLD.width + 2),
  y: z.number().min(-2).max(WORLD.height + 4),
  /** Half-extent (radius for a ball), metres. */
  size: z.number().min(0.15).max(2),
  /** Initial velocity, m/s (the arrow). */
  vx: z.number().min(-20).max(20).default(0),
  vy: z.number().min(-20).max(20).default(0),
});
export type SketchObject = z.infer<typeof sketchObject>;

export const sketchSchema = z.object({
  version: z.literal(1).default(1),
  objects: z.array(sketchObject).min(1, "draw at least one object").max(SKETCH_MAX_OBJECTS),
  /** Top of the ground, metres above the bottom edge (the drawn ground line). */
  ground: z.number().min(0).max(WORLD.height - 1).default(WORLD.groundY),
  walls: z.boolean().default(false),
  ramp: z.object({ side: z.enum(["left", "right"]), height: z.number().positive().max(6), length: z.number().positive().max(8) }).optional(),
  background: z.enum(BACKGROUNDS).default("sky"),
});
export type Sketch = z.infer<typeof sketchSchema>;

/** The template's sketch: two balls, the left one pushed toward the right one. */
export const DEFAULT_SKETCH: Sketch = {
  version: 1,
  objects: [
    { shape: "ball", color: "red", material: "normal", x: 2, y: 1.65, size: 0.65, vx: 3, vy: 0 },
    { shape: "ball", color: "red", material: "normal", x: 5.5, y: 1.65, size: 0.65, vx: 0, vy: 0 },
  ],
  ground: WORLD.groundY,
  walls: false,
  background: "sky",
};

/** What the editor's sketch widget needs: the palette, the world, and how arrows map to speed. */
export const SKETCH_EDITOR_OPTIONS = {
  world: { width: WORLD.width, height: WORLD.height, groundY: WORLD.groundY },
  shapes: [...SHAPES],
  colors: Object.fromEntries(COLOR_NAMES.map((c) => [c, COLORS[c]])),
  materials: [...MATERIAL_NAMES],
  backgrounds: [...BACKGROUNDS],
  sizes: { ...SIZES },
  maxObjects: SKETCH_MAX_OBJECTS,
  /** An arrow this many metres long is 1 m/s. */
  metresPerSpeed: 0.5,
};

/** Parses the widget's JSON; errors name the field. */
export function parseSketch(text: string): Sketch {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`sketch: not valid JSON (${(e as Error).message})`);
  }
  const r = sketchSchema.safeParse(raw);
  if (!r.success) throw new Error(`sketch: ${z.prettifyError(r.error)}`);
  return r.data;
}

const nearestSize = (half: number): SizeName =>
  (Object.keys(SIZES) as SizeName[]).reduce<SizeName>((best, name) => (Math.abs(SIZES[name] - half) < Math.abs(SIZES[best] - half) ? name : best), "medium");

/** The motion word for a sketch: from its arrows, as the grammar names motions. */
export function sketchMotion(s: Sketch): MotionName {
  const moving = s.objects.filter((o) => Math.hypot(o.vx, o.vy) > 0.3);
  if (moving.length === 0) return "falls";
  const onGround = (o: SketchObject) => o.y - o.size <= s.ground + 0.25;
  // Two objects pushed toward each other (or one at the other) collide.
  if (s.objects.length >= 2) {
    const towards = moving.some((m) => s.objects.some((o) => o !== m && Math.sign(o.x - m.x) === Math.sign(m.vx) && Math.abs(m.vx) > 0.3));
    if (towards) return "collide";
  }
  const vx = moving.reduce((a, o) => a + o.vx, 0) / moving.length;
  const vy = moving.reduce((a, o) => a + o.vy, 0) / moving.length;
  if (vy > Math.abs(vx) && vy > 1) return "thrown_up";
  const side = vx < 0 ? "left" : "right";
  return moving.every(onGround) && Math.abs(vy) < 0.5 ? `rolls_${side}` : `thrown_${side}`;
}

function sketchPlace(s: Sketch): PlaceName {
  const x = s.objects.reduce((a, o) => a + o.x, 0) / s.objects.length;
  return x < WORLD.width / 3 ? "left" : x > (2 * WORLD.width) / 3 ? "right" : "center";
}

/** The scene the simulator runs: exactly the drawn positions, sizes and velocities. */
export function sketchToScene(s: Sketch): SceneSpec {
  return sceneSpec.parse({
    version: 1,
    objects: s.objects.map((o) => {
      const m = MATERIALS[o.material as MaterialName];
      return {
        shape: o.shape,
        color: o.color,
        size: nearestSize(o.size),
        material: o.material,
        halfExtent: o.size,
        position: { x: o.x, y: o.y },
        velocity: { x: o.vx, y: o.vy },
        restitution: m.restitution,
        friction: m.friction,
        density: m.density,
      };
    }),
    motion: sketchMotion(s),
    place: sketchPlace(s),
    background: s.background,
    world: { groundY: s.ground, walls: s.walls, ...(s.ramp ? { ramp: s.ramp } : {}) },
  });
}

/** The grammar's description of a sketch: what Describe Scene phrases. Mixed kinds take the first object's. */
export function sketchDescription(scene: SceneSpec): SceneDescription {
  const first = scene.objects[0]!;
  return {
    shape: first.shape,
    color: first.color,
    size: first.size,
    material: first.material,
    count: Math.min(LEARNED_OBJECTS, scene.objects.length),
    motion: scene.motion,
    place: scene.place,
    background: scene.background,
    walls: scene.world.walls,
  };
}

/** What in a scene lies outside what the model learned, one line each (empty: all within). */
export function outsideRange(scene: SceneSpec): string[] {
  const out: string[] = [];
  const objs = scene.objects;
  if (objs.length > LEARNED_OBJECTS) out.push(`${objs.length} objects: the model learned 1–${LEARNED_OBJECTS}`);
  for (const key of ["shape", "color", "material"] as const) {
    const kinds = [...new Set(objs.map((o) => o[key]))];
    if (kinds.length > 1) out.push(`mixed ${key}s (${kinds.join(", ")}): the model learned scenes of one ${key}; the prompt names the first`);
  }
  const half = objs.map((o) => o.halfExtent);
  if (Math.max(...half) - Math.min(...half) > 0.2) out.push("mixed sizes: the model learned scenes of one size");
  objs.forEach((o, i) => {
    const n = i + 1;
    if (o.halfExtent < LEARNED_HALF.min || o.halfExtent > LEARNED_HALF.max) out.push(`object ${n}: size ${o.halfExtent.toFixed(2)} m is outside the learned ${LEARNED_HALF.min.toFixed(2)}–${LEARNED_HALF.max.toFixed(2)} m`);
    const speed = Math.hypot(o.velocity.x, o.velocity.y);
    if (speed > LEARNED_SPEED) out.push(`object ${n}: speed ${speed.toFixed(1)} m/s is above the learned ${LEARNED_SPEED} m/s`);
    const { x, y } = o.position;
    if (x - o.halfExtent < 0 || x + o.halfExtent > scene.world.width || y + o.halfExtent > scene.world.height) out.push(`object ${n} starts partly outside the frame`);
    if (y - o.halfExtent < scene.world.groundY - 0.05) out.push(`object ${n} starts below the ground`);
  });
  if (Math.abs(scene.world.groundY - WORLD.groundY) > 0.25) out.push(`ground at ${scene.world.groundY.toFixed(1)} m: the model learned ${WORLD.groundY} m`);
  if (scene.world.ramp) out.push("a ramp: the model has not learned ramps (it is simulated and guided)");
  return out;
}

