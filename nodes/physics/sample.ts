import type { SceneDescription } from "./describe.ts";
import { createRng } from "./rng.ts";
import { BACKGROUNDS, COLOR_NAMES, MOTIONS, PLACES, SHAPES, SIZE_NAMES, type MotionName } from "./vocabulary.ts";

/** FNV-1a: a stable hash for choosing held-out combinations. */
function fnv(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * The held-out split: colour × shape × motion × background tuples that never occur in training
 * (about one in eight), while every single value still does.
 */
export function isHeldOut(d: Pick<SceneDescription, "color" | "shape" | "motion" | "background">): boolean {
  return fnv(`${d.color}|${d.shape}|${d.motion}|${d.background}`) % 8 === 0;
}

/** A random scene description, from the distribution the bundled model was trained on. */
export function sampleDescription(seed: number, split: "train" | "heldout"): SceneDescription {
  const rng = createRng(seed);
  for (;;) {
    const motion: MotionName = rng.chance(0.1) ? "collide" : rng.pick(MOTIONS.filter((m) => m !== "collide"));
    const count = motion === "collide" ? rng.int(2, 3) : rng.chance(0.55) ? 1 : rng.chance(0.6) ? 2 : 3;
    const d: SceneDescription = {
      shape: rng.pick(SHAPES),
      color: rng.pick(COLOR_NAMES),
      size: rng.pick(SIZE_NAMES),
      material: rng.chance(0.55) ? "normal" : rng.pick(["bouncy", "heavy", "slippery"] as const),
      count,
      motion,
      place: (motion === "falls" || motion === "thrown_up") && rng.chance(0.7) ? rng.pick(PLACES) : undefined,
      background: rng.pick(BACKGROUNDS),
      walls: rng.chance(0.1),
    };
    if (isHeldOut(d) === (split === "heldout")) return d;
  }
}

/** The seed of clip i of a split: the dataset generator and the eval draw the same held-out clips from it. */
export function clipSeed(base: number, i: number, split: "train" | "heldout"): number {
  return base * 1_000_003 + i * 7919 + (split === "heldout" ? 17 : 0);
}
