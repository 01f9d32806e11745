// One simulated scene rendered at the pack's size and 4× larger: the upscaler's training pairs
// (dataset.ts) and the truth its eval scores against (training/eval/upscale.ts) come from here.
import { DEFAULT_CLIP, mergedMasks, type ClipFormat } from "../../nodes/physics/clip.ts";
import { renderClip, type RenderedClip } from "../../nodes/physics/render.ts";
import type { PhysicsTrace, SceneSpec } from "../../nodes/physics/scene.ts";
import { simulate } from "../../nodes/physics/simulate.ts";

export const SCALE = 4;

/** The large render of a simulated trace: RGB and all objects' coverage merged (frames × H × W, 0–255). */
export interface HighRender { rgb: Uint8Array; mask: Uint8Array; width: number; height: number; frames: number }

/**
 * Renders `trace` at (width·scale)×(height·scale). The background's bands and stars sit on one grid
 * at every size (nodes/physics/background.ts), so the large render area-averages to the small one.
 */
export function renderHigh(scene: SceneSpec, trace: PhysicsTrace, fmt: { width: number; height: number } = DEFAULT_CLIP, scale = SCALE): HighRender {
  const big = renderClip(scene, trace, { width: fmt.width * scale, height: fmt.height * scale });
  return { rgb: big.rgb, mask: mergedMasks(big, scene.objects.length), width: big.width, height: big.height, frames: big.frames };
}

export interface RenderPair { scene: SceneSpec; trace: PhysicsTrace; lr: RenderedClip; hr: HighRender }

/** Simulates `scene` and renders it at the clip size (what the pack makes) and `scale`× larger (the target). */
export async function simulatePair(scene: SceneSpec, fmt: ClipFormat = DEFAULT_CLIP, scale = SCALE): Promise<RenderPair> {
  const trace = await simulate(scene, { frames: fmt.frames, fps: fmt.fps });
  return { scene, trace, lr: renderClip(scene, trace, fmt), hr: renderHigh(scene, trace, fmt, scale) };
}
