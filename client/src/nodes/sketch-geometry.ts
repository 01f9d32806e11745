// The sketch widget's model: reading the param's JSON and the catalogue's palette, world ↔ pixel,
// and what one finished gesture (or the draft of one in progress) does to the drawing.
import { z } from "zod";

/** The palette and world the catalogue sends with the param (param.editor.options). */
export const sketchOptions = z.object({
  world: z.object({ width: z.number().positive(), height: z.number().positive(), groundY: z.number() }),
  shapes: z.array(z.string()).min(1),
  colors: z.record(z.string(), z.array(z.number()).length(3)),
  materials: z.array(z.string()).min(1),
  backgrounds: z.array(z.string()).min(1),
  sizes: z.object({ medium: z.number().positive() }).catchall(z.number()),
  maxObjects: z.number().int().positive(),
  metresPerSpeed: z.number().positive(),
});
export type SketchOptions = z.infer<typeof sketchOptions>;

// Loose on purpose: the node checks ranges when it runs; the widget only needs a drawable shape.
const drawnObject = z.object({
  shape: z.string(),
  color: z.string(),
  material: z.string().default("normal"),
  x: z.number(),
  y: z.number(),
  size: z.number().positive(),
  vx: z.number().default(0),
  vy: z.number().default(0),
});
export type DrawnObject = z.infer<typeof drawnObject>;

const drawnSketch = z.object({
  version: z.literal(1).default(1),
  objects: z.array(drawnObject),
  ground: z.number().optional(),
  walls: z.boolean().default(false),
  ramp: z.object({ side: z.enum(["left", "right"]), height: z.number().positive(), length: z.number().positive() }).optional(),
  background: z.string().optional(),
});
export type Drawing = Omit<z.infer<typeof drawnSketch>, "ground" | "background"> & { ground: number; background: string };

export interface Point {
  x: number;
  y: number;
}

/** Limits the drawing tools keep to (the node's schema allows a little more). */
const DRAWN_HALF = { min: 0.3, max: 1.5 };
const SPEED_MAX = 20;
const RAMP_MAX = { height: 6, length: 8 };
/** Within this many metres of the left or right edge, a ramp drag starts at that edge. */
const EDGE_REACH = 2;
/** Pointer travel (px) below which a gesture is a click. */
export const CLICK_PX = 3;

export const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const cm = (v: number) => Math.round(v * 100) / 100;

export function emptyDrawing(o: SketchOptions): Drawing {
  return { version: 1, objects: [], ground: o.world.groundY, walls: false, background: o.backgrounds[0]! };
}

/** The param's text as a drawing, or why it is not one. */
export function readDrawing(text: string, o: SketchOptions): { drawing: Drawing } | { problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { problem: `not valid JSON (${e instanceof Error ? e.message : String(e)})` };
  }
  const r = drawnSketch.safeParse(raw);
  if (!r.success) return { problem: z.prettifyError(r.error) };
  const bad = r.data.objects.findIndex((ob) => !o.shapes.includes(ob.shape) || !(ob.color in o.colors));
  if (bad >= 0) return { problem: `object ${bad + 1}: unknown shape or colour (${r.data.objects[bad]!.shape}, ${r.data.objects[bad]!.color})` };
  return { drawing: { ...r.data, ground: r.data.ground ?? o.world.groundY, background: r.data.background ?? o.backgrounds[0]! } };
}

/** The drawing as the param's JSON, every length to the centimetre. */
export function writeDrawing(d: Drawing): string {
  const objects = d.objects.map((ob) => ({ ...ob, x: cm(ob.x), y: cm(ob.y), size: cm(ob.size), vx: cm(ob.vx), vy: cm(ob.vy) }));
  const ramp = d.ramp ? { ramp: { side: d.ramp.side, height: cm(d.ramp.height), length: cm(d.ramp.length) } } : {};
  return JSON.stringify({ version: 1, objects, ground: cm(d.ground), walls: d.walls, ...ramp, background: d.background });
}

/** A pointer position (client px) in world metres, y up, for a surface showing the whole world. */
export function toWorld(clientX: number, clientY: number, rect: { left: number; top: number; width: number; height: number }, o: SketchOptions): Point {
  return {
    x: ((clientX - rect.left) / rect.width) * o.world.width,
    y: o.world.height - ((clientY - rect.top) / rect.height) * o.world.height,
  };
}

/** Triangle corners around its centre (apex up), as the simulator builds it. */
export function triangleCorners(h: number): [number, number][] {
  return [[-h, -0.8 * h], [h, -0.8 * h], [0, 1.05 * h]];
}

/** The topmost object under p (within its half-extent plus a little slack), or -1. */
export function objectAt(d: Drawing, p: Point, slack = 0.15): number {
  for (let i = d.objects.length - 1; i >= 0; i--) {
    const ob = d.objects[i]!;
    if (Math.hypot(p.x - ob.x, p.y - ob.y) <= ob.size + slack) return i;
  }
  return -1;
}

export type Tool = "select" | "ball" | "box" | "triangle" | "arrow" | "ground" | "ramp";
export const TOOLS: Tool[] = ["select", "ball", "box", "triangle", "arrow", "ground", "ramp"];

/** What a gesture is about, decided when the pointer goes down. */
export type Gesture =
  | { kind: "add"; shape: string; at: Point; color: string; material: string }
  | { kind: "move"; index: number; at: Point }
  | { kind: "arrow"; index: number; at: Point }
  | { kind: "ground" }
  | { kind: "ramp"; side: "left" | "right"; at: Point }
  | { kind: "none" };

export interface Pickers {
  color: string;
  material: string;
}

/** Pointer down at p with a tool: the gesture, the object it selects, or a message why nothing happens. */
export function startGesture(tool: Tool, d: Drawing, p: Point, pick: Pickers, o: SketchOptions): { gesture: Gesture; selected?: number; message?: string } {
  const hit = objectAt(d, p);
  switch (tool) {
    case "select":
      return hit < 0 ? { gesture: { kind: "none" }, selected: -1 } : { gesture: { kind: "move", index: hit, at: p }, selected: hit };
    case "arrow":
      return hit < 0 ? { gesture: { kind: "none" }, message: "start the arrow on an object" } : { gesture: { kind: "arrow", index: hit, at: p }, selected: hit };
    case "ground":
      return { gesture: { kind: "ground" } };
    case "ramp": {
      const side = p.x <= EDGE_REACH ? "left" : p.x >= o.world.width - EDGE_REACH ? "right" : undefined;
      return side ? { gesture: { kind: "ramp", side, at: p } } : { gesture: { kind: "none" }, message: "start a ramp near the left or right edge" };
    }
    default:
      if (d.objects.length >= o.maxObjects) return { gesture: { kind: "none" }, message: `at most ${o.maxObjects} objects` };
      return { gesture: { kind: "add", shape: tool, at: p, color: pick.color, material: pick.material } };
  }
}

/** The drawing after a gesture from its start to p; `click`: the pointer barely moved. */
export function applyGesture(g: Gesture, d: Drawing, p: Point, click: boolean, o: SketchOptions): Drawing {
  const { width, height } = o.world;
  const setObject = (i: number, f: (ob: DrawnObject) => DrawnObject) => ({ ...d, objects: d.objects.map((ob, k) => (k === i ? f(ob) : ob)) });
  switch (g.kind) {
    case "add": {
      const size = click ? o.sizes.medium : clamp(Math.hypot(p.x - g.at.x, p.y - g.at.y), DRAWN_HALF.min, DRAWN_HALF.max);
      return { ...d, objects: [...d.objects, { shape: g.shape, color: g.color, material: g.material, x: g.at.x, y: g.at.y, size, vx: 0, vy: 0 }] };
    }
    case "move":
      if (click) return d;
      return setObject(g.index, (ob) => ({ ...ob, x: clamp(ob.x + p.x - g.at.x, 0, width), y: clamp(ob.y + p.y - g.at.y, 0, height) }));
    case "arrow": {
      const v = (a: number) => (click ? 0 : clamp(a / o.metresPerSpeed, -SPEED_MAX, SPEED_MAX));
      return setObject(g.index, (ob) => ({ ...ob, vx: v(p.x - g.at.x), vy: v(p.y - g.at.y) }));
    }
    case "ground":
      return { ...d, ground: clamp(p.y, 0, height - 1) };
    case "ramp": {
      if (click) return { ...d, ramp: undefined };
      const length = clamp(Math.abs(p.x - g.at.x), 0.1, RAMP_MAX.length);
      const rise = clamp(Math.abs(p.y - g.at.y), 0.1, RAMP_MAX.height);
      return { ...d, ramp: { side: g.side, length, height: rise } };
    }
    case "none":
      return d;
  }
}

/** An object's outline in world metres: a circle, or a polygon's corners. */
export function outline(ob: DrawnObject): { circle: number } | { corners: [number, number][] } {
  const h = ob.size;
  if (ob.shape === "ball") return { circle: h };
  const local = ob.shape === "triangle" ? triangleCorners(h) : ([[-h, -h], [h, -h], [h, h], [-h, h]] as [number, number][]);
  return { corners: local.map(([a, b]) => [ob.x + a, ob.y + b]) };
}
