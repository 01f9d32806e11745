import { resolveScene, type SceneDescription } from "./describe.ts";
import { renderClip, type RenderedClip } from "./render.ts";
import type { PhysicsTrace, SceneSpec } from "./scene.ts";
import { simulate } from "./simulate.ts";

export interface ClipFormat { width: number; height: number; frames: number; fps: number }
export const DEFAULT_CLIP: ClipFormat = { width: 64, height: 64, frames: 16, fps: 8 };

export interface Clip { scene: SceneSpec; trace: PhysicsTrace; render: RenderedClip }

/** Description + seed → simulated and rendered clip: the ground truth the model learns from. */
export async function makeClip(desc: SceneDescription, seed: number, fmt: ClipFormat = DEFAULT_CLIP): Promise<Clip> {
  const scene = resolveScene(desc, seed);
  return renderScene(scene, fmt);
}

export async function renderScene(scene: SceneSpec, fmt: ClipFormat = DEFAULT_CLIP, timeScale = 1): Promise<Clip> {
  const trace = await simulate(scene, { frames: fmt.frames, fps: fmt.fps, timeScale });
  return { scene, trace, render: renderClip(scene, trace, fmt) };
}

/** All objects' coverage merged into one mask per frame (frames × height × width, 0–255). */
export function mergedMasks(r: { masks: Uint8Array; frames: number; width: number; height: number }, objects: number): Uint8Array {
  const px = r.width * r.height;
  const out = new Uint8Array(r.frames * px);
  for (let f = 0; f < r.frames; f++) for (let k = 0; k < objects; k++) {
    const src = (f * objects + k) * px;
    for (let i = 0; i < px; i++) out[f * px + i] = Math.max(out[f * px + i]!, r.masks[src + i]!);
  }
  return out;
}
