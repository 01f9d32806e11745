// The words of the physics world: every name a prompt can use, with the numbers behind it.
// Shared by the scene sampler, the phrase generator, the parser, the renderer and the eval.

export const COLORS = {
  red: [220, 40, 40],
  orange: [245, 140, 30],
  yellow: [245, 215, 40],
  green: [40, 170, 60],
  blue: [40, 90, 220],
  purple: [140, 60, 190],
  white: [245, 245, 245],
  black: [30, 30, 30],
} as const satisfies Record<string, readonly [number, number, number]>;
export type ColorName = keyof typeof COLORS;
export const COLOR_NAMES = Object.keys(COLORS) as ColorName[];

export const SHAPES = ["ball", "box", "triangle"] as const;
export type ShapeName = (typeof SHAPES)[number];

/** Object half-extent in metres (radius for a ball). */
export const SIZES = { small: 0.45, medium: 0.65, large: 0.9 } as const;
export type SizeName = keyof typeof SIZES;
export const SIZE_NAMES = Object.keys(SIZES) as SizeName[];

export const MATERIALS = {
  normal: { restitution: 0.45, friction: 0.3, density: 1 },
  bouncy: { restitution: 0.85, friction: 0.3, density: 0.8 },
  heavy: { restitution: 0.1, friction: 0.45, density: 4 },
  slippery: { restitution: 0.3, friction: 0.02, density: 1 },
} as const;
export type MaterialName = keyof typeof MATERIALS;
export const MATERIAL_NAMES = Object.keys(MATERIALS) as MaterialName[];

export const MOTIONS = [
  "falls",
  "thrown_left",
  "thrown_right",
  "thrown_up",
  "rolls_left",
  "rolls_right",
  "collide",
] as const;
export type MotionName = (typeof MOTIONS)[number];

export const PLACES = ["left", "center", "right"] as const;
export type PlaceName = (typeof PLACES)[number];

export const BACKGROUNDS = ["sky", "night", "sunset", "beach", "grass"] as const;
export type BackgroundName = (typeof BACKGROUNDS)[number];

/** Default world: 8 m square seen by the camera, ground top 1 m above the bottom edge. */
export const WORLD = { width: 8, height: 8, groundY: 1, gravity: 9.81 } as const;

/** Expected horizontal sign of a motion (−1 left, +1 right, 0 none/vertical). */
export function motionDirection(motion: MotionName): -1 | 0 | 1 {
  if (motion === "thrown_left" || motion === "rolls_left") return -1;
  if (motion === "thrown_right" || motion === "rolls_right") return 1;
  return 0;
}
