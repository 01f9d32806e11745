import { mkdirSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import type { FileRef, Services } from "../../core/node/definition.ts";
import type { PhysicsTrace, SceneSpec } from "../physics/scene.ts";
import { COLORS, type ColorName } from "../physics/vocabulary.ts";

const TRACK = [[255, 255, 255], [255, 230, 0], [0, 255, 255]] as const;

/**
 * Draws each object's simulated path (one dot per frame, joined) over a frame of the clip,
 * scaled up so the path reads on a node.
 */
export function drawTrajectories(base: Uint8Array, w: number, h: number, scene: SceneSpec, trace: PhysicsTrace, scale = 4): Uint8Array {
  const W = w * scale, H = h * scale;
  const out = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const s = ((Math.floor(y / scale) * w + Math.floor(x / scale)) * 3), d = (y * W + x) * 3;
    // Dim the background so the paths stand out.
    out[d] = base[s]! * 0.6; out[d + 1] = base[s + 1]! * 0.6; out[d + 2] = base[s + 2]! * 0.6;
  }
  const px = (W / scene.world.width);
  const dot = (cx: number, cy: number, r: number, c: readonly number[]) => {
    for (let y = Math.floor(cy - r); y <= cy + r; y++) for (let x = Math.floor(cx - r); x <= cx + r; x++) {
      if (x < 0 || y < 0 || x >= W || y >= H || (x - cx) ** 2 + (y - cy) ** 2 > r * r) continue;
      const d = (y * W + x) * 3; out[d] = c[0]!; out[d + 1] = c[1]!; out[d + 2] = c[2]!;
    }
  };
  scene.objects.forEach((o, k) => {
    const track = TRACK[k % TRACK.length]!;
    const pts = trace.poses.map((f) => [f[k]!.x * px, (scene.world.height - f[k]!.y) * px] as const);
    for (let i = 1; i < pts.length; i++) {
      const [x0, y0] = pts[i - 1]!, [x1, y1] = pts[i]!;
      const n = Math.ceil(Math.hypot(x1 - x0, y1 - y0));
      for (let j = 0; j <= n; j++) dot(x0 + ((x1 - x0) * j) / Math.max(1, n), y0 + ((y1 - y0) * j) / Math.max(1, n), 1, track);
    }
    pts.forEach(([x, y]) => dot(x, y, 3, COLORS[o.color as ColorName] ?? track));
  });
  return out;
}

let counter = 0;
/** Writes an RGB image into the temp folder and returns its reference for `ui.images`. */
export async function writeTempPng(services: Services, prefix: string, rgb: Uint8Array, w: number, h: number): Promise<FileRef> {
  mkdirSync(services.paths.temp, { recursive: true });
  const filename = `${prefix}_${process.pid}_${Date.now()}_${counter++}.png`;
  await sharp(rgb, { raw: { width: w, height: h, channels: 3 } }).png().toFile(join(services.paths.temp, filename));
  return { filename, subfolder: "", type: "temp" };
}
