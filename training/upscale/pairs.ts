// One simulated scene rendered at the pack's size and 4× larger: the upscaler's training pairs
// (dataset.ts) and the truth its eval scores against (training/eval/upscale.ts) come from here.
import { DEFAULT_CLIP, mergedMasks, type ClipFormat } from "../../nodes/physics/clip.ts";
import { background, renderClip, type RenderedClip } from "../../nodes/physics/render.ts";
import type { PhysicsTrace, SceneSpec } from "../../nodes/physics/scene.ts";
import { simulate } from "../../nodes/physics/simulate.ts";

export const SCALE = 4;

/**
 * The night sky's stars are hashed per pixel, so a large render has a different star field from
 * the small one: nothing an upscaler could learn. The large render uses the small render's stars
 * instead, each drawn over the scale×scale block it covers (the block's mean is the small pixel).
 * This edits the renderer's cached large background in place (this process only), once per ground line.
 */
const patchedNight = new Set<string>();
export function consistentNight(scene: SceneSpec, W: number, H: number, scale = SCALE): void {
  if (scene.background !== "night") return;
  const big = { w: W * scale, h: H * scale };
  const gtBig = big.h - scene.world.groundY * (big.w / scene.world.width);
  const key = `${big.w}:${big.h}:${gtBig}`;
  if (patchedNight.has(key)) return;
  patchedNight.add(key);
  const gtSmall = H - scene.world.groundY * (W / scene.world.width);
  const small = background("night", W, H, gtSmall);
  const hr = background("night", big.w, big.h, gtBig);
  const sky = (y: number, top: number): number[] => {
    const t = y / Math.max(1, top);
    return [8 + 24 * t, 12 + 30 * t, 36 + 50 * t];
  };
  for (let y = 0; y < big.h; y++) {
    if (y + 0.5 >= gtBig) break;
    const c = sky(y, gtBig);
    for (let x = 0; x < big.w; x++) for (let k = 0; k < 3; k++) hr[(y * big.w + x) * 3 + k] = c[k]!;
  }
  for (let y = 0; y < H; y++) {
    if (y + 0.5 >= gtSmall) break;
    const c = sky(y, gtSmall);
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      if (Math.abs(small[i]! - c[0]!) + Math.abs(small[i + 1]! - c[1]!) + Math.abs(small[i + 2]! - c[2]!) < 1e-3) continue;
      for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) {
        const yy = y * scale + dy, xx = x * scale + dx;
        if (yy + 0.5 >= gtBig) continue;
        for (let k = 0; k < 3; k++) hr[(yy * big.w + xx) * 3 + k] = small[i + k]!;
      }
    }
  }
}

/** The large render of a simulated trace: RGB and all objects' coverage merged (frames × H × W, 0–255). */
export interface HighRender { rgb: Uint8Array; mask: Uint8Array; width: number; height: number; frames: number }

/** Renders `trace` at (width·scale)×(height·scale), with the small render's night stars. */
export function renderHigh(scene: SceneSpec, trace: PhysicsTrace, fmt: { width: number; height: number } = DEFAULT_CLIP, scale = SCALE): HighRender {
  consistentNight(scene, fmt.width, fmt.height, scale);
  const big = renderClip(scene, trace, { width: fmt.width * scale, height: fmt.height * scale });
  return { rgb: big.rgb, mask: mergedMasks(big, scene.objects.length), width: big.width, height: big.height, frames: big.frames };
}

export interface RenderPair { scene: SceneSpec; trace: PhysicsTrace; lr: RenderedClip; hr: HighRender }

/** Simulates `scene` and renders it at the clip size (what the pack makes) and `scale`× larger (the target). */
export async function simulatePair(scene: SceneSpec, fmt: ClipFormat = DEFAULT_CLIP, scale = SCALE): Promise<RenderPair> {
  const trace = await simulate(scene, { frames: fmt.frames, fps: fmt.fps });
  return { scene, trace, lr: renderClip(scene, trace, fmt), hr: renderHigh(scene, trace, fmt, scale) };
}
