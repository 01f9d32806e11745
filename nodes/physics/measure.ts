// Measures a generated clip from its pixels, knowing the ground-truth scene: the instrument behind
// `npm run eval` and the physics-guidance eval. It never looks at the model, only at frames.
import { background, renderStatic } from "./render.ts";
import type { PhysicsTrace, SceneSpec } from "./scene.ts";
import { BACKGROUNDS, COLORS, COLOR_NAMES, type BackgroundName, type ColorName } from "./vocabulary.ts";

export interface ClipFrames { rgb: Uint8Array; width: number; height: number; frames: number }

const templates = new Map<string, Uint8Array>();
export function backgroundTemplate(bg: BackgroundName, w: number, h: number, groundTop: number): Uint8Array {
  const key = `${bg}:${w}:${h}:${groundTop}`;
  let t = templates.get(key);
  if (!t) templates.set(key, (t = Uint8Array.from(background(bg, w, h, groundTop), (v) => Math.round(v))));
  return t;
}

/** Per-pixel temporal median: moving objects vanish, the background stays. */
function temporalMedian(c: ClipFrames): Uint8Array {
  const n = c.width * c.height * 3;
  const out = new Uint8Array(n);
  const vals = new Uint8Array(c.frames);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < c.frames; f++) vals[f] = c.rgb[f * n + i]!;
    vals.sort();
    out[i] = vals[c.frames >> 1]!;
  }
  return out;
}

export function classifyBackground(c: ClipFrames, groundTop: number): BackgroundName {
  const med = temporalMedian(c);
  let best: BackgroundName = "sky", bestErr = Infinity;
  for (const bg of BACKGROUNDS) {
    const t = backgroundTemplate(bg, c.width, c.height, groundTop);
    let err = 0;
    for (let i = 0; i < med.length; i++) err += Math.abs(med[i]! - t[i]!);
    if (err < bestErr) { bestErr = err; best = bg; }
  }
  return best;
}

/** 1 where a pixel is neither the background nor a shadow on it. */
export function objectMask(frame: Uint8Array, bg: Uint8Array, w: number, h: number): Uint8Array {
  const m = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) {
    const r = frame[i * 3]!, g = frame[i * 3 + 1]!, b = frame[i * 3 + 2]!;
    const R = bg[i * 3]!, G = bg[i * 3 + 1]!, B = bg[i * 3 + 2]!;
    const diff = Math.abs(r - R) + Math.abs(g - G) + Math.abs(b - B);
    // A grey or black object on a coloured sky (black on the night sky's blue) differs by less
    // than 60, but no background pixel there is grey: a neutral pixel over a chromatic one counts.
    const neutralOnColour = diff >= 24 && Math.max(r, g, b) - Math.min(r, g, b) <= 16 && Math.max(R, G, B) - Math.min(R, G, B) >= 24;
    if (diff < 60 && !neutralOnColour) continue;
    // A shadow darkens the background evenly: all three channels by about the same ratio.
    const kr = r / (R + 1), kg = g / (G + 1), kb = b / (B + 1);
    // The renderer's shadows keep at least half the light; darker is an object (a black one, say).
    if (Math.max(kr, kg, kb) < 0.97 && Math.min(kr, kg, kb) > 0.5 && Math.max(kr, kg, kb) - Math.min(kr, kg, kb) < 0.12) continue;
    m[i] = 1;
  }
  return m;
}

export interface Blob { area: number; cx: number; cy: number; maxY: number; color: [number, number, number] }

/** Connected regions of a mask (4-neighbour), each with its centroid and mean colour. */
export function blobs(mask: Uint8Array, frame: Uint8Array, w: number, h: number, minArea = 4): Blob[] {
  const seen = new Uint8Array(w * h);
  const out: Blob[] = [];
  const stack: number[] = [];
  for (let s = 0; s < w * h; s++) {
    if (!mask[s] || seen[s]) continue;
    let area = 0, sx = 0, sy = 0, maxY = 0, cr = 0, cg = 0, cb = 0;
    stack.push(s); seen[s] = 1;
    while (stack.length) {
      const i = stack.pop()!;
      const x = i % w, y = (i / w) | 0;
      area++; sx += x; sy += y; maxY = Math.max(maxY, y);
      cr += frame[i * 3]!; cg += frame[i * 3 + 1]!; cb += frame[i * 3 + 2]!;
      for (const j of [x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w : -1, y < h - 1 ? i + w : -1]) {
        if (j >= 0 && mask[j] && !seen[j]) { seen[j] = 1; stack.push(j); }
      }
    }
    if (area >= minArea) out.push({ area, cx: sx / area + 0.5, cy: sy / area + 0.5, maxY: maxY + 1, color: [cr / area, cg / area, cb / area] });
  }
  return out;
}

/** Nearest named colour, allowing for the renderer's shading (×0.75 to ×1.3). */
export function nameColor(rgb: readonly number[]): ColorName {
  let best: ColorName = "red", bestD = Infinity;
  for (const name of COLOR_NAMES) {
    for (const k of [0.75, 0.9, 1, 1.15, 1.3]) {
      const c = COLORS[name];
      const d = (rgb[0]! - Math.min(255, c[0] * k)) ** 2 + (rgb[1]! - Math.min(255, c[1] * k)) ** 2 + (rgb[2]! - Math.min(255, c[2] * k)) ** 2;
      if (d < bestD) { bestD = d; best = name; }
    }
  }
  return best;
}

export interface ClipMetrics {
  color_ok: boolean;
  count_ok: boolean;
  direction_ok: boolean;
  background_ok: boolean;
  permanence_ok: boolean;
  /** Mean distance in px between generated and simulated object centroids. */
  trajectory_err_px: number;
  /** |a_gen − a_true| / a_true over free flight, when the clip has enough free flight to fit. */
  accel_err_rel?: number;
  /** Deepest reach of an object below the ground line, px. */
  penetration_px: number;
  /** Bounce height over drop height, generated, when the clip has a bounce. */
  bounce_ratio?: number;
  detected_frames: number;
  track: ({ x: number; y: number } | undefined)[];
  predicted: { color?: ColorName; count: number; background: BackgroundName };
}

/**
 * Where the ground truth puts the objects' mean centre in pixels, per frame; undefined when any object
 * is partly out of view: past a side, or above the top (a throw under low gravity leaves the frame).
 */
export function truthTrack(scene: SceneSpec, trace: PhysicsTrace, w: number): ({ x: number; y: number } | undefined)[] {
  const s = w / scene.world.width;
  const { width, height } = scene.world;
  return trace.poses.map((f) => {
    const inView = f.every((p, k) => {
      const h = scene.objects[k]!.halfExtent;
      return p.x - h > 0 && p.x + h < width && p.y + h < height;
    });
    if (!inView) return undefined;
    const x = f.reduce((a, p) => a + p.x, 0) / f.length, y = f.reduce((a, p) => a + p.y, 0) / f.length;
    return { x: x * s, y: (scene.world.height - y) * s };
  });
}

function dominantDirection(track: ({ x: number; y: number } | undefined)[]): "left" | "right" | "up" | "down" | "none" {
  const pts = track.filter((p): p is { x: number; y: number } => !!p);
  if (pts.length < 2) return "none";
  const dx = pts[pts.length - 1]!.x - pts[0]!.x;
  // Vertical sense from the first third of the clip, before bounces reverse it.
  const early = pts[Math.max(1, Math.floor(pts.length / 3))]!;
  const dy = early.y - pts[0]!.y;
  if (Math.abs(dx) >= 3 && Math.abs(dx) >= Math.abs(dy) * 0.5) return dx < 0 ? "left" : "right";
  if (Math.abs(dy) >= 1.5) return dy < 0 ? "up" : "down";
  return "none";
}

/** Fits y = a·t² + b·t + c by least squares and returns 2a (px/frame²). */
function fitAccel(ts: number[], ys: number[]): number {
  const n = ts.length;
  const S = (f: (t: number, i: number) => number) => ts.reduce((a, t, i) => a + f(t, i), 0);
  const s0 = n, s1 = S((t) => t), s2 = S((t) => t * t), s3 = S((t) => t ** 3), s4 = S((t) => t ** 4);
  const y0 = S((_, i) => ys[i]!), y1 = S((t, i) => t * ys[i]!), y2 = S((t, i) => t * t * ys[i]!);
  // Cramer's rule on the 3×3 normal equations.
  const det = (m: number[]) => m[0]! * (m[4]! * m[8]! - m[5]! * m[7]!) - m[1]! * (m[3]! * m[8]! - m[5]! * m[6]!) + m[2]! * (m[3]! * m[7]! - m[4]! * m[6]!);
  const A = [s4, s3, s2, s3, s2, s1, s2, s1, s0];
  const d = det(A);
  if (Math.abs(d) < 1e-9) return NaN;
  return (2 * det([y2, s3, s2, y1, s2, s1, y0, s1, s0])) / d;
}

export function measureClip(c: ClipFrames, scene: SceneSpec, trace: PhysicsTrace): ClipMetrics {
  const { width: w, height: h } = c;
  const s = w / scene.world.width;
  const groundTop = h - scene.world.groundY * s;
  const background = classifyBackground(c, groundTop);
  const bg = renderStatic(scene, w, h);
  const truth = truthTrack(scene, trace, w);
  const px = w * h * 3;
  const counts: number[] = [], colors: ColorName[] = [], areas: (number | undefined)[] = [];
  const track: ({ x: number; y: number } | undefined)[] = [];
  let penetration = 0;
  for (let f = 0; f < c.frames; f++) {
    const frame = c.rgb.subarray(f * px, (f + 1) * px);
    const found = blobs(objectMask(frame, bg, w, h), frame, w, h);
    counts.push(found.length);
    if (found.length === 0) { track.push(undefined); areas.push(undefined); continue; }
    const area = found.reduce((a, b) => a + b.area, 0);
    areas.push(area);
    track.push({ x: found.reduce((a, b) => a + b.cx * b.area, 0) / area, y: found.reduce((a, b) => a + b.cy * b.area, 0) / area });
    const col = found.reduce((a, b) => [a[0] + b.color[0] * b.area, a[1] + b.color[1] * b.area, a[2] + b.color[2] * b.area], [0, 0, 0]).map((v) => v / area);
    colors.push(nameColor(col));
    for (const b of found) penetration = Math.max(penetration, b.maxY - groundTop);
  }
  // Objects overlap now and then: the count is the largest one seen in at least three frames.
  let count = 0;
  for (let k = Math.max(...counts); k > 0; k--) if (counts.filter((n) => n >= k).length >= 3) { count = k; break; }
  const tally = new Map<ColorName, number>();
  for (const col of colors) tally.set(col, (tally.get(col) ?? 0) + 1);
  const color = [...tally.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const visible = truth.map((t, f) => (t ? areas[f] : 0));
  const known = visible.filter((a): a is number => a !== undefined && a > 0).sort((a, b) => a - b);
  const median = known[known.length >> 1] ?? 0;
  const permanence = median > 0 && truth.every((t, f) => !t || (areas[f] !== undefined && areas[f]! > 0.4 * median && areas[f]! < 2.2 * median));
  let err = 0, n = 0;
  truth.forEach((t, f) => {
    const g = track[f];
    if (t && g) { err += Math.hypot(t.x - g.x, t.y - g.y); n++; }
  });
  const missing = truth.filter((t, f) => t && !track[f]).length;
  // A frame with no object at all counts as the worst miss: half the frame's diagonal.
  const trajectory = (err + missing * Math.hypot(w, h) / 2) / Math.max(1, n + missing);
  const dirTruth = dominantDirection(truth), dirGen = dominantDirection(track);
  return {
    color_ok: color === scene.objects[0]!.color,
    count_ok: count === scene.objects.length,
    direction_ok: dirTruth === dirGen,
    background_ok: background === scene.background,
    permanence_ok: permanence,
    trajectory_err_px: trajectory,
    accel_err_rel: freeFlightAccel(track, scene, trace, s),
    penetration_px: Math.max(0, penetration),
    bounce_ratio: bounceRatio(track, trace),
    detected_frames: track.filter(Boolean).length,
    track,
    predicted: { color, count, background },
  };
}

/** Free flight = the frames before the first contact of a single object that starts in the air. */
function freeFlightAccel(track: ({ x: number; y: number } | undefined)[], scene: SceneSpec, trace: PhysicsTrace, s: number): number | undefined {
  if (scene.objects.length !== 1) return undefined;
  const o = scene.objects[0]!;
  if (o.position.y - o.halfExtent - scene.world.groundY < 0.5 && o.velocity.y <= 0) return undefined;
  const first = trace.contacts.length ? Math.min(...trace.contacts.map((c) => c.frame)) : trace.frames;
  const ts: number[] = [], ys: number[] = [];
  for (let f = 0; f < first; f++) if (track[f]) { ts.push(f); ys.push(track[f]!.y); }
  if (ts.length < 4) return undefined;
  const g = (scene.world.gravity * s) / (trace.fps * trace.fps);
  const a = fitAccel(ts, ys);
  return Number.isFinite(a) ? Math.abs(a - g) / g : undefined;
}

/** For one falling object: height of the first rebound over the drop height (pixels), else undefined. */
function bounceRatio(track: ({ x: number; y: number } | undefined)[], trace: PhysicsTrace): number | undefined {
  if (trace.poses[0]!.length !== 1 || trace.contacts.length === 0) return undefined;
  const ys = track.map((p) => p?.y);
  const first = Math.min(...trace.contacts.map((c) => c.frame));
  const start = ys[0], low = ys[first];
  if (start === undefined || low === undefined || low - start < 4) return undefined;
  const after = ys.slice(first + 1).filter((y): y is number => y !== undefined);
  if (after.length === 0) return undefined;
  return (low - Math.min(...after)) / (low - start);
}
