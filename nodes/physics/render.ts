import { paintBackground } from "./background.ts";
import type { PhysicsTrace, SceneSpec } from "./scene.ts";
import { triangleVertices } from "./simulate.ts";
import { COLORS, type BackgroundName, type ColorName } from "./vocabulary.ts";

export interface RenderOptions { width: number; height: number }
export interface RenderedClip {
  width: number;
  height: number;
  frames: number;
  /** RGB, frame-major: frames × height × width × 3. */
  rgb: Uint8Array;
  /** Coverage of each object per frame: frames × objects × height × width, 0–255. */
  masks: Uint8Array;
}

const backgroundCache = new Map<string, Float32Array>();
/** A painted background, cached: the renderer and the measuring instrument share it. */
export function background(bg: BackgroundName, w: number, h: number, groundTop: number): Float32Array {
  const key = `${bg}:${w}:${h}:${groundTop}`;
  let b = backgroundCache.get(key);
  if (!b) backgroundCache.set(key, (b = paintBackground(bg, w, h, groundTop)));
  return b;
}

/** Signed distance (in body units) to a convex polygon given counter-clockwise. */
function polygonDistance(px: number, py: number, pts: [number, number][]): number {
  let d = -Infinity;
  for (let i = 0; i < pts.length; i++) {
    const [ax, ay] = pts[i]!;
    const [bx, by] = pts[(i + 1) % pts.length]!;
    const ex = bx - ax, ey = by - ay;
    const len = Math.hypot(ex, ey);
    d = Math.max(d, ((px - ax) * ey - (py - ay) * ex) / len);
  }
  return d;
}

/**
 * Draws a simulated scene: background, ground shadows, walls/ramp, then shaded, anti-aliased objects.
 * Deterministic: same scene + trace → same bytes.
 */
export function renderClip(scene: SceneSpec, trace: PhysicsTrace, opts: RenderOptions): RenderedClip {
  const { width: W, height: H } = opts;
  const s = W / scene.world.width;
  const groundTop = H - scene.world.groundY * s;
  const bg = background(scene.background, W, H, groundTop);
  const nObj = scene.objects.length;
  const rgb = new Uint8Array(trace.frames * W * H * 3);
  const masks = new Uint8Array(trace.frames * nObj * W * H);
  const buf = new Float32Array(W * H * 3);
  const toPx = (x: number, y: number): [number, number] => [x * s, (scene.world.height - y) * s];
  for (let f = 0; f < trace.frames; f++) {
    buf.set(bg);
    paintStatic(buf, scene, W, H);
    const poses = trace.poses[f]!;
    // Soft contact shadows on the ground: darker and tighter when the object is low.
    scene.objects.forEach((o, k) => {
      const p = poses[k]!;
      const height = Math.max(0, p.y - o.halfExtent - scene.world.groundY);
      const strength = 0.45 * Math.exp(-height / 2.5);
      const [cx] = toPx(p.x, 0);
      const rx = o.halfExtent * s * (1.1 + 0.15 * height), ry = Math.max(1, 0.12 * o.halfExtent * s * 2);
      for (let y = Math.floor(groundTop - ry); y <= Math.ceil(groundTop + ry); y++) {
        for (let x = Math.floor(cx - rx - 1); x <= Math.ceil(cx + rx + 1); x++) {
          if (x < 0 || y < 0 || x >= W || y >= H) continue;
          const e = ((x + 0.5 - cx) / rx) ** 2 + ((y + 0.5 - groundTop) / ry) ** 2;
          if (e >= 1) continue;
          const k3 = (y * W + x) * 3, a = strength * (1 - e);
          buf[k3] *= 1 - a; buf[k3 + 1] *= 1 - a; buf[k3 + 2] *= 1 - a;
        }
      }
    });
    scene.objects.forEach((o, k) => {
      const p = poses[k]!;
      const base = COLORS[o.color as ColorName];
      const [cx, cy] = toPx(p.x, p.y);
      const rPx = o.halfExtent * s;
      const cos = Math.cos(p.angle), sin = Math.sin(p.angle);
      const poly = o.shape === "box" ? [[-1, -1], [1, -1], [1, 1], [-1, 1]].map(([a, b]) => [a! * o.halfExtent, b! * o.halfExtent] as [number, number]) : o.shape === "triangle" ? triangleVertices(o.halfExtent) : undefined;
      const reach = rPx * 1.6 + 1;
      const mOff = (f * nObj + k) * W * H;
      for (let y = Math.max(0, Math.floor(cy - reach)); y < Math.min(H, Math.ceil(cy + reach)); y++) {
        for (let x = Math.max(0, Math.floor(cx - reach)); x < Math.min(W, Math.ceil(cx + reach)); x++) {
          const dx = (x + 0.5 - cx) / s, dy = (cy - (y + 0.5)) / s; // body offset in metres, y up
          const lx = cos * dx + sin * dy, ly = -sin * dx + cos * dy;
          const dist = poly ? polygonDistance(lx, ly, poly) : Math.hypot(dx, dy) - o.halfExtent;
          const cover = Math.min(1, Math.max(0, 0.5 - dist * s));
          if (cover <= 0) continue;
          // Light from the upper left in world space, so rotation reads as motion.
          const shade = poly ? 1.05 + 0.25 * (ly / o.halfExtent) + 0.08 * Math.sign(-lx) : 1.1 + 0.35 * ((-dx + dy) / o.halfExtent) * 0.5 - 0.35 * (Math.hypot(dx, dy) / o.halfExtent) ** 4;
          const k3 = (y * W + x) * 3;
          for (let c = 0; c < 3; c++) buf[k3 + c] = buf[k3 + c]! * (1 - cover) + Math.min(255, base[c]! * shade + (base[c]! < 60 ? 25 * (shade - 1) : 0)) * cover;
          masks[mOff + y * W + x] = Math.round(cover * 255);
        }
      }
    });
    const off = f * W * H * 3;
    for (let i = 0; i < buf.length; i++) rgb[off + i] = Math.max(0, Math.min(255, Math.round(buf[i]!)));
  }
  return { width: W, height: H, frames: trace.frames, rgb, masks };
}

function fill(buf: Float32Array, W: number, H: number, tri: [number, number][], color: [number, number, number]): void {
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const cover = Math.min(1, Math.max(0, 0.5 - polygonDistance(x + 0.5, y + 0.5, tri)));
    if (cover <= 0) continue;
    const k3 = (y * W + x) * 3;
    for (let c = 0; c < 3; c++) buf[k3 + c] = buf[k3 + c]! * (1 - cover) + color[c]! * cover;
  }
}

/** Background plus the fixed parts of the world (walls, ramp): everything that does not move. */
export function renderStatic(scene: SceneSpec, W: number, H: number): Uint8Array {
  const s = W / scene.world.width;
  const buf = Float32Array.from(background(scene.background, W, H, H - scene.world.groundY * s));
  paintStatic(buf, scene, W, H);
  return Uint8Array.from(buf, (v) => Math.max(0, Math.min(255, Math.round(v))));
}

function paintStatic(buf: Float32Array, scene: SceneSpec, W: number, H: number): void {
  const s = W / scene.world.width;
  const toPx = (x: number, y: number): [number, number] => [x * s, (scene.world.height - y) * s];
  if (scene.world.walls) {
    const ww = Math.max(1, 0.25 * s);
    for (let y = 0; y < H; y++) for (const x0 of [0, W - ww]) for (let x = Math.floor(x0); x < x0 + ww; x++) {
      const k3 = (y * W + x) * 3; buf[k3] = 120; buf[k3 + 1] = 120; buf[k3 + 2] = 130;
    }
  }
  const r = scene.world.ramp;
  if (r) {
    const x0 = r.side === "left" ? 0 : scene.world.width, x1 = r.side === "left" ? r.length : scene.world.width - r.length;
    const tri: [number, number][] = [toPx(x0, scene.world.groundY), toPx(x1, scene.world.groundY), toPx(x0, scene.world.groundY + r.height)];
    const mid = [(tri[0]![0] + tri[1]![0] + tri[2]![0]) / 3, (tri[0]![1] + tri[1]![1] + tri[2]![1]) / 3] as const;
    if (polygonDistance(mid[0], mid[1], tri) > 0) tri.reverse();
    fill(buf, W, H, tri, [150, 150, 160]);
  }
}
